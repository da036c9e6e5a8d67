/**
 * vm_area_struct and the sorted VMA set of an mm (the maple tree's job,
 * here a sorted array: the simulated address spaces hold few VMAs).
 * Addresses are in pages (vpn), end exclusive.
 *
 * @kernel mm/vma.c
 */
import { mpol_equal, type MemPolicy } from './mempolicy.js';
export const VM_READ = 0x1;
export const VM_WRITE = 0x2;
export const VM_EXEC = 0x4;
export const VM_SHARED = 0x8;
export const VM_MAYREAD = 0x10;
export const VM_MAYWRITE = 0x20;
export const VM_MAYEXEC = 0x40;
export const VM_MAYSHARE = 0x80;
/** 2.6.21 remap_file_pages: the VMA holds file ptes (mm/fremap.c) */
export const VM_NONLINEAR = 0x800000;
export const VM_DONTCOPY = 0x20000;
/** charged to the commit limit: private writable mappings (accountable_mapping) */
export const VM_ACCOUNT = 0x100000;
/** MAP_NORESERVE (6.18 include/linux/mm.h 310, smaps "nr"): never charged, not even when mprotect makes it writable (mm/mmap.c 548–551, mm/mprotect.c 803–804); 2.6.21 has no such flag (its mmap only skips the charge: mm/mmap.c 1041) */
export const VM_NORESERVE = 0x200000;
export const VM_WIPEONFORK = 0x2000000;
/** MADV_HUGEPAGE: a THP may back this VMA (sysfs enabled=madvise) */
export const VM_HUGEPAGE = 0x20000000;
/** MADV_NOHUGEPAGE: never a THP here */
export const VM_NOHUGEPAGE = 0x40000000;
/** MADV_MERGEABLE (2.6.32+, bit 31, smaps "mg"): KSM may merge this VMA's anon pages (kernel/ksm.ts) */
export const VM_MERGEABLE = 0x80000000;
// --- guard regions, userfaultfd-wp, mlock (kernel/madvise.guard.ts, userfaultfd.ts, mlock.ts) ---
/**
 * VM_MAYBE_GUARD (0x800, smaps "gu"): MADV_GUARD_INSTALL may have left guard
 * markers here. Mainline 6.19 ("introduce VM_MAYBE_GUARD and make it
 * sticky"), backported to 6.18-stable, which the host's 6.18.44 shows. A
 * sticky flag (VM_STICKY): VMAs differing only in it still merge, and the
 * merged VMA keeps it; and a copy-on-fork one (vma_needs_copy).
 */
export const VM_MAYBE_GUARD = 0x800;
/** VM_UFFD_WP (0x1000, "uw"): registered with a userfaultfd in write-protect mode */
export const VM_UFFD_WP = 0x1000;
/** VM_LOCKED (0x2000, "lo"): mlock(2) */
export const VM_LOCKED = 0x2000;
/** include/linux/mm.h VM_STICKY (6.19; 6.18-stable): flags a merge ORs instead of comparing */
export const VM_STICKY = VM_MAYBE_GUARD;

export interface FileRef {
  readonly inode: number;
}

export interface Vma {
  start: number;
  end: number;
  flags: number;
  /** in pages: file offset of `start` (or the anon linear index base) */
  pgoff: number;
  /** the mapped file, or null for anonymous memory */
  file: FileRef | null;
  /** anon_vma id once the VMA has anon pages (anon_vma_prepare), else 0 */
  anonVma: number;
  /**
   * vma_had_uncowed_parents() (6.18 mm/vma.c 68–82): the anon_vma_chain links
   * more than one anon_vma — fork gave the child's copy its parent's as well as
   * its own (anon_vma_fork; fork.ts). Kept by splits and moves (anon_vma_clone
   * copies the chain), gone with the anon_vma; absent is false.
   */
  uncowedParents?: boolean;
  /** shared anonymous memory is a shmem file behind the scenes */
  readonly shmem: boolean;
  /**
   * The file's ->mmap set no vm_ops (a special device like kcov: `file K dev`):
   * vm_ops stays NULL, or vma_dummy_vm_ops under that rule (policies.ts `anon`).
   */
  readonly noVmOps?: boolean;
  /** vm_policy: the NUMA policy mbind gave the range (mempolicy.ts), none when absent */
  policy?: MemPolicy | null;
  /** vm_userfaultfd_ctx: the id of the userfaultfd it is registered with (userfaultfd.ts), none when absent */
  uffdCtx?: number;
  /** swap_readahead_info (6.18 VMA-based swap readahead, swap_state.ts); absent reads as the kernel's 0 does */
  swapRa?: { vpn: number; win: number; hits: number };
}

