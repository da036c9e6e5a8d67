/**
 * References a race program's kernel paths hold in the middle of an
 * operation (->nopage's page, the page under migration or split), by frame:
 * taken and dropped with the page's refcount, and passed to
 * checkInvariants so the checks between steps account for them.
 */
import type { Machine } from '../kernel/machine.js';

export class HeldRefs extends Map<number, number> {
  constructor(private readonly m: Machine) {
    super();
  }

  /** get_page(), held by the path */
  hold(frame: number): void {
    this.m.frames.get(frame);
    this.set(frame, (this.get(frame) ?? 0) + 1);
  }

  /** put_page() of a held reference (the page is freed at zero) */
  release(frame: number): void {
    const n = this.get(frame);
    if (n === undefined) throw new Error(`release of pfn ${this.m.frames.pfn(frame)}, which no path holds`);
    if (n === 1) this.delete(frame);
    else this.set(frame, n - 1);
    this.m.frames.put(frame);
  }
}
