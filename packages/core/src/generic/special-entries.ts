/**
 * Special swap entries built on the generic layer (include/linux/swapops.h):
 * migration entries (both eras), and in 6.18 device-private/exclusive,
 * hwpoison and pte markers. Each is swp_entry(SPECIAL_TYPE, offset); the
 * pfn-carrying ones keep the pfn in the low SWP_PFN_BITS of the offset.
 *
 * Faithful to the kernel's stubs: with the config option off, the make_*
 * helpers return swp_entry(0, 0) and the is_* tests return false.
 */
import type { Variant } from '../compile/variant.js';
import { UnsupportedOperationError } from '../errors.js';
import { maskBig } from '../u64/pair.js';
import { PTE_MARKER_MASK } from './swap-types.js';

export type MigrationKind = 'read' | 'read-exclusive' | 'write';
export type DeviceKind = 'read' | 'write' | 'exclusive';

const MIGRATION_TYPE: Record<MigrationKind, string> = {
  read: 'SWP_MIGRATION_READ',
  'read-exclusive': 'SWP_MIGRATION_READ_EXCLUSIVE',
  write: 'SWP_MIGRATION_WRITE',
};
const DEVICE_TYPE: Record<DeviceKind, string> = {
  read: 'SWP_DEVICE_READ',
  write: 'SWP_DEVICE_WRITE',
  exclusive: 'SWP_DEVICE_EXCLUSIVE',
};

/**
 * SWP_PFN_BITS: 6.18 swapops.h 30–40 — MAX_PHYSMEM_BITS - PAGE_SHIFT. 2.6.21
 * stores the whole pfn as the offset (swapops.h 71–120), so all offset bits.
 */
export function swpPfnBits(v: Variant): number {
  if (v.era === '2.6.21') return v.constants.SWP_TYPE_SHIFT;
  return Math.min(v.constants.physBits - v.constants.PAGE_SHIFT, v.constants.SWP_TYPE_SHIFT);
}

/**
 * swap_migration_ad_supported (6.18 mm/swapfile.c 4111–4114): young/dirty
 * bits ride in migration entries only when the swap offset holds
 * SWP_PFN_BITS + 2 bits. Uses the generic size limit; on x86 the L1TF clamp
 * of the real machine may lower it.
 */
export function migrationEntrySupportsAd(v: Variant): boolean {
  if (v.era === '2.6.21' || !v.config.MIGRATION) return false;
  return v.constants.swapSizeLimit.pages >= 1n << BigInt(swpPfnBits(v) + 2);
}

function typeOf(v: Variant, name: string): number | undefined {
  return v.swapTypes.byName(name)?.type;
}

function make(v: Variant, name: string, offset: bigint): bigint {
  const type = typeOf(v, name);
  if (type === undefined) return v.kernel.swp_entry(0, 0n); // the kernel's stub
  return v.kernel.swp_entry(type, offset);
}

/** make_{readable,readable_exclusive,writable}_migration_entry (6.18); make_migration_entry(page, write) (2.6.21). */
export function make_migration_entry(v: Variant, pfn: bigint, kind: MigrationKind): bigint {
  if (v.era === '2.6.21' && kind === 'read-exclusive') {
    throw new UnsupportedOperationError(`readable-exclusive migration entries do not exist in 2.6.21 (they came with anon-exclusive pages in 5.19)`);
  }
  return make(v, MIGRATION_TYPE[kind], pfn);
}

export function migrationKind(v: Variant, entry: bigint): MigrationKind | undefined {
  const special = v.swapTypes.byType(v.kernel.swp_type(entry));
  if (special?.kind !== 'migration') return undefined;
  return special.write ? 'write' : special.exclusive ? 'read-exclusive' : 'read';
}

/** make_migration_entry_young / _dirty (6.18): no-ops when A/D bits do not fit. */
export function make_migration_entry_young(v: Variant, entry: bigint): bigint {
  if (!migrationEntrySupportsAd(v)) return entry;
  return v.kernel.swp_entry(v.kernel.swp_type(entry), v.kernel.swp_offset(entry) | (1n << BigInt(swpPfnBits(v))));
}
export function make_migration_entry_dirty(v: Variant, entry: bigint): bigint {
  if (!migrationEntrySupportsAd(v)) return entry;
  return v.kernel.swp_entry(v.kernel.swp_type(entry), v.kernel.swp_offset(entry) | (1n << BigInt(swpPfnBits(v) + 1)));
}

/** swp_offset_pfn / migration_entry_to_pfn: the pfn of a pfn-carrying entry. */
export function swp_offset_pfn(v: Variant, entry: bigint): bigint {
  return v.kernel.swp_offset(entry) & maskBig(swpPfnBits(v));
}

/** make_{readable,writable}_device_private_entry, make_device_exclusive_entry (6.18). */
export function make_device_entry(v: Variant, pfn: bigint, kind: DeviceKind): bigint {
  if (v.era === '2.6.21') throw new UnsupportedOperationError('device-private entries do not exist in 2.6.21 (HMM came in 4.14)');
  return make(v, DEVICE_TYPE[kind], pfn);
}

/** make_hwpoison_entry (6.18; hwpoison entries came in 2.6.32). */
export function make_hwpoison_entry(v: Variant, pfn: bigint): bigint {
  if (v.era === '2.6.21') throw new UnsupportedOperationError('hwpoison entries do not exist in 2.6.21 (they came in 2.6.32)');
  return make(v, 'SWP_HWPOISON', pfn);
}

/** make_pte_marker_entry (6.18): the marker bits are the offset. */
export function make_pte_marker_entry(v: Variant, marker: number): bigint {
  if (v.era === '2.6.21') throw new UnsupportedOperationError('pte markers do not exist in 2.6.21 (they came in 5.19)');
  return make(v, 'SWP_PTE_MARKER', BigInt(marker));
}

export function pte_marker_get(v: Variant, entry: bigint): number {
  return Number(v.kernel.swp_offset(entry) & BigInt(PTE_MARKER_MASK));
}

/** non_swap_entry(): the type is one of the reserved ones. */
export function non_swap_entry(v: Variant, entry: bigint): boolean {
  return v.kernel.swp_type(entry) >= v.constants.MAX_SWAPFILES;
}
