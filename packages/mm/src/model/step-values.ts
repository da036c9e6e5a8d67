/**
 * The values a kernel path read at a race's decisive points — the
 * truncate_count a fault sampled and the one it re-checks, the mapcount and
 * refcount a write fault's reuse decision reads, the order an rmap walk
 * visits the VMAs of an anon_vma — recorded for the explorer's traces.
 *
 * Only while the explorer drives the machine (sched.on), and as numbers in
 * fixed arrays: the step loop allocates nothing, and the sequential
 * simulator pays one test of `sched.on`. A trace names and formats them
 * when it asks (formatValues); one table, VALUES, is the vocabulary.
 */
import type { Machine } from './machine.js';

/** How a value prints. */
type Form = 'n' | 'yes/no' | 'addr' | 'pfn' | 'mm';

/** Every value a stop may record: its name in traces, and its form. */
export const VALUES: readonly { readonly name: string; readonly form: Form }[] = [
  { name: 'truncate_count sampled', form: 'n' },
  { name: 'truncate_count now', form: 'n' },
  { name: 'index', form: 'n' },
  { name: 'i_size (pages)', form: 'n' },
  { name: 'still in the page cache', form: 'yes/no' },
  { name: 'page->mapping set', form: 'yes/no' },
  { name: 'mapcount', form: 'n' },
  { name: 'refcount', form: 'n' },
  { name: 'PageAnonExclusive', form: 'yes/no' },
  { name: 'reuse', form: 'yes/no' },
  { name: 'rmap walk VMA', form: 'addr' },
  { name: 'pte is a migration entry', form: 'yes/no' },
  { name: 'pte maps the page', form: 'yes/no' },
  { name: 'moved from', form: 'addr' },
  { name: 'moved to', form: 'addr' },
  { name: 'pte none', form: 'yes/no' },
  { name: 'folio mapcount', form: 'n' },
  { name: 'vma_is_anonymous', form: 'yes/no' },
  { name: 'mmap_lock held', form: 'yes/no' },
  { name: 'pfn', form: 'pfn' },
  { name: 'maybe DMA-pinned', form: 'yes/no' },
  // the mm of the value recorded next (an rmap walk's VMA): printed before it, `mm #2 0x…`
  { name: 'mm', form: 'mm' },
];

/** Indices into VALUES, for the kernel's annotations. */
export const V_TRUNCATE_SAMPLED = 0;
export const V_TRUNCATE_NOW = 1;
export const V_INDEX = 2;
export const V_I_SIZE = 3;
export const V_IN_CACHE = 4;
export const V_MAPPING_SET = 5;
export const V_MAPCOUNT = 6;
export const V_REFCOUNT = 7;
export const V_ANON_EXCLUSIVE = 8;
export const V_REUSE = 9;
export const V_RMAP_VMA = 10;
export const V_MIGRATION_ENTRY = 11;
export const V_PTE_MAPS = 12;
export const V_MOVED_FROM = 13;
export const V_MOVED_TO = 14;
export const V_PTE_NONE = 15;
export const V_FOLIO_MAPCOUNT = 16;
export const V_VMA_IS_ANONYMOUS = 17;
export const V_MMAP_LOCKED = 18;
export const V_PFN = 19;
export const V_MAYBE_PINNED = 20;
export const V_MM = 21;

/** The most values one step records (an rmap walk over more VMAs keeps the first ones). */
export const MAX_STEP_VALUES = 16;

/** The values recorded since the step began (reset by whoever runs the step: races/scenario-program.ts). */
export class StepValues {
  readonly kinds = new Int32Array(MAX_STEP_VALUES);
  readonly vals = new Float64Array(MAX_STEP_VALUES);
  n = 0;

  note(kind: number, value: number): void {
    if (this.n === MAX_STEP_VALUES) return;
    this.kinds[this.n] = kind;
    this.vals[this.n++] = value;
  }
}

/** Record a value the path just read, when the explorer drives the machine. */
export function noteValue(m: Machine, kind: number, value: number | boolean): void {
  if (m.sched.on) m.sched.values.note(kind, typeof value === 'boolean' ? (value ? 1 : 0) : value);
}

/**
 * The first `n` recorded values by name (a repeated name — the VMAs of an
 * rmap walk — becomes a list, in the order recorded); addresses from page
 * numbers with the arch's page size; an `mm` value prefixes the next one.
 */
export function formatValues(kinds: Int32Array, vals: Float64Array, n: number, pageSize: number): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  let prefix = '';
  for (let k = 0; k < n; k++) {
    const spec = VALUES[kinds[k]!]!;
    const v = vals[k]!;
    if (spec.form === 'mm') {
      prefix = `mm #${v} `;
      continue;
    }
    const value = spec.form === 'n' ? v : spec.form === 'yes/no' ? (v ? 'yes' : 'no') : spec.form === 'pfn' ? `0x${v.toString(16)}` : `0x${(BigInt(v) * BigInt(pageSize)).toString(16)}`;
    const text = prefix ? `${prefix}${String(value)}` : value;
    prefix = '';
    const had = out[spec.name];
    if (had !== undefined && spec.form !== 'addr' && String(had).endsWith(String(text))) continue; // read again, the same: said once
    out[spec.name] = had === undefined ? text : `${String(had)}, ${String(text)}`;
  }
  return out;
}
