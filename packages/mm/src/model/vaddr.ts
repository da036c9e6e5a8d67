/**
 * A page number as the virtual address it starts — what a message shows, so
 * that a page number is never printed as if it were an address
 * (`0x200000001` is page 0x200000001, at 0x200000001000 with 4 KiB pages).
 * For messages and stop labels only; exact past 2^53 (BigInt there).
 */
import type { Machine } from './machine.js';

export function vaddr(m: Machine, vpn: number): string {
  const size = m.variant.constants.PAGE_SIZE;
  const a = vpn * size;
  return `0x${(Number.isSafeInteger(a) ? a : BigInt(vpn) * BigInt(size)).toString(16)}`;
}
