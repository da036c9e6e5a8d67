/**
 * PFN labels in first-seen order, as the host oracle prints them: P0, P1, …
 * and ZERO for the shared zero page. A label is retired when its frame is
 * freed, so a reused frame gets a fresh name (the oracle does the same to
 * hide the allocator's LIFO reuse).
 */
import type { Machine } from '../kernel/machine.js';

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

  label(frame: number): string {
    if (frame === this.m.zeroFrame) return 'ZERO';
    let l = this.byFrame.get(frame);
    if (l === undefined) {
      l = `P${this.next++}`;
      this.byFrame.set(frame, l);
    }
    return l;
  }
}
