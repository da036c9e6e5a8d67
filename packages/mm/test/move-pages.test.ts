/**
 * move_pages(2) between the simulated NUMA nodes, on every variant in both
 * eras: the page's node changes, its data and the pte's permissions stay
 * (the decoded pte maps the new pfn), and the per-page status is what each
 * era's kernel reports — including 2.6.21's habit of failing the whole
 * call with -ENOENT when no page was isolated. Also: file and swap-cache
 * pages, pinned pages, and the `move_pages` .mmo op.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { decodePte, migrationEntrySupportsAd, PteClassCode, toBig, type VariantSpec } from '@mmsim/core';
import { describe, expect, test } from 'vitest';
import {
  access,
  do_mmap,
  do_move_pages_path,
  dup_mmap,
  get_user_pages,
  isolate_lru_page,
  pin_user_pages,
  reclaim_anon_page,
  swapon,
  unpin_user_page,
  FOLL_LONGTERM,
  FOLL_WRITE,
  type MovePagesResult,
} from '../src/kernel/index.js';
import { checkInvariants } from '../src/check/index.js';
import { create_file, file_pread, runPath } from '../src/model/index.js';
import { Machine, parseMmo, runScript, SyscallError, type Mm } from '../src/index.js';

const A = 0x4000;
const RW = { read: true, write: true, exec: false };

function pte(m: Machine, mm: Mm, vpn: number): { hi: number; lo: number; cls: number } {
  const slot = mm.pgtable.walk(vpn, false);
  const hi = slot < 0 ? 0 : mm.pgtable.hi(slot);
  const lo = slot < 0 ? 0 : mm.pgtable.lo(slot);
  return { hi, lo, cls: m.variant.fast.classify(hi, lo) };
}

const frameAt = (m: Machine, mm: Mm, vpn: number): number => {
  const e = pte(m, mm, vpn);
  return e.cls === PteClassCode.present ? m.pteFrame(e.hi, e.lo) : -1;
};

function move(m: Machine, mm: Mm, vpn: number, node: number, all = false): MovePagesResult | string {
  try {
    return runPath(do_move_pages_path(m, mm, vpn, node, all));
  } catch (e) {
    if (e instanceof SyscallError) return e.errno;
    throw e;
  }
}

/** what a per-page error is in each era: 6.18 writes the status; 2.6.21 fails the call with ENOENT */
const failed = (spec: VariantSpec, status: number): MovePagesResult | string => (spec.era === '6.18' ? { ret: 0, status } : 'ENOENT');

function setup(spec: VariantSpec): { m: Machine; mm: Mm } {
  const m = new Machine({ spec, frames: 256 });
  const p = m.spawn('p');
  do_mmap(m, p.mm, { start: A, pages: 4, prot: RW, shared: false });
  return { m, mm: p.mm };
}

