/**
 * Writing 1 to /proc/sys/vm/compact_memory (6.18 mm/compaction.c
 * sysctl_compaction_handler → compact_nodes → compact_node → compact_zone
 * for every populated zone of every online node, MIGRATE_SYNC_LIGHT, the
 * whole zone): the migration scanner walks the zone's pageblocks up from
 * its lowest pfn, isolating movable LRU pages; the free scanner walks down
 * from the highest, collecting free pages; isolated pages migrate to those
 * free pages (migrate_pages with compaction_alloc) until the scanners meet.
 *
 * Which pages move depends on where in the zone they and the free pages
 * lie, the pageblocks' migratetypes and skip bits, what sits in the
 * per-CPU lists — physical layout the model does not have (one free list,
 * no zones or pageblocks). The oracle marks the step nondeterministic: on
 * the recording machine (one node) it sometimes moves a page of the
 * scenario (a new pfn, the data and flags kept, PG_dirty from the pte) and
 * sometimes none (the recorded run). The model takes the second outcome —
 * compaction moves nothing — rather than invent moves a recording cannot
 * confirm; the comparison with the real kernel accepts a page's pfn
 * changing at that step (test/host-recordings.test.ts).
 *
 * 2.6.21 has no compaction (2.6.35): the file does not exist and the
 * write's open fails with ENOENT.
 *
 * @kernel mm/compaction.c
 */
import type { Machine } from '../model/machine.js';
import type { SyscallOutcome } from './mempolicy.js';

export const COMPACT_MEMORY_PATH = '/proc/sys/vm/compact_memory';

/** The write of "1" to /proc/sys/vm/compact_memory: 0, or the errno of the open. */
export function sysctl_compact_memory(m: Machine): SyscallOutcome {
  if (m.era === '2.6.21') return { ok: false, errno: 'ENOENT', why: `${COMPACT_MEMORY_PATH}: no such file (memory compaction is 2.6.35+)` };
  return { ok: true, val: 0 };
}
