/**
 * Run a parsed `.mmo` script on a machine and record, after every step,
 * what the acting process can see — the host oracle's JSON schema, so a
 * simulated trace and a real-kernel recording compare step by step.
 */
import { SyscallError } from '../kernel/errno.js';
import { dup_mmap, exit_mmap } from '../kernel/fork.js';
import { Machine, type MachineOptions, type Process } from '../kernel/machine.js';
import { ADVICE, do_madvise_path, type Advice } from '../kernel/madvise.js';
import { access, access_path } from '../kernel/memory.js';
import { do_mmap, do_munmap } from '../kernel/mmap.js';
import type { Inode } from '../kernel/filemap.js';
import { create_device, create_file, file_pread, file_pwrite, remove_file } from '../kernel/fs.js';
import { largeFolioAt, split_huge_page_path } from '../kernel/huge_memory.js';
import { split_huge_pages_write } from '../kernel/split-huge-pages.js';
import { do_fadvise_dontneed, do_punch_path, do_truncate_path, invalidate_inode_pages2_range } from '../kernel/truncate.js';
import { runPath, type KernelPath } from '../kernel/sched.js';
import { device_read, device_write, FOLL_LONGTERM, FOLL_PIN, FOLL_WRITE, get_user_pages, unpin_user_page } from '../kernel/gup.js';
import { present_frame } from '../kernel/pagewalk.js';
import { do_mprotect } from '../kernel/mprotect.js';
import { swapon, totalKb, usedKb } from '../kernel/swap.js';
import { swapoff } from '../kernel/swapoff.js';
import { MAP_NONBLOCK, sys_remap_file_pages } from '../kernel/fremap.js';
import { do_mremap_path } from '../kernel/mremap.js';
import { do_move_pages_path } from '../kernel/move-pages.js';
import { isOracleMovePages, numaOp, type NumaOpContext } from './numa-ops.js';
import { try_to_free_pages } from '../kernel/reclaim.js';
import { PfnLabels } from '../observe/labels.js';
import { observeRegion, type Region, type RegionObs } from '../observe/observe.js';
import { MmoSyntaxError, type MmoOp, type MmoScript } from './parse.js';
import { checkInvariants, type Violation } from '../check/invariants.js';
import { pteOp } from './pte-ops.js';
import { KSM_QUIET_OPS, ksmOp } from './ksm-ops.js';

export interface StepResult {
  op?: string;
  args: Record<string, unknown>;
  ret: Record<string, unknown>;
}

const GUP_FLAG_WORDS: Readonly<Record<string, number>> = { write: FOLL_WRITE, pin: FOLL_PIN, longterm: FOLL_LONGTERM };

/** An `expect` op found something else: the scenario's outcome is wrong. Its message says why, in the scenario's words first. */
export class ExpectationFailed extends Error {
  override readonly name = 'ExpectationFailed';
  constructor(
    readonly op: MmoOp,
    found: string,
  ) {
    const why = op.op === 'expect_dev' ? op.words[2] : op.words[3];
    super(why ? `${why}: ${found}` : `expectation on line ${op.line} failed: ${found}`);
  }
}

export interface Step {
  n: number;
  proc: 'parent' | 'child';
  op: string;
  args: Record<string, unknown>;
  ret: Record<string, unknown>;
  obs: Record<string, RegionObs>;
}

export interface Trace {
  scenario: string;
  desc: string;
  kernel: string;
  variant: string;
  page_size: number;
  steps: Step[];
}

export class Runner {
  readonly m: Machine;
  readonly labels: PfnLabels;
  readonly regions = new Map<string, Region>();
  /** regions to forget after this step's observation (the source of an mremap move) */
  readonly retire: string[] = [];
  readonly procs: Record<'parent' | 'child', Process | undefined>;
  private readonly arena: number;
  private readonly slotPages: number;

  constructor(options: MachineOptions, private readonly file: string) {
    this.m = new Machine(options);
    this.labels = new PfnLabels(this.m);
    this.procs = { parent: this.m.spawn('parent'), child: undefined };
    const c = this.m.variant.constants;
    // Regions sit at fixed slots of a reserved arena, 64 MiB apart, so they never merge.
    this.arena = 2 ** (Math.min(c.vaBits, 47) - 2 - c.PAGE_SHIFT);
    this.slotPages = 2 ** (26 - c.PAGE_SHIFT);
  }

