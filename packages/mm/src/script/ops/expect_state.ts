/**
 * Expectations on the shape of the address space, as the kernel's mm
 * selftests read it back (tools/testing/selftests/mm/vm_util.c):
 *
 *   expect_vma R PAGE FIRST NPAGES [why…]
 *       the VMA holding page PAGE of R spans exactly pages FIRST …
 *       FIRST+NPAGES−1 of R — what merge.c reads with PROCMAP_QUERY
 *       (find_vma_procmap: vma_start, vma_end)
 *   expect_pagemap R PAGE NPAGES populated|swapped|none [why…]
 *       each page's /proc/self/pagemap state: populated is PM_PRESENT or
 *       PM_SWAP (pagemap_is_populated), swapped PM_SWAP (pagemap_is_swapped),
 *       none neither — what cow.c checks after first touch and MADV_PAGEOUT
 *
 * A miss throws ExpectationFailed, naming what was found instead.
 */
import { PteClassCode } from '@mmsim/core';
import type { Machine, Mm } from '../../model/machine.js';
import { ExpectationFailed } from '../errors.js';
import { oneOf } from '../values.js';
import { ok, type OpSpec } from './spec.js';

export const expect_vmaOp: OpSpec = {
  name: 'expect_vma',
  arity: [4, Infinity],
  doc: {
    family: 'expect',
    usage: 'R PAGE FIRST NPAGES [why…]',
    text: 'The VMA holding page PAGE of R spans exactly pages FIRST … FIRST+NPAGES−1 of R, as the kernel selftests read it back with PROCMAP_QUERY (merge.c); else the run fails, naming the VMA found.',
    example: 'expect_vma A 0 0 4 one VMA',
    simulatorOnly: true,
  },
  freeTextFrom: 4,
  run(ctx, op, p) {
    const r = ctx.region(op, 0);
    const page = ctx.page(op, 1);
    const first = ctx.page(op, 2, 'first page');
    const npages = ctx.count(op, 3);
    const args = ctx.note({ r: r.name, page, first, npages });
    const vma = p.mm.vmas.lookup(r.start + page);
    const found = vma ? `pages ${vma.start - r.start} … ${vma.end - r.start - 1}` : 'no VMA';
    if (!vma || vma.start !== r.start + first || vma.end !== r.start + first + npages) {
      throw new ExpectationFailed(op, `${op.proc}: the VMA at ${r.name} page ${page} is ${found} of ${r.name}, not pages ${first} … ${first + npages - 1}`, 4);
    }
    return { args, ret: ok() };
  },
};

const PAGEMAP_STATES = ['populated', 'swapped', 'none'] as const;

/** What pagemap says of one page: present (a pte or a huge pmd maps it), swapped (a swap pte), or none (6.18 fs/proc/task_mmu.c pte_to_pagemap_entry, pagemap_pmd_range). */
export function pagemapState(m: Machine, mm: Mm, vpn: number): 'present' | 'swapped' | 'none' {
  const pt = mm.pgtable;
  const slot = pt.walk(vpn, false);
  if (slot < 0) {
    const ps = pt.pmdSlot(vpn, false);
    const h = ps < 0 ? undefined : pt.hugeAt(ps);
    return h !== undefined && m.variant.fast.pmd_present!(h.hi, h.lo) ? 'present' : 'none';
  }
  const cls = m.variant.fast.classify(pt.hi(slot), pt.lo(slot));
  if (cls === PteClassCode.present || cls === PteClassCode.protnone) return 'present';
  // PM_SWAP: a swap entry, and the other non-present entries pagemap reports as swap (migration, device)
  if (cls === PteClassCode.swap || cls === PteClassCode.migration || cls === PteClassCode.device) return 'swapped';
  return 'none';
}

export const expect_pagemapOp: OpSpec = {
  name: 'expect_pagemap',
  arity: [4, Infinity],
  doc: {
    family: 'expect',
    usage: 'R PAGE NPAGES populated|swapped|none [why…]',
    text: 'Each of pages PAGE … PAGE+NPAGES−1 of R is, in /proc/self/pagemap, `populated` (PM_PRESENT or PM_SWAP), `swapped` (PM_SWAP: a swap, migration or device entry) or `none` — what cow.c checks after first touch and MADV_PAGEOUT; else the run fails, naming the page and what pagemap says.',
    example: 'expect_pagemap A 0 1 populated written, so mapped',
    simulatorOnly: true,
  },
  freeTextFrom: 4,
  run(ctx, op, p) {
    const r = ctx.region(op, 0);
    const page = ctx.page(op, 1);
    const npages = ctx.count(op, 2);
    const want = ctx.val(op, 3, (t) => oneOf(t, PAGEMAP_STATES, 'pagemap state'));
    const args = ctx.note({ r: r.name, page, npages, state: want });
    for (let i = page; i < page + npages; i++) {
      const got = pagemapState(ctx.m, p.mm, r.start + i);
      const fits = want === 'populated' ? got !== 'none' : got === want;
      if (!fits) throw new ExpectationFailed(op, `${op.proc}: pagemap says ${got} at ${r.name} page ${i}, not ${want}`, 4);
    }
    return { args, ret: ok() };
  },
};
