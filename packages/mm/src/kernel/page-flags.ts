/**
 * Per-frame flag bits (include/linux/page-flags.h names). Only what the
 * model decides on; kept in one Uint16Array per machine (FrameTable.flags),
 * the LRU state in a byte of its own (FrameTable.lru).
 *
 * @kernel include/linux/page-flags.h
 */
export const PG_locked = 1 << 0;
export const PG_uptodate = 1 << 1;
export const PG_dirty = 1 << 2;
/** anonymous page: mapping is an anon_vma id (the PAGE_MAPPING_ANON tag) */
export const PG_anon = 1 << 3;
export const PG_swapcache = 1 << 4;
export const PG_swapbacked = 1 << 5;
/** 6.18 PG_anon_exclusive: this anon page is known to be mapped by one process only */
export const PG_anon_exclusive = 1 << 6;
/** the shared zero page (ZERO_PAGE / my_zero_pfn) */
export const PG_zero = 1 << 7;
/** MADV_FREE'd and clean: reclaim may discard it (6.18 lazyfree: !PG_swapbacked anon) */
export const PG_lazyfree = 1 << 8;
export const PG_reserved = 1 << 9;
/** PG_mappedtodisk (aliased PG_owner_2, kpageflags OWNER_2): ext4 read the folio from its disk blocks */
export const PG_mappedtodisk = 1 << 10;
/** frame is allocated (not on the free list) */
export const PG_inuse = 1 << 15;
/**
 * The LRU state of a folio (6.18 mm/swap.c folio_mark_accessed, lru_activate):
 * PG_referenced, PG_active, PG_lru. The model follows it only where a
 * decision needs it — see swap.ts. These bits live in FrameTable.lru, a byte
 * per frame (the flags word has no four bits left, and a wider word would
 * cost every frame two bytes).
 */
export const PG_referenced = 1 << 0;
export const PG_active = 1 << 1;
export const PG_lru = 1 << 2;
/** model-only: the per-CPU lru_activate batch holds a reference to this folio (swap.ts) */
export const PG_lru_batched = 1 << 3;