  private bad(op: MmoOp, word: number, reason: string): never {
    throw new MmoSyntaxError(this.file, op.line, op.columns[word] ?? 1, reason);
  }

  private int(op: MmoOp, word: number, what: string): number {
    const text = op.words[word] ?? '';
    const slot = /^slot=(\d+)$/.exec(text);
    const value = slot ? Number(slot[1]) : /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value)) this.bad(op, word, `${what} '${text}' is not a whole number`);
    return value;
  }

  private region(op: MmoOp, word: number): Region {
    const r = this.regions.get(op.words[word] ?? '');
    if (!r) this.bad(op, word, `no region '${op.words[word]}' (mmap it first)`);
    return r;
  }

  private fileArg(op: MmoOp, word: number, name: string): Inode {
    const inode = this.m.files.get(name);
    if (!inode) this.bad(op, word, `no file '${name}' (create it with 'file ${name} tmpfs|ext4 NPAGES PREFIX')`);
    return inode;
  }

  private pin(op: MmoOp, word: number): number {
    const id = this.pins.get(op.words[word] ?? '');
    if (id === undefined) this.bad(op, word, `no pin '${op.words[word]}' (take it with 'gup R PAGE FLAGS NAME')`);
    return id;
  }

  private proc(op: MmoOp): Process {
    const p = this.procs[op.proc];
    if (!p || !p.alive) this.bad(op, 0, `no live ${op.proc} process here`);
    return p;
  }

  /** pins taken by `gup` ops, by the name the script gave them */
  readonly pins = new Map<string, number>();

  /**
   * `sample R i,j,k`: the pages of region R an observation lists, by region
   * name — set before or after the region exists (the oracle's
   * region_sample keeps it pending until an mmap or mremap makes R).
   */
  readonly samples = new Map<string, number[]>();

  sample(op: MmoOp): void {
    const text = op.words[1] ?? '';
    if (!/^\d+(,\d+)*$/.test(text)) this.bad(op, 1, `sample '${text}' is not a comma list of page indices`);
    this.samples.set(op.words[0]!, text.split(',').map(Number));
  }

  step(op: MmoOp): StepResult {
    return runPath(this.stepPath(op));
  }

  /**
   * One op as a kernel path: ops whose kernel code has lock points (file
   * faults, truncate, hole punch, invalidate) stop there when the explorer
   * drives the machine; the others run whole.
   */
  *stepPath(op: MmoOp): KernelPath<StepResult> {
    const m = this.m;
    const p = this.proc(op);
    const ok = { ok: true, val: 0 };
    switch (op.op) {
      case 'mmap': {
        const [name, , protText, flagText] = op.words;
        const pages = this.int(op, 1, 'page count');
        if (!/^[r-][w-][x-]$/.test(protText!)) this.bad(op, 2, `prot '${protText}' is not like rw- or r-x`);
        const flags = flagText!.split(',');
        for (const f of flags) if (!['private', 'shared', 'anon', 'populate'].includes(f)) this.bad(op, 3, `unknown mmap flag '${f}'`);
        if (flags.includes('private') === flags.includes('shared')) this.bad(op, 3, "mmap needs exactly one of 'private' and 'shared'");
        const slotWord = op.words.findIndex((w) => w.startsWith('slot='));
        if (slotWord < 0) this.bad(op, 4, 'mmap needs slot=N');
        const slot = this.int(op, slotWord, 'slot');
        const fileWord = op.words.findIndex((w) => w.startsWith('file='));
        const pgoffWord = op.words.findIndex((w) => w.startsWith('pgoff='));
        const inode = fileWord >= 0 ? this.fileArg(op, fileWord, op.words[fileWord]!.slice(5)) : undefined;
        if (!inode && !flags.includes('anon')) this.bad(op, 3, "a mapping is either 'anon' or has file=F");
        const pgoff = pgoffWord >= 0 ? Number(op.words[pgoffWord]!.slice(6)) : 0;
        const start = this.arena + slot * this.slotPages;
        this.regions.set(name!, { name: name!, start, pages });
        const args = inode ? { r: name, pages, prot: protText, flags, file: inode.name, pgoff, slot } : { r: name, pages, prot: protText, flags, slot };
        do_mmap(m, p.mm, {
          start,
          pages,
          prot: { read: protText![0] === 'r', write: protText![1] === 'w', exec: protText![2] === 'x' },
          shared: flags.includes('shared'),
          populate: flags.includes('populate'),
          ...(inode ? { inode, pgoff } : {}),
        });
        return { args, ret: ok };
      }
      case 'file': {
        const [name, fs, , prefix] = op.words;
        if (fs !== 'tmpfs' && fs !== 'ext4' && fs !== 'dev') this.bad(op, 1, `file system '${fs}' is not tmpfs, ext4 or dev`);
        const pages = this.int(op, 2, 'page count');
        // mmsim extension: 'dev' is a special device file of N pages' i_size with no ->fault and no vm_ops (kcov)
        if (fs === 'dev') create_device(m, name!, pages);
        else create_file(m, name!, fs, pages, prefix!);
        return { op: 'file_create', args: { file: name, fs, pages, tagprefix: prefix }, ret: ok };
      }
      case 'rmfile': {
        remove_file(m, this.fileArg(op, 0, op.words[0]!).name);
        return { op: 'file_destroy', args: { file: op.words[0] }, ret: ok };
      }
      case 'pread': {
        const inode = this.fileArg(op, 0, op.words[0]!);
        const page = this.int(op, 1, 'page');
        const res = file_pread(m, inode, page);
        return { args: { file: inode.name, page }, ret: { ok: true, ...res } };
      }
      case 'pwrite': {
        const inode = this.fileArg(op, 0, op.words[0]!);
        const page = this.int(op, 1, 'page');
        const val = file_pwrite(m, inode, page, op.words[2]!);
        return { args: { file: inode.name, page, tag: op.words[2] }, ret: { ok: true, val } };
      }
      case 'ftruncate': {
        const inode = this.fileArg(op, 0, op.words[0]!);
        // BYTES, or Np for N pages (an mmsim extension: portable across page sizes)
        const pagesForm = /^(\d+)p$/.exec(op.words[1] ?? '');
        const bytes = pagesForm ? Number(pagesForm[1]) * m.variant.constants.PAGE_SIZE : this.int(op, 1, 'size in bytes');
        yield* do_truncate_path(m, inode, bytes);
        return { args: { file: inode.name, bytes, pages: bytes / m.variant.constants.PAGE_SIZE }, ret: ok };
      }
      case 'punch': {
        const inode = this.fileArg(op, 0, op.words[0]!);
        const page = this.int(op, 1, 'page');
        const npages = this.int(op, 2, 'page count');
        yield* do_punch_path(m, inode, page, npages);
        return { op: 'fallocate', args: { file: inode.name, mode: 'PUNCH_HOLE|KEEP_SIZE', page, npages }, ret: ok };
      }
      case 'invalidate': {
        // mmsim extension: invalidate_inode_pages2_range (O_DIRECT write, NFS revalidation)
        const inode = this.fileArg(op, 0, op.words[0]!);
        const page = this.int(op, 1, 'page');
        const npages = this.int(op, 2, 'page count');
        yield* invalidate_inode_pages2_range(m, inode, page, npages);
        return { args: { file: inode.name, page, npages }, ret: ok };
      }
      case 'gup': {
        // mmsim extension: get_user_pages / pin_user_pages of one page, the pin named for later ops
        const r = this.region(op, 0);
        const page = this.int(op, 1, 'page');
        let gupFlags = 0;
        for (const f of op.words[2] === 'none' ? [] : op.words[2]!.split(',')) {
          if (!(f in GUP_FLAG_WORDS)) this.bad(op, 2, `unknown gup flag '${f}' (write, pin, longterm, or none)`);
          gupFlags |= GUP_FLAG_WORDS[f]!;
        }
        const id = get_user_pages(m, p.mm, r.start + page, gupFlags);
        this.pins.set(op.words[3]!, id);
        return { args: { r: r.name, page, flags: op.words[2], pin: op.words[3] }, ret: ok };
      }
      case 'unpin':
        unpin_user_page(m, this.pin(op, 0));
        this.pins.delete(op.words[0]!);
        return { args: { pin: op.words[0] }, ret: ok };
      case 'dev_write':
        device_write(m, this.pin(op, 0), m.tags.intern(op.words[1]!));
        return { args: { pin: op.words[0], tag: op.words[1] }, ret: ok };
      case 'dev_read':
        return { args: { pin: op.words[0] }, ret: { ok: true, data: m.tags.name(device_read(m, this.pin(op, 0))) } };
      case 'expect': {
        const r = this.region(op, 0);
        const page = this.int(op, 1, 'page');
        const res = access(m, p.mm, r.start + page, false);
        const got = res.ok ? res.tag : res.signal;
        if (got !== op.words[2]) throw new ExpectationFailed(op, `${op.proc} reads ${got} at ${r.name} page ${page}, not ${op.words[2]}`);
        return { args: { r: r.name, page, tag: op.words[2] }, ret: ok };
      }
      case 'expect_dev': {
        const got = m.tags.name(device_read(m, this.pin(op, 0)));
        if (got !== op.words[1]) throw new ExpectationFailed(op, `pin ${op.words[0]} reads ${got}, not ${op.words[1]}`);
        return { args: { pin: op.words[0], tag: op.words[1] }, ret: ok };
      }
      case 'expect_pinned': {
        const r = this.region(op, 0);
        const page = this.int(op, 1, 'page');
        const pinned = m.pins[this.pin(op, 2)]!.frame;
        const mapped = present_frame(m, p.mm, r.start + page);
        if (mapped !== pinned) {
          const pfn = (f: number): string => (f < 0 ? 'nothing' : `pfn 0x${m.frames.pfn(f).toString(16)}`);
          const seen = access(m, p.mm, r.start + page, false);
          throw new ExpectationFailed(op, `pin ${op.words[2]} holds ${pfn(pinned)}, but ${op.proc} maps ${pfn(mapped)} at ${r.name} page ${page} and reads ${seen.ok ? seen.tag : seen.signal}`);
        }
        return { args: { r: r.name, page, pin: op.words[2] }, ret: ok };
      }
      case 'fadvise_dontneed': {
        const inode = this.fileArg(op, 0, op.words[0]!);
        do_fadvise_dontneed(m, inode);
        return { op: 'fadvise', args: { file: inode.name, advice: 'DONTNEED', after_fsync: true }, ret: ok };
      }
      case 'munmap': {
        const r = this.region(op, 0);
        const page = this.int(op, 1, 'page');
        const npages = this.int(op, 2, 'page count');
        do_munmap(m, p.mm, r.start + page, npages);
        return { args: { r: r.name, page, npages }, ret: ok };
      }
      case 'mprotect': {
        const r = this.region(op, 0);
        const page = this.int(op, 1, 'page');
        const npages = this.int(op, 2, 'page count');
        const protText = op.words[3]!;
        if (!/^[r-][w-][x-]$/.test(protText)) this.bad(op, 3, `prot '${protText}' is not like rw- or r-x`);
        do_mprotect(m, p.mm, r.start + page, npages, { read: protText[0] === 'r', write: protText[1] === 'w', exec: protText[2] === 'x' });
        return { args: { r: r.name, page, npages, prot: protText }, ret: ok };
      }
      case 'write':
      case 'read': {
        const r = this.region(op, 0);
        const page = this.int(op, 1, 'page');
        const tag = op.op === 'write' ? op.words[2]! : undefined;
        const res = yield* access_path(m, p.mm, r.start + page, op.op === 'write', tag === undefined ? undefined : m.tags.intern(tag));
        const args: Record<string, unknown> = { r: r.name, page, ...(tag !== undefined ? { tag } : {}) };
        if (!res.ok) return { args, ret: { ok: false, signal: res.signal, si_code: res.si_code } };
        const faults = op.proc === 'parent' ? { faults: { minor: res.minor, major: res.major } } : {};
        return { args, ret: op.op === 'read' ? { ok: true, data: res.tag, ...faults } : { ok: true, ...faults } };
      }
      case 'write_all': {
        const r = this.region(op, 0);
        const prefix = op.words[1]!;
        for (let i = 0; i < r.pages; i++) access(m, p.mm, r.start + i, true, m.tags.intern(`${prefix}${i}`));
        return { args: { r: r.name, tagprefix: prefix }, ret: ok };
      }
      case 'madvise': {
        const r = this.region(op, 0);
        const page = this.int(op, 1, 'page');
        const npages = this.int(op, 2, 'page count');
        const advice = op.words[3]!;
        if (!(ADVICE as readonly string[]).includes(advice)) this.bad(op, 3, `advice '${advice}' is not one of ${ADVICE.join(', ')}`);
        yield* do_madvise_path(m, p.mm, r.start + page, npages, advice as Advice);
        return { args: { r: r.name, page, npages, advice }, ret: ok };
      }
      case 'mremap': {
        const r = this.region(op, 0);
        const oldPages = this.int(op, 1, 'old page count');
        const newPages = this.int(op, 2, 'new page count');
        const flagWords = op.words[3] === 'none' ? [] : op.words[3]!.split(',');
        for (const f of flagWords) if (!['maymove', 'fixed', 'dontunmap'].includes(f)) this.bad(op, 3, `unknown mremap flag '${f}' (maymove, fixed, dontunmap or none)`);
        const newName = op.words[4];
        const newSlot = op.words[5] !== undefined ? this.int(op, 5, 'slot') : undefined;
        if (flagWords.includes('fixed') && (newName === undefined || newSlot === undefined)) this.bad(op, 3, 'a fixed mremap needs NEWR and NEWSLOT');
        const newStart = newSlot !== undefined ? this.arena + newSlot * this.slotPages : undefined;
        // the destination region names its slot even if the call fails (then it is simply unmapped)
        if (newName !== undefined && newStart !== undefined && !this.regions.has(newName)) this.regions.set(newName, { name: newName, start: newStart, pages: newPages });
        const res = yield* do_mremap_path(m, p.mm, {
          start: r.start,
          oldPages,
          newPages,
          maymove: flagWords.includes('maymove'),
          fixed: flagWords.includes('fixed'),
          dontunmap: flagWords.includes('dontunmap'),
          ...(newStart !== undefined ? { newStart } : {}),
        });
        if (res.moved && newName !== undefined) {
          // the oracle still shows the old region in this step's observation, then drops it
          if (!flagWords.includes('dontunmap')) this.retire.push(r.name);
          this.regions.set(newName, { name: newName, start: res.start, pages: newPages });
        } else {
          this.regions.set(r.name, { ...r, pages: newPages });
        }
        const args: Record<string, unknown> = { r: r.name, old_pages: oldPages, new_pages: newPages, flags: flagWords };
        if (newName !== undefined) Object.assign(args, { new_r: newName, new_slot: newSlot });
        return { args, ret: { ok: true, moved: res.moved } };
      }
      case 'numa_info':
      case 'mbind':
      case 'migrate_pages':
      case 'compact_memory':
        return yield* numaOp(this.numaContext(op, p), op);
      case 'uffd_register_wp':
      case 'uffd_writeprotect':
      case 'uffd_close':
      case 'clear_refs':
      case 'mlock':
      case 'munlock':
        // userfaultfd-wp, clear_refs, mlock (pte-ops.ts)
        return pteOp({ m, proc: p, region: (w) => this.region(op, w), int: (w, what) => this.int(op, w, what), bad: (w, reason) => this.bad(op, w, reason) }, op);
      case 'move_pages': {
        // the oracle's form: R PAGES NODES FLAGS (numa-ops.ts)
        if (isOracleMovePages(op)) return yield* numaOp(this.numaContext(op, p), op);
        // mmsim extension: move_pages(2) of one page — R PAGE NODE [all] (MPOL_MF_MOVE_ALL); val is the call's return, status its status[0] (null: not written)
        const r = this.region(op, 0);
        const page = this.int(op, 1, 'page');
        const node = this.int(op, 2, 'node');
        if (op.words[3] !== undefined && op.words[3] !== 'all') this.bad(op, 3, `unknown move_pages flag '${op.words[3]}' (all, for MPOL_MF_MOVE_ALL)`);
        const all = op.words[3] === 'all';
        const res = yield* do_move_pages_path(m, p.mm, r.start + page, node, all);
        return { args: { r: r.name, page, node, flags: all ? 'MPOL_MF_MOVE_ALL' : 'MPOL_MF_MOVE' }, ret: { ok: true, val: res.ret, status: res.status } };
      }
      case 'remap_file_pages': {
        const r = this.region(op, 0);
        const page = this.int(op, 1, 'page');
        const npages = this.int(op, 2, 'page count');
        const pgoffText = op.words[3]!;
        const pgoff = pgoffText === 'ULONG_MAX' ? (1n << BigInt(m.variant.constants.wordBits)) - 1n : /^\d+$/.test(pgoffText) ? BigInt(pgoffText) : this.bad(op, 3, `pgoff '${pgoffText}' is not a number or ULONG_MAX`);
        let flags = 0;
        let prot = '---';
        for (let w = 4; w < op.words.length; w++) {
          const word = op.words[w]!;
          if (word === 'nonblock') flags |= MAP_NONBLOCK;
          else if (word.startsWith('flags=')) flags = Number(word.slice(6));
          else if (word.startsWith('prot=')) prot = word.slice(5);
          else if (!word.startsWith('byteoff=')) this.bad(op, w, `unknown remap_file_pages option '${word}' (nonblock, prot=, flags=, byteoff=)`);
        }
        const args = { r: r.name, page, size: npages * m.variant.constants.PAGE_SIZE, npages, prot, pgoff: pgoffText === 'ULONG_MAX' ? 'ULONG_MAX' : Number(pgoff), flags };
        sys_remap_file_pages(m, p.mm, { start: r.start + page, pages: npages, prot: prot === '---' ? 0 : 1, pgoff, flags });
        return { args, ret: ok };
      }
      case 'reclaim': {
        // mmsim extension: memory pressure now (2.6.21 has no MADV_PAGEOUT)
        const wanted = op.words[0] !== undefined ? this.int(op, 0, 'page count') : m.frames.max;
        const freed = try_to_free_pages(m, wanted);
        return { args: { pages: wanted }, ret: { ok: true, val: freed } };
      }
      case 'swapon': {
        const kind = op.words[0];
        if (kind !== 'file' && kind !== 'zram') this.bad(op, 0, `swap kind '${kind}' is not file or zram`);
        const pages = 16384;
        swapon(m, kind, pages);
        return { args: { file: kind === 'file' ? 'ext4:/tmp swapfile' : '/dev/zram0', pages }, ret: ok };
      }
      case 'swapoff':
        swapoff(m);
        return { args: {}, ret: ok };
      case 'sysstat':
        return { args: op.words[0] ? { why: op.words[0] } : {}, ret: { ok: true, swap_used_kB: usedKb(m), SwapTotal_kB: totalKb(m) } };
      case 'settle':
        return { args: { what: 'wait for Writeback==0 (max 2s)' }, ret: ok };
      case 'split_huge_pages': {
        // the oracle's op: "<its pid>,0x<start>,0x<end>" of region R written to /sys/kernel/debug/split_huge_pages
        // (kernel/split-huge-pages.ts); mmsim extension: R PAGE NPAGES for part of the region
        const r = this.region(op, 0);
        const part = op.words.length > 1;
        const page = part ? this.int(op, 1, 'page') : 0;
        const npages = op.words.length > 2 ? this.int(op, 2, 'page count') : r.pages - page;
        const bytes = (vpn: number) => `0x${(vpn * m.variant.constants.PAGE_SIZE).toString(16)}`;
        split_huge_pages_write(m, `${p.pid},${bytes(r.start + page)},${bytes(r.start + page + npages)}`);
        return { args: { r: r.name, via: 'debugfs split_huge_pages pid,start,end', ...(part ? { page, npages } : {}) }, ret: ok };
      }
      case 'split_huge_page': {
        // mmsim extension: split_huge_page() of the large folio mapped at R PAGE (what the deferred split
        // shrinker, migration or debugfs split_huge_pages would do); val 1 when it split, 0 when there was
        // no large folio or the split failed (-EAGAIN: an extra reference)
        const r = this.region(op, 0);
        const page = this.int(op, 1, 'page');
        const head = largeFolioAt(m, p.mm, r.start + page);
        let split = false;
        if (head >= 0) {
          m.sched.held.hold(head); // folio_get() of the folio found
          try {
            split = yield* split_huge_page_path(m, head);
          } finally {
            m.sched.held.release(head);
          }
        }
        return { args: { r: r.name, page }, ret: { ok: true, val: split ? 1 : 0 } };
      }
      case 'fork': {
        this.procs.child = dup_mmap(m, p, 'child');
        return { args: {}, ret: ok };
      }
      case 'exit': {
        exit_mmap(m, p);
        return { args: {}, ret: ok };
      }
      case 'ksm_start':
      case 'ksm_wait':
      case 'ksm_restore':
        return ksmOp(m, op, (word, reason) => this.bad(op, word, reason));
      case 'observe':
        return { args: op.words[0] ? { why: op.words[0] } : {}, ret: ok };
      case 'sample':
        return { args: {}, ret: ok };
      default:
        this.bad(op, 0, `op '${op.op}' is not modelled yet`);
    }
  }

  private numaContext(op: MmoOp, proc: Process): NumaOpContext {
    return { m: this.m, proc, region: (word) => this.region(op, word), bad: (word, reason) => this.bad(op, word, reason) };
  }

  observe(proc: 'parent' | 'child'): Record<string, RegionObs> {
    const p = this.procs[proc];
    const obs: Record<string, RegionObs> = {};
    if (!p || !p.alive) return obs;
    for (const r of this.regions.values()) {
      const sample = this.samples.get(r.name);
      obs[r.name] = observeRegion(this.m, p, sample ? { ...r, sample } : r, this.labels);
    }
    return obs;
  }
}

