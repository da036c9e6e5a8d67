/**
 * /sys/kernel/debug/split_huge_pages (6.18 mm/huge_memory.c,
 * split_huge_pages_write → split_huge_pages_pid / split_huge_pages_all),
 * the file the host oracle's `split_huge_pages R` op writes
 * "<pid>,0x<start>,0x<end>" to (its own pid and region R's byte range).
 *
 * - The file exists with CONFIG_DEBUG_FS and CONFIG_TRANSPARENT_HUGEPAGE:
 *   not on 2.6.21 (THP came in 2.6.38; the pid form in 5.13), nor on a 6.18
 *   variant without THP — there the oracle finds no file (ENOENT).
 * - Under kernel lockdown (integrity or confidentiality), debugfs refuses
 *   to open a writable file (LOCKDOWN_DEBUGFS): EPERM. The recording host
 *   is locked down (Machine.lockdown).
 * - The text: "<pid>,0x<start>,0x<end>[,<new_order>[,<in_folio_offset>]]"
 *   (sscanf: 3 to 5 fields, else EINVAL); "1" alone splits every THP of the
 *   machine (split_huge_pages_all); a leading '/' names a file
 *   (split_huge_pages_in_file: file THPs are not modelled).
 * - split_huge_pages_pid: an unknown pid is ESRCH. Page by page from start
 *   (PAGE_MASK'ed) to end, it stops at the first address no VMA holds
 *   (vma_lookup NULL: a hole ends the walk), and for the folio mapped there
 *   (folio_walk_start without FW_ZEROPAGE: no zero page, huge zero folio or
 *   swap entry) that is a THP of an order above the target, splits it —
 *   unless something besides its mappings holds it (can_split_folio: a pin),
 *   then it is skipped. Each split is split_huge_page() to order 0
 *   (huge_memory.ts: PMD-mapped or PTE-mapped, zero-filled pages onto the
 *   shared zero page). The write returns the text's length either way.
 * - new_order 1 cannot split an anon folio (order-1 anon folios are not
 *   supported); another order below the PMD order, or an in_folio_offset
 *   inside the folio (folio_split, non-uniform), would make mTHPs: not
 *   modelled.
 *
 * @kernel mm/huge_memory.c
 */
import { SyscallError } from '../model/errno.js';
import type { Machine } from '../model/machine.js';
import { hasThp, thpState } from './huge_memory.js';
import { skip_empty } from './pagewalk.js';
import { largeFolioAt, split_all_folios, split_huge_page } from './huge_memory.split.js';

/** Whether /sys/kernel/debug/split_huge_pages exists on the machine. */
export function has_split_huge_pages_file(m: Machine): boolean {
  return m.era === '6.18' && hasThp(m);
}

/**
 * open(O_WRONLY) + write(text) of /sys/kernel/debug/split_huge_pages, as
 * process `pid` would do it; returns write()'s count or throws its errno.
 */
export function split_huge_pages_write(m: Machine, text: string): number {
  if (!has_split_huge_pages_file(m)) throw new SyscallError('ENOENT', '/sys/kernel/debug/split_huge_pages does not exist (no CONFIG_TRANSPARENT_HUGEPAGE)');
  if (m.lockdown !== 'none') throw new SyscallError('EPERM', `kernel lockdown (${m.lockdown}) denies opening a writable debugfs file (LOCKDOWN_DEBUGFS)`);
  const input = text.slice(0, 255); // MAX_INPUT_BUF_SZ, NUL-terminated
  if (input.startsWith('/')) throw new Error('split_huge_pages of a file path (split_huge_pages_in_file): file THPs are not modelled');
  // sscanf(input, "%d,0x%lx,0x%lx,%d,%ld")
  const f = /^\s*([+-]?\d+)(?:,0x([0-9a-fA-F]+)(?:,0x([0-9a-fA-F]+)(?:,\s*([+-]?\d+)(?:,\s*([+-]?\d+))?)?)?)?/.exec(input);
  const fields = f ? f.slice(1).filter((x) => x !== undefined).length : 0;
  const pid = f ? Number(f[1]) : 0;
  if (fields === 1 && pid === 1) {
    split_all_folios(m); // split_huge_pages_all()
    return input.length;
  }
  if (fields < 3) throw new SyscallError('EINVAL', `split_huge_pages: '${input}' is not <pid>,0x<start>,0x<end>[,<order>[,<offset>]]`);
  const pageShift = BigInt(m.variant.constants.PAGE_SHIFT);
  const start = Number(BigInt(`0x${f![2]}`) >> pageShift);
  const end = Number(BigInt(`0x${f![3]}`) >> pageShift);
  const newOrder = fields >= 4 ? Number(f![4]) >>> 0 : 0;
  const inFolioOffset = fields >= 5 ? Number(f![5]) : -1;
  split_huge_pages_pid(m, pid, start, end, newOrder, inFolioOffset);
  return input.length;
}

/** split_huge_pages_pid() over the pages [start, end) of process `pid`'s mm. */
export function split_huge_pages_pid(m: Machine, pid: number, start: number, end: number, newOrder = 0, inFolioOffset = -1): void {
  const proc = m.procs.find((p) => p.pid === pid && p.alive);
  if (!proc) throw new SyscallError('ESRCH', `split_huge_pages: no process ${pid}`);
  const st = thpState(m)!;
  const mm = proc.mm;
  for (let vpn = start; vpn < end; vpn++) {
    if (!mm.vmas.lookup(vpn)) break; // vma_lookup(): a hole ends the walk
    // nothing to split where no pmd entry is populated: on to the next one (or the next hole)
    const next = skip_empty(mm.pgtable, vpn, start, end);
    if (next !== vpn) {
      const vma = mm.vmas.lookup(vpn)!;
      vpn = Math.min(next, vma.end) - 1;
      continue;
    }
    const head = largeFolioAt(m, mm, vpn);
    if (head < 0) continue; // no folio, a small one, the (huge) zero page or a swap entry
    if (newOrder >= st.order) continue; // target_order >= folio_order()
    if (newOrder === 1) continue; // order-1 anon folios are not supported: the split fails
    if (newOrder !== 0 || (inFolioOffset >= 0 && inFolioOffset < st.nr)) {
      throw new Error(`split_huge_pages to order ${newOrder}${inFolioOffset >= 0 ? ` at offset ${inFolioOffset}` : ''} would make mTHPs: not modelled`);
    }
    // can_split_folio(folio, 0, NULL): the walk holds no reference, so every reference must be a mapping
    split_huge_page(m, head);
  }
}
