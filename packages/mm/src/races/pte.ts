/** Reading one pte of a race program's process (the programs' checks and walks; not a hot path). */
import { PteClassCode } from '@mmsim/core';
import type { Machine, Mm } from '../kernel/machine.js';

export interface PteRead {
  /** -1 when the pte table is missing */
  readonly slot: number;
  readonly hi: number;
  readonly lo: number;
  readonly cls: number;
}

export function readPte(m: Machine, mm: Mm, vpn: number): PteRead {
  const pt = mm.pgtable;
  const slot = pt.walk(vpn, false);
  if (slot < 0) return { slot, hi: 0, lo: 0, cls: PteClassCode.none };
  const hi = pt.hi(slot);
  const lo = pt.lo(slot);
  return { slot, hi, lo, cls: m.variant.fast.classify(hi, lo) };
}

/** The frame a present pte at `vpn` maps, or -1. */
export function mappedFrame(m: Machine, mm: Mm, vpn: number): number {
  const e = readPte(m, mm, vpn);
  return e.cls === PteClassCode.present ? m.pteFrame(e.hi, e.lo) : -1;
}