/** A broken invariant stops the run, naming the step, the rule and the frame or pte. */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
  constructor(
    readonly step: number,
    readonly line: number,
    readonly violations: readonly Violation[],
  ) {
    super(`step ${step} (line ${line}): ${violations.map((v) => `[${v.rule}] ${v.message}`).join('; ')}`);
  }
}

export interface RunOptions {
  /** check the invariants after every step */
  readonly check?: boolean;
}

/**
 * Run a script on a fresh machine. Its node count defaults to 1: the host
 * oracle's recording machine has one online node (MachineOptions.nodes);
 * and it is locked down (MachineOptions.lockdown 'integrity': debugfs
 * split_huge_pages answers EPERM there).
 */
export function runScript(script: MmoScript, options: MachineOptions, file = 'script.mmo', run: RunOptions = {}): Trace {
  const runner = new Runner({ nodes: 1, lockdown: 'integrity', ...options }, file);
  const steps: Step[] = [];
  let n = 0;
  for (const op of script.ops) {
    if (op.op === 'sample') {
      runner.sample(op);
      continue;
    }
    n++;
    let result: StepResult;
    try {
      result = runner.step(op);
    } catch (error) {
      if (error instanceof SyscallError) {
        result = { args: {}, ret: { ok: false, errno: error.errno } };
      } else {
        throw error;
      }
    }
    const name = result.op ?? op.op;
    // the oracle observes nothing after creating or unlinking a file, nor after settle/sysstat/numa_info
    const quiet = name === 'file_create' || name === 'file_destroy' || name === 'settle' || name === 'sysstat' || name === 'numa_info' || KSM_QUIET_OPS.includes(name) ||
      // the oracle observes nothing when it finds no debugfs split_huge_pages file
      (name === 'split_huge_pages' && result.ret['errno'] === 'ENOENT');
    steps.push({ n, proc: op.proc, op: name, args: result.args, ret: result.ret, obs: quiet ? {} : runner.observe(op.proc) });
    for (const r of runner.retire.splice(0)) runner.regions.delete(r);
    if (run.check) {
      const broken = checkInvariants(runner.m);
      if (broken.length) throw new InvariantViolation(n, op.line, broken);
    }
  }
  const v = runner.m.variant;
  return { scenario: script.scenario, desc: script.desc, kernel: v.era, variant: v.key, page_size: v.constants.PAGE_SIZE, steps };
}