describe('move_pages', () => {
  for (const spec of [...X86, ...PPC]) {
    describe(`${spec.id}@${spec.era}`, () => {
      test('an anon page moves to the other node with its data, pfn and pte bits as the kernel leaves them', () => {
        const { m, mm } = setup(spec);
        access(m, mm, A, true, m.tags.intern('X'));
        const old = frameAt(m, mm, A);
        expect(m.frames.nid(old)).toBe(0);
        expect(move(m, mm, A, 1)).toEqual({ ret: 0, status: 1 });
        const copy = frameAt(m, mm, A);
        expect(copy).not.toBe(old);
        expect(m.frames.nid(copy)).toBe(1);
        expect(m.frames.isFree(old)).toBe(true);
        expect(checkInvariants(m)).toEqual([]);
        // the decoded pte: present, the new pfn, writable; young and dirty only where 6.18's entry carried them
        const e = pte(m, mm, A);
        const d = decodePte(m.variant, toBig(e.hi, e.lo));
        expect(d.class).toBe('present');
        expect(d.fields.find((f) => f.name === 'pfn')?.value).toBe(BigInt(m.frames.pfn(copy)));
        expect(m.pteWrite(e.hi, e.lo)).toBe(true);
        const ad = migrationEntrySupportsAd(m.variant);
        expect(m.isPteDirty(e.hi, e.lo)).toBe(ad);
        const old_ = m.variant.modifierWords['pte_mkold'];
        if (old_) expect((e.hi & ~old_.keepHi) !== 0 || (e.lo & ~old_.keepLo) !== 0).toBe(ad);
        // 6.18: a writable entry makes the page exclusive again; both eras carry the pte's dirt to the page
        const flags = m.frames.flags[copy]!;
        expect((flags & (1 << 6)) !== 0).toBe(spec.era === '6.18'); // PG_anon_exclusive
        expect((flags & (1 << 2)) !== 0).toBe(true); // PG_dirty
        const r = access(m, mm, A, false);
        expect(r.ok && r.tag).toBe('X');
        // and back
        expect(move(m, mm, A, 0)).toEqual({ ret: 0, status: 0 });
        expect(m.frames.nid(frameAt(m, mm, A))).toBe(0);
        expect(access(m, mm, A, true, m.tags.intern('Y')).ok).toBe(true);
        expect(checkInvariants(m)).toEqual([]);
      });

      test('statuses: no VMA, no page, the zero page, already there, a bad node, busy', () => {
        const { m, mm } = setup(spec);
        expect(move(m, mm, A + 100, 1)).toEqual(failed(spec, -14)); // EFAULT: no VMA
        expect(move(m, mm, A + 1, 1)).toEqual(failed(spec, -2)); // ENOENT: never touched
        access(m, mm, A + 2, false); // the zero page
        expect(move(m, mm, A + 2, 1)).toEqual(failed(spec, spec.era === '6.18' ? -14 : -2)); // 6.18 FW_ZEROPAGE: EFAULT
        access(m, mm, A, true, m.tags.intern('X'));
        expect(move(m, mm, A, 0)).toEqual(failed(spec, 0)); // on node 0 already (2.6.21: nothing isolated)
        expect(move(m, mm, A, 2)).toBe('ENODEV');
        expect(move(m, mm, A, -1)).toBe('ENODEV');
        const f = frameAt(m, mm, A);
        expect(isolate_lru_page(m, f)).toBe(true); // another migration has it
        expect(move(m, mm, A, 1)).toEqual(failed(spec, -16)); // EBUSY
        expect(checkInvariants(m)).toEqual([]);
      });

      test('a page both processes map: EACCES without MPOL_MF_MOVE_ALL; with it both ptes move', () => {
        const { m, mm } = setup(spec);
        access(m, mm, A, true, m.tags.intern('X'));
        const child = dup_mmap(m, m.procs[0]!, 'child');
        expect(move(m, child.mm, A, 1)).toEqual(failed(spec, -13));
        expect(move(m, child.mm, A, 1, true)).toEqual({ ret: 0, status: 1 });
        const copy = frameAt(m, mm, A);
        expect(frameAt(m, child.mm, A)).toBe(copy);
        expect(m.frames.nid(copy)).toBe(1);
        expect(m.frames.maps(copy)).toBe(2);
        // both still write-protected (COW after fork): a write copies
        expect(m.pteWrite(pte(m, mm, A).hi, pte(m, mm, A).lo)).toBe(false);
        access(m, child.mm, A, true, m.tags.intern('C'));
        const r = access(m, mm, A, false);
        expect(r.ok && r.tag).toBe('X');
        expect(checkInvariants(m)).toEqual([]);
      });

      test('a pinned page does not move: the migration fails after its passes and the pte is restored', () => {
        const { m, mm } = setup(spec);
        access(m, mm, A, true, m.tags.intern('X'));
        const old = frameAt(m, mm, A);
        const pin = spec.era === '6.18' ? pin_user_pages(m, mm, A, FOLL_WRITE | FOLL_LONGTERM) : get_user_pages(m, mm, A, FOLL_WRITE);
        expect(move(m, mm, A, 1)).toEqual(spec.era === '6.18' ? { ret: 1, status: null } : { ret: 1, status: -11 });
        expect(frameAt(m, mm, A)).toBe(old);
        expect(m.frames.nid(old)).toBe(0);
        expect(checkInvariants(m)).toEqual([]);
        unpin_user_page(m, pin);
        expect(move(m, mm, A, 1)).toEqual({ ret: 0, status: 1 });
        expect(checkInvariants(m)).toEqual([]);
      });

      test('a file page moves in the page cache too', () => {
        const m = new Machine({ spec, frames: 256 });
        const p = m.spawn('p');
        const inode = create_file(m, 'F', 'ext4', 2, 'F');
        do_mmap(m, p.mm, { start: A, pages: 2, prot: RW, shared: true, inode, pgoff: 0 });
        access(m, p.mm, A + 1, false);
        const old = frameAt(m, p.mm, A + 1);
        expect(inode.cache.get(1)).toBe(old);
        expect(move(m, p.mm, A + 1, 1)).toEqual({ ret: 0, status: 1 });
        const copy = frameAt(m, p.mm, A + 1);
        expect(copy).not.toBe(old);
        expect(inode.cache.get(1)).toBe(copy);
        expect(m.frames.nid(copy)).toBe(1);
        expect(file_pread(m, inode, 1).data).toBe('F1');
        // ext4 tracks dirty pages: the clean page comes back read-only (writenotify), and a write still faults it writable
        expect(m.pteWrite(pte(m, p.mm, A + 1).hi, pte(m, p.mm, A + 1).lo)).toBe(false);
        expect(access(m, p.mm, A + 1, true, m.tags.intern('W')).ok).toBe(true);
        expect(move(m, p.mm, A + 1, 0)).toEqual({ ret: 0, status: 0 });
        expect(m.pteWrite(pte(m, p.mm, A + 1).hi, pte(m, p.mm, A + 1).lo)).toBe(true);
        expect(file_pread(m, inode, 1).data).toBe('W');
        expect(checkInvariants(m)).toEqual([]);
      });

      test('a swap-cache page: its slot goes to the new page (2.6.21 leaves a swap pte, 6.18 maps the new page)', () => {
        const { m, mm } = setup(spec);
        const dev = swapon(m, 'file', 64);
        access(m, mm, A, true, m.tags.intern('S'));
        expect(reclaim_anon_page(m, frameAt(m, mm, A))).toBe(true); // written to swap, unmapped
        expect(pte(m, mm, A).cls).toBe(PteClassCode.swap);
        access(m, mm, A, false); // swapped in by a read fault: still in the swap cache
        const old = frameAt(m, mm, A);
        const slot = dev.cache.indexOf(old);
        expect(slot).toBeGreaterThan(0);
        expect(move(m, mm, A, 1)).toEqual({ ret: 0, status: 1 });
        const copy = dev.cache[slot]!;
        expect(copy).not.toBe(old);
        expect(m.frames.nid(copy)).toBe(1);
        expect(pte(m, mm, A).cls).toBe(spec.era === '6.18' ? PteClassCode.present : PteClassCode.swap);
        expect(checkInvariants(m)).toEqual([]);
        const r = access(m, mm, A, false);
        expect(r.ok && r.tag).toBe('S');
        expect(frameAt(m, mm, A)).toBe(copy);
        expect(checkInvariants(m)).toEqual([]);
      });
    });
  }

  test('the move_pages op: R PAGE NODE [all], its result in the trace', () => {
    const spec = X86.find((s) => s.id === 'x86_64' && s.era === '6.18')!;
    const script = parseMmo(['mmap M 2 rw- private,anon slot=0', 'write M 0 X', 'move_pages M 0 1', 'move_pages M 1 1', 'fork', '@child move_pages M 0 0', '@child move_pages M 0 0 all', 'read M 0'].join('\n'));
    const trace = runScript(script, { spec, frames: 256, nodes: 2 }, 'move.mmo', { check: true });
    expect(trace.steps.filter((s) => s.op === 'move_pages').map((s) => s.ret)).toEqual([
      { ok: true, val: 0, status: 1 },
      { ok: true, val: 0, status: -2 },
      { ok: true, val: 0, status: -13 },
      { ok: true, val: 0, status: 0 },
    ]);
    expect(trace.steps.at(-1)!.ret).toMatchObject({ ok: true, data: 'X' });
    const old = X86.find((s) => s.id === 'x86_64' && s.era === '2.6.21')!;
    const t = runScript(parseMmo('mmap M 1 rw- private,anon slot=0\nmove_pages M 0 1\nwrite M 0 X\nmove_pages M 0 1'), { spec: old, frames: 256, nodes: 2 }, 'move.mmo', { check: true });
    expect(t.steps.filter((s) => s.op === 'move_pages').map((s) => s.ret)).toEqual([
      { ok: false, errno: 'ENOENT' },
      { ok: true, val: 0, status: 1 },
    ]);
    expect(() => parseMmo('move_pages M 0')).toThrow(/takes 3–4 argument/);
    expect(() => runScript(parseMmo('mmap M 1 rw- private,anon slot=0\nmove_pages M 0 1 everything'), { spec, frames: 64, nodes: 2 })).toThrow(/move_pages flag 'everything' is not a known flag/);
  });

  test('nodes: a machine with one node has nowhere to move a page', () => {
    const spec = X86.find((s) => s.id === 'x86_64' && s.era === '6.18')!;
    const { m, mm } = setup(spec);
    m.frames.nodes = 1;
    access(m, mm, A, true, m.tags.intern('X'));
    expect(move(m, mm, A, 1)).toBe('ENODEV');
    m.frames.nodes = 4;
    expect(move(m, mm, A, 3)).toEqual({ ret: 0, status: 3 });
    expect(checkInvariants(m)).toEqual([]);
  });
});
