/**
 * PMD-mapped THP in words, shared by the kernel layer's BUG, the checked
 * layer's refusal and the generated layout docs.
 */
import type { Era } from './era.js';

/** Why a variant has no PMD-mapped THP: its era, or its page-table format's Kconfig (the variant's quirks cite it). */
export function noThpReason(era: Era): string {
  return era === '2.6.21' ? 'THP came in 2.6.38' : 'CONFIG_TRANSPARENT_HUGEPAGE cannot be set for this page-table format; the variant quirks say why';
}

/** A page size from its shift: 4 KiB, 2 MiB, 16 MiB. */
export function sizeText(shift: number): string {
  return shift >= 20 ? `${2 ** (shift - 20)} MiB` : `${2 ** (shift - 10)} KiB`;
}
