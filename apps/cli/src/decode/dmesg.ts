/**
 * The kernel log lines `mmsim decode` recognises, as data: each names the
 * kernel function that prints it (file:line at the version named), a
 * pattern, and which of its fields are what. Every pte, table entry and
 * swap entry in them is printed in hex without 0x (%llx / %lx); page-dump
 * pfns and indexes with %#lx (0x…, or a bare 0).
 */

/** What a field holds, so the decoder knows what to do with it. */
export type FieldKind =
  /** a leaf pte: classified on each variant */
  | 'pte'
  /** an upper-level table entry (pmd, pud, p4d, pgd): shown, not classified */
  | 'table'
  /** the arch-independent swp_entry_t value: split into type and offset */
  | 'swp_entry'
  /** a page frame number */
  | 'pfn'
  /** a struct page's flags word */
  | 'page_flags';

export interface DmesgField {
  /** how the output names it: `pte`, `pmd`, `entry`, `pfn` */
  readonly name: string;
  readonly kind: FieldKind;
  /** the regexp group holding its digits */
  readonly group: number;
  /** the digits carry 0x already (%#lx) */
  readonly prefixed?: boolean;
}

export interface DmesgLine {
  readonly id: string;
  /** the function that prints it, and where */
  readonly source: string;
  readonly pattern: RegExp;
  readonly fields: readonly DmesgField[];
  /** a group whose text names the first field (print_bad_page_map's level) */
  readonly levelGroup?: number;
}

const HEX = '([0-9a-fA-F]+)';

export const DMESG_LINES: readonly DmesgLine[] = [
  {
    // 6.18: "BUG: Bad page map in process COMM  LEVEL:%08llx", the level a name of
    // pgtable_level_to_str (mm/memory.c:599-600, include/linux/pgtable.h:1986-2000 at 6.18.2);
    // earlier kernels print " pmd:%08llx" after the pte on the same line, accepted too.
    id: 'bad-page-map',
    source: 'print_bad_page_map (mm/memory.c:586-612, 6.18.2)',
    pattern: new RegExp(`BUG: Bad page map in process .*?\\s(pte|pmd|pud|p4d|pgd):${HEX}(?:\\s+pmd:${HEX})?`),
    levelGroup: 1,
    fields: [
      { name: 'pte', kind: 'pte', group: 2 },
      { name: 'pmd', kind: 'table', group: 3 },
    ],
  },
  {
    // 6.18: the line after it, the upper levels down to the pmd (mm/memory.c:538-571 at 6.18.2)
    id: 'bad-page-map-tables',
    source: '__print_bad_page_map_pgtable (mm/memory.c:522-572, 6.18.2)',
    pattern: new RegExp(`(?:^|[\\s\\]])pgd:${HEX}(?:\\s+p4d:${HEX})?(?:\\s+pud:${HEX})?(?:\\s+pmd:${HEX})?`),
    fields: [
      { name: 'pgd', kind: 'table', group: 1 },
      { name: 'p4d', kind: 'table', group: 2 },
      { name: 'pud', kind: 'table', group: 3 },
      { name: 'pmd', kind: 'table', group: 4 },
    ],
  },
  {
    // 2.6.20/21: "Bad pte = %08llx, process = %s, vm_flags = %lx, vaddr = %lx" (mm/memory.c:353-359 at 2.6.20)
    id: 'bad-pte',
    source: 'print_bad_pte (mm/memory.c:353-359, 2.6.20)',
    pattern: new RegExp(`Bad pte = ${HEX}, process = `),
    fields: [{ name: 'pte', kind: 'pte', group: 1 }],
  },
  {
    // "%s%08lx" of entry.val after "Bad swap file entry " and its three siblings
    // (mm/swapfile.c:40-43 and 255-266 at 2.6.20; mm/swapfile.c:83-86 and 1476-1485 at 6.18.2)
    id: 'swap-entry',
    source: 'swap_info_get / _swap_info_get (mm/swapfile.c:255-266 at 2.6.20, 1476-1485 at 6.18.2)',
    pattern: new RegExp(`(?:Bad|Unused) swap (?:file|offset) entry ${HEX}`),
    fields: [{ name: 'entry', kind: 'swp_entry', group: 1 }],
  },
  {
    // 6.18: "page: refcount:%d mapcount:%d mapping:%p index:%#lx pfn:%#lx" (mm/debug.c:80-82 at 6.18.2)
    id: 'page-dump',
    source: '__dump_folio (mm/debug.c:80-82, 6.18.2)',
    pattern: /page: refcount:-?\d+ mapcount:-?\d+ mapping:\S+ index:(?:0x)?[0-9a-fA-F]+ pfn:((?:0x)?[0-9a-fA-F]+)/,
    fields: [{ name: 'pfn', kind: 'pfn', group: 1, prefixed: true }],
  },
  {
    // 2.6.20/21: "page:%p flags:0x%0*lx mapping:%p mapcount:%d count:%d" (mm/page_alloc.c:183-189 at 2.6.20)
    id: 'bad-page-state',
    source: 'bad_page (mm/page_alloc.c:183-189, 2.6.20)',
    pattern: /page:[0-9a-fA-Fx]+ flags:0x([0-9a-fA-F]+) mapping:\S+ mapcount:-?\d+ count:-?\d+/,
    fields: [{ name: 'flags', kind: 'page_flags', group: 1 }],
  },
];

export interface FoundField {
  readonly line: DmesgLine;
  readonly name: string;
  readonly kind: FieldKind;
  /** the digits as printed */
  readonly digits: string;
  readonly prefixed: boolean;
}

/** The fields of the first recognised format in `text`, or undefined. */
export function matchDmesg(text: string): FoundField[] | undefined {
  for (const line of DMESG_LINES) {
    const m = line.pattern.exec(text);
    if (!m) continue;
    const found: FoundField[] = [];
    for (const [i, f] of line.fields.entries()) {
      const digits = m[f.group];
      if (digits === undefined) continue;
      // print_bad_page_map names the level of its first entry
      const name = i === 0 && line.levelGroup !== undefined ? m[line.levelGroup]! : f.name;
      const kind = i === 0 && line.levelGroup !== undefined && name !== 'pte' ? 'table' : f.kind;
      found.push({ line, name, kind, digits, prefixed: f.prefixed === true });
    }
    return found;
  }
  return undefined;
}

/** For messages: the lines recognised. */
export const DMESG_NAMES = "'BUG: Bad page map … pte:…', 'pgd:… pmd:…', 'Bad pte = …', 'Bad swap file entry …', page dumps ('page: … pfn:…', 'page:… flags:0x…')";
