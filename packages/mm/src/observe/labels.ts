/**
 * PFN labels in first-seen order, as the host oracle prints them: P0, P1, …
 * and ZERO for the shared zero page. A label is retired when its frame is
 * freed, so a reused frame gets a fresh name (the oracle does the same to
 * hide the allocator's LIFO reuse).
 */
import type { Machine } from '../model/machine.js';
import { folioHead, PG_large } from '../kernel/huge_memory.js';
import { PG_zero } from '../kernel/page-flags.js';

export class PfnLabels {
  private readonly byFrame = new Map<number, string>();
  private next = 0;

  constructor(private readonly m: Machine) {
    const previous = m.frames.onFree;
    m.frames.onFree = (frame) => {
      this.byFrame.delete(frame);
      previous?.(frame);
    };
  }

  private readonly types = new Map<number, string>();
  private readonly slots = new Map<string, string>();
  private firstSlot = -1;

  /** Swap device labels T0.., slot labels S0.. in first-seen order, offsets relative to the first slot seen. */
  slot(type: number, slot: number): { type: string; slot: string; rel: number } {
    let t = this.types.get(type);
    if (t === undefined) this.types.set(type, (t = `T${this.types.size}`));
    const key = `${type}:${slot}`;
    let s = this.slots.get(key);
    if (s === undefined) this.slots.set(key, (s = `S${this.slots.size}`));
    if (this.firstSlot < 0) this.firstSlot = slot;
    return { type: t, slot: s, rel: slot - this.firstSlot };
  }

  label(frame: number): string {
    if (frame === this.m.zeroFrame) return 'ZERO';
    let l = this.byFrame.get(frame);
    if (l === undefined) {
      const flags = this.m.frames.flags[frame]!;
      if ((flags & PG_large) !== 0) {
        // a page of a large folio: its head's label plus its index in the folio (P1+3); the huge zero folio is HZERO
        const head = folioHead(this.m, frame);
        // (the oracle names the huge zero folio's first page HZERO+0, an anon THP's head plainly)
        if ((flags & PG_zero) !== 0) l = `HZERO+${frame - head}`;
        else l = head === frame ? `P${this.next++}` : `${this.label(head)}+${frame - head}`;
      } else l = `P${this.next++}`;
      this.byFrame.set(frame, l);
    }
    return l;
  }
}
