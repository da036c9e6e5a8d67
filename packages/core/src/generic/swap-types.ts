/**
 * MAX_SWAPFILES and the special swap types carved from the top of the 5-bit
 * type space (include/linux/swap.h).
 *
 *  2.6.21 (swap.h 26–42): MAX_SWAPFILES = 32, or 30 with CONFIG_MIGRATION,
 *    which reserves SWP_MIGRATION_READ = 30 and SWP_MIGRATION_WRITE = 31.
 *  6.18 (swap.h 49–118): MAX_SWAPFILES = 32 - DEVICE_NUM(3) - MIGRATION_NUM(3)
 *    - HWPOISON_NUM(1) - PTE_MARKER_NUM(1, always). Numbered upwards from
 *    MAX_SWAPFILES: hwpoison, migration read / read-exclusive / write,
 *    device write / read / exclusive, and the pte marker last (31).
 */
import type { KernelConfig } from '../spec/config.js';
import type { Era } from '../spec/era.js';

export type SpecialKind = 'migration' | 'device' | 'hwpoison' | 'marker';

export interface SpecialType {
  readonly name: string;
  readonly type: number;
  readonly kind: SpecialKind;
  /** the entry grants write (migration write, device write) */
  readonly write?: boolean;
  /** readable-exclusive migration / device-exclusive */
  readonly exclusive?: boolean;
}

export interface SwapTypes {
  readonly MAX_SWAPFILES: number;
  /** the reserved types, ascending */
  readonly special: readonly SpecialType[];
  /** type number → special type, for types ≥ MAX_SWAPFILES */
  byType(type: number): SpecialType | undefined;
  byName(name: string): SpecialType | undefined;
}

function build(max: number, special: SpecialType[]): SwapTypes {
  const table: (SpecialType | undefined)[] = [];
  for (const s of special) table[s.type] = s;
  return {
    MAX_SWAPFILES: max,
    special,
    byType: (type) => table[type],
    byName: (name) => special.find((s) => s.name === name),
  };
}

export function swapTypes(era: Era, config: KernelConfig): SwapTypes {
  if (era === '2.6.21') {
    if (!config.MIGRATION) return build(32, []);
    return build(30, [
      { name: 'SWP_MIGRATION_READ', type: 30, kind: 'migration' },
      { name: 'SWP_MIGRATION_WRITE', type: 31, kind: 'migration', write: true },
    ]);
  }
  const device = config.DEVICE_PRIVATE ? 3 : 0;
  const migration = config.MIGRATION ? 3 : 0;
  const hwpoison = config.MEMORY_FAILURE ? 1 : 0;
  const max = 32 - device - migration - hwpoison - 1;
  const special: SpecialType[] = [];
  let next = max;
  if (hwpoison) special.push({ name: 'SWP_HWPOISON', type: next++, kind: 'hwpoison' });
  if (migration) {
    special.push({ name: 'SWP_MIGRATION_READ', type: next++, kind: 'migration' });
    special.push({ name: 'SWP_MIGRATION_READ_EXCLUSIVE', type: next++, kind: 'migration', exclusive: true });
    special.push({ name: 'SWP_MIGRATION_WRITE', type: next++, kind: 'migration', write: true });
  }
  if (device) {
    special.push({ name: 'SWP_DEVICE_WRITE', type: next++, kind: 'device', write: true });
    special.push({ name: 'SWP_DEVICE_READ', type: next++, kind: 'device' });
    special.push({ name: 'SWP_DEVICE_EXCLUSIVE', type: next++, kind: 'device', exclusive: true });
  }
  special.push({ name: 'SWP_PTE_MARKER', type: next++, kind: 'marker' });
  return build(max, special);
}

/** 6.18 pte marker bits (swapops.h 405–470): the offset of a SWP_PTE_MARKER entry. */
export const PTE_MARKER = { UFFD_WP: 1, POISONED: 2, GUARD: 4 } as const;
export const PTE_MARKER_MASK = 7;