export function vmaCopy(v: Vma): Vma {
  return { ...v };
}

export class VmaSet {
  readonly list: Vma[] = [];
  /** the last VMA a lookup found (the per-thread vmacache of 3.15–6.0) */
  private cache: Vma | undefined = undefined;

  /** find_vma(): the first VMA with end > vpn (which may start above it) */
  findVma(vpn: number): Vma | undefined {
    const l = this.list;
    let lo = 0;
    let hi = l.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (l[mid]!.end <= vpn) lo = mid + 1;
      else hi = mid;
    }
    return l[lo];
  }

  /** The VMA containing vpn, or undefined. */
  lookup(vpn: number): Vma | undefined {
    const c = this.cache;
    if (c !== undefined && c.start <= vpn && vpn < c.end) return c;
    const v = this.findVma(vpn);
    if (v && v.start <= vpn) {
      this.cache = v;
      return v;
    }
    return undefined;
  }

  insert(v: Vma): void {
    this.cache = undefined;
    let i = 0;
    while (i < this.list.length && this.list[i]!.start < v.start) i++;
    this.list.splice(i, 0, v);
  }

  remove(v: Vma): void {
    this.cache = undefined;
    const i = this.list.indexOf(v);
    if (i >= 0) this.list.splice(i, 1);
  }

  /** VMAs overlapping [start, end). */
  overlapping(start: number, end: number): Vma[] {
    return this.list.filter((v) => v.start < end && v.end > start);
  }

  /** split_vma(): cut `v` at `at`; returns the new upper part (already inserted). */
  split(v: Vma, at: number): Vma {
    this.cache = undefined;
    const upper: Vma = { ...v, start: at, pgoff: v.pgoff + (at - v.start) };
    v.end = at;
    this.insert(upper);
    return upper;
  }

  /**
   * vma_merge() of neighbours that are now identical and contiguous. `moved`
   * is the range copy_vma() (mremap) just placed: there the merge has no
   * source VMA (vmg.middle NULL, 6.18 mm/vma.c copy_vma 1840), so its anon_vma
   * chain is not asked about.
   */
  mergeAround(start: number, end: number, moved?: Vma): void {
    this.cache = undefined;
    for (let i = 0; i + 1 < this.list.length; ) {
      const a = this.list[i]!;
      const b = this.list[i + 1]!;
      const touches = a.end >= start && b.start <= end;
      const mergeable =
        touches &&
        a.end === b.start &&
        (a.flags & ~VM_STICKY) === (b.flags & ~VM_STICKY) &&
        // is_mergeable_vm_userfaultfd_ctx(): the same userfaultfd (or none)
        (a.uffdCtx ?? 0) === (b.uffdCtx ?? 0) &&
        a.file?.inode === b.file?.inode &&
        a.shmem === b.shmem &&
        a.noVmOps === b.noVmOps &&
        (a.file === null || a.pgoff + (a.end - a.start) === b.pgoff) &&
        anonVmaMergeable(a, b, moved) &&
        // anon VMAs too: can_vma_merge_after/before need vm_pgoff to continue (a fresh anon VMA's pgoff is its
        // address, so neighbours continue; a VMA mremap moved keeps its old pgoff, and its rmap depends on it)
        (a.file !== null || a.shmem || a.pgoff + (a.end - a.start) === b.pgoff) &&
        // vma_merge: is_mergeable_vma and mpol_equal(vma_policy(prev), policy)
        mpol_equal(a.policy ?? null, b.policy ?? null);
      if (mergeable) {
        a.end = b.end;
        if ((b.flags & VM_STICKY) !== 0) a.flags = (a.flags | VM_STICKY) >>> 0;
        a.anonVma ||= b.anonVma;
        if (b.uncowedParents) a.uncowedParents = true;
        this.list.splice(i + 1, 1);
      } else {
        i++;
      }
    }
  }
}

/**
 * is_mergeable_anon_vma() (6.18 mm/vma.c 109–128) for two neighbours: the
 * same anon_vma (or neither has one); or only one has one, and that one's
 * chain is singular (vma_had_uncowed_parents false) — whether it is the merge
 * target (case 2) or the source (case 1) — unless it is the range copy_vma
 * placed, which has no source VMA to ask. 2.6.21 (mm/mmap.c
 * is_mergeable_anon_vma): either has none, or they are the same.
 */
function anonVmaMergeable(a: Vma, b: Vma, moved: Vma | undefined): boolean {
  if (a.anonVma === b.anonVma) return true;
  if (a.anonVma === 0) return b === moved || !b.uncowedParents;
  if (b.anonVma === 0) return a === moved || !a.uncowedParents;
  return false;
}
