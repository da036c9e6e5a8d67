/**
 * Race 4 of the explorer issue: COW against GUP (the 2020 thread,
 * "COW/GUP"). Two programs, each under any of the three do_wp_page rules
 * (kernel/cow-policy.ts):
 *
 * - cow-gup-vmsplice: after fork, the child pins a page read-only
 *   (vmsplice) and unmaps it while the parent writes a new secret. The
 *   child must read through its pin only what its memory held (S1). Under
 *   'mapcount' the order pin, munmap, write lets the parent reuse the
 *   pinned page and the child reads S2 (CVE-2020-29374); 'refcount' and
 *   'anon-exclusive' never fail.
 * - cow-gup-device: the parent pinned a page for a device
 *   (FOLL_WRITE | FOLL_LONGTERM) and forked; the parent writes, the child
 *   exits, the device writes. The pinned page must stay the one the parent
 *   maps, or the device's writes are lost to it. 'mapcount' fails when the
 *   parent writes before the child exits, 'refcount' always (the pin's
 *   references force the copy), 'anon-exclusive' never (fork copied the
 *   pinned page for the child).
 */
import type { VariantSpec } from '@mmsim/core';
import type { CowPolicy } from '../kernel/cow-policy.js';
import { device_read, device_write, FOLL_LONGTERM, FOLL_WRITE, pin_user_pages } from '../kernel/gup.js';
import { Machine, type Process } from '../kernel/machine.js';
import { touch } from '../kernel/memory.js';
import { do_mmap, do_munmap } from '../kernel/mmap.js';
import { dup_mmap, exit_mmap } from '../kernel/fork.js';
import type { Program } from '../explore/program.js';
import { opProgram } from './op-program.js';
import { mappedFrame } from './pte.js';

const A = 0x1000;
const rw = { read: true, write: true, exec: false };

interface Ctx {
  readonly m: Machine;
  readonly parent: Process;
  readonly child: Process;
  pin: number;
}

const pteFrame = (m: Machine, p: Process): number => mappedFrame(m, p.mm, A);

const stateKey = (c: Ctx): string => `${pteFrame(c.m, c.parent)},${c.child.alive ? pteFrame(c.m, c.child) : 'x'},${c.pin},${c.pin >= 0 ? c.m.tags.name(device_read(c.m, c.pin)) : ''}`;

export function cowGupVmsplice(spec: VariantSpec, policy: CowPolicy): Program {
  return opProgram<Ctx>({
    name: `cow-gup-vmsplice/${policy}`,
    setup() {
      const m = new Machine({ spec, frames: 64, cowPolicy: policy });
      const parent = m.spawn('parent');
      do_mmap(m, parent.mm, { start: A, pages: 1, prot: rw, shared: false });
      touch(m, parent.mm, A, true, m.tags.intern('S1'));
      const child = dup_mmap(m, parent, 'child');
      return { m, parent, child, pin: -1 };
    },
    threads: [
      {
        name: 'child',
        ops: [
          { what: 'vmsplice: pin_user_pages(0x1000, read-only)', run: (c) => void (c.pin = pin_user_pages(c.m, c.child.mm, A, 0)) },
          { what: 'munmap(0x1000)', run: (c) => do_munmap(c.m, c.child.mm, A, 1) },
        ],
      },
      {
        name: 'parent',
        ops: [{ what: 'write 0x1000 = S2', run: (c) => void touch(c.m, c.parent.mm, A, true, c.m.tags.intern('S2')) }],
      },
    ],
    machineOf: (c) => c.m,
    final(c) {
      const seen = c.m.tags.name(device_read(c.m, c.pin));
      return seen === 'S1' ? null : `data leak: the child's read-only pin reads ${seen}, which the parent wrote after fork (the child's memory held S1)`;
    },
    key: stateKey,
  });
}

export function cowGupDevice(spec: VariantSpec, policy: CowPolicy): Program {
  return opProgram<Ctx>({
    name: `cow-gup-device/${policy}`,
    setup() {
      const m = new Machine({ spec, frames: 64, cowPolicy: policy });
      const parent = m.spawn('parent');
      do_mmap(m, parent.mm, { start: A, pages: 1, prot: rw, shared: false });
      touch(m, parent.mm, A, true, m.tags.intern('A'));
      const pin = pin_user_pages(m, parent.mm, A, FOLL_WRITE | FOLL_LONGTERM);
      const child = dup_mmap(m, parent, 'child');
      return { m, parent, child, pin };
    },
    threads: [
      { name: 'parent', ops: [{ what: 'write 0x1000 = B', run: (c) => void touch(c.m, c.parent.mm, A, true, c.m.tags.intern('B')) }] },
      { name: 'child', ops: [{ what: 'exit', run: (c) => exit_mmap(c.m, c.child) }] },
      { name: 'device', ops: [{ what: 'DMA write through the pin = D', run: (c) => device_write(c.m, c.pin, c.m.tags.intern('D')) }] },
    ],
    machineOf: (c) => c.m,
    final(c) {
      const mapped = pteFrame(c.m, c.parent);
      const pinned = c.m.pins[c.pin]!.frame;
      if (mapped === pinned) return null;
      const pfn = (f: number) => `0x${c.m.frames.pfn(f).toString(16)}`;
      touch(c.m, c.parent.mm, A, false, 0);
      return `lost DMA: the device writes pfn ${pfn(pinned)} through its pin, but the parent maps pfn ${pfn(mapped)} at 0x1000 and reads ${c.m.tags.name(c.m.lastTag)}`;
    },
    key: stateKey,
  });
}
