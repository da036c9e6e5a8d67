/**
 * COW against GUP under the three do_wp_page rules (the 2020 thread): which
 * data each side sees. The invariants (refcounts include the pins) hold
 * after every step.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { describe, expect, test } from 'vitest';
import {
  access,
  device_read,
  device_write,
  do_madvise,
  do_mmap,
  do_munmap,
  dup_mmap,
  exit_mmap,
  FOLL_LONGTERM,
  FOLL_WRITE,
  GUP_PIN_COUNTING_BIAS,
  pin_user_pages,
  unpin_user_page,
} from '../src/kernel/index.js';
import { checkInvariants } from '../src/check/index.js';
import { Machine } from '../src/index.js';
import { type CowPolicy } from '../src/model/index.js';

const rw = { read: true, write: true, exec: false };
const A = 0x1000;
const specs618 = [...X86, ...PPC].filter((s) => s.era === '6.18');
const specs2621 = [...X86, ...PPC].filter((s) => s.era === '2.6.21');

function machine(spec: (typeof specs618)[number], cowPolicy: CowPolicy) {
  const m = new Machine({ spec, frames: 256, cowPolicy });
  const ok = () => expect(checkInvariants(m)).toEqual([]);
  const tag = (name: string) => m.tags.intern(name);
  const read = (mm: ReturnType<typeof m.spawn>['mm']) => {
    const r = access(m, mm, A, false);
    return r.ok ? r.tag : `signal ${r.signal}`;
  };
  return { m, ok, tag, read };
}

/** The vmsplice case: the child pins read-only, unmaps, and the parent writes a new secret. */
function vmspliceLeak(spec: (typeof specs618)[number], policy: CowPolicy): string {
  const { m, ok, tag } = machine(spec, policy);
  const parent = m.spawn('parent');
  do_mmap(m, parent.mm, { start: A, pages: 1, prot: rw, shared: false });
  access(m, parent.mm, A, true, tag('S1'));
  const child = dup_mmap(m, parent, 'child');
  const pin = pin_user_pages(m, child.mm, A, 0);
  ok();
  do_munmap(m, child.mm, A, 1);
  ok();
  access(m, parent.mm, A, true, tag('S2'));
  ok();
  const seen = m.tags.name(device_read(m, pin));
  unpin_user_page(m, pin);
  ok();
  return seen;
}

/** The RDMA case: the parent pins for a device, forks, and writes; the device writes through its pin. */
function devicePin(spec: (typeof specs618)[number], policy: CowPolicy, opts: { dontfork?: boolean; childExitsFirst?: boolean } = {}) {
  const { m, ok, tag, read } = machine(spec, policy);
  const parent = m.spawn('parent');
  do_mmap(m, parent.mm, { start: A, pages: 1, prot: rw, shared: false });
  access(m, parent.mm, A, true, tag('A'));
  if (opts.dontfork) do_madvise(m, parent.mm, A, 1, 'DONTFORK');
  const pin = pin_user_pages(m, parent.mm, A, FOLL_WRITE | FOLL_LONGTERM);
  const child = dup_mmap(m, parent, 'child');
  ok();
  if (opts.childExitsFirst) exit_mmap(m, child);
  access(m, parent.mm, A, true, tag('B'));
  device_write(m, pin, tag('D'));
  ok();
  const parentSees = read(parent.mm);
  const childSees = child.alive ? read(child.mm) : 'exited';
  unpin_user_page(m, pin);
  ok();
  return { parentSees, childSees };
}

describe('COW vs GUP, by do_wp_page rule', () => {
  for (const spec of specs618) {
    test(`${spec.id}@6.18: a read-only pin in the child, then the parent's write`, () => {
      // page_mapcount() == 1 after the child's munmap: the parent reuses the pinned page and the child reads its new secret
      expect(vmspliceLeak(spec, 'mapcount')).toBe('S2');
      // page_count() == 1 + the pin: the parent copies; the child keeps reading S1
      expect(vmspliceLeak(spec, 'refcount')).toBe('S1');
      // the read-only FOLL_PIN unshared the child's page first
      expect(vmspliceLeak(spec, 'anon-exclusive')).toBe('S1');
    });

    test(`${spec.id}@6.18: a device pin, fork, the parent's write, the device's write`, () => {
      // with the child still mapping the page, both old rules copy on the parent's write: the device's write is lost to it
      expect(devicePin(spec, 'mapcount')).toEqual({ parentSees: 'B', childSees: 'D' });
      expect(devicePin(spec, 'refcount')).toEqual({ parentSees: 'B', childSees: 'D' });
      // the child gone first: mapcount 1 reuses (the device's write is seen), the refcount rule still copies
      expect(devicePin(spec, 'mapcount', { childExitsFirst: true })).toEqual({ parentSees: 'D', childSees: 'exited' });
      expect(devicePin(spec, 'refcount', { childExitsFirst: true })).toEqual({ parentSees: 'B', childSees: 'exited' });
      // MADV_DONTFORK: the parent's pte is never write-protected, so there is no COW to get wrong
      expect(devicePin(spec, 'refcount', { dontfork: true })).toEqual({ parentSees: 'D', childSees: 'signal SIGSEGV' });
      // PageAnonExclusive: fork copied the pinned page for the child; the parent keeps the pinned one
      expect(devicePin(spec, 'anon-exclusive')).toEqual({ parentSees: 'D', childSees: 'A' });
    });
  }

  for (const spec of specs2621) {
    test(`${spec.id}@2.6.21: the era's rule is page_mapcount() == 1`, () => {
      expect(new Machine({ spec }).cowPolicy).toBe('mapcount');
      expect(vmspliceLeak(spec, 'mapcount')).toBe('S2');
      expect(devicePin(spec, 'mapcount')).toEqual({ parentSees: 'B', childSees: 'D' });
      expect(() => new Machine({ spec, cowPolicy: 'anon-exclusive' })).toThrow("cowPolicy 'anon-exclusive' needs the 6.18 era");
    });
  }

  test('a FOLL_PIN holds GUP_PIN_COUNTING_BIAS references (5.7+), a 2.6-style get one', () => {
    const spec = specs618.find((s) => s.id === 'x86_64')!;
    for (const [policy, refs] of [['anon-exclusive', GUP_PIN_COUNTING_BIAS], ['mapcount', 1]] as const) {
      const { m, ok, tag } = machine(spec, policy);
      const p = m.spawn('p');
      do_mmap(m, p.mm, { start: A, pages: 1, prot: rw, shared: false });
      access(m, p.mm, A, true, tag('A'));
      const pin = pin_user_pages(m, p.mm, A, FOLL_WRITE);
      expect(m.pins[pin]!.refs).toBe(refs);
      ok();
      // the pin keeps the page after the last pte goes
      do_munmap(m, p.mm, A, 1);
      ok();
      expect(m.tags.name(device_read(m, pin))).toBe('A');
      const frame = m.pins[pin]!.frame;
      unpin_user_page(m, pin);
      expect(m.frames.isFree(frame)).toBe(true);
      ok();
      expect(() => unpin_user_page(m, pin)).toThrow(`pin ${pin} is not held (pins held: none)`);
    }
  });
});
