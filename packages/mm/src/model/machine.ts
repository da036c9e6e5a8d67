/**
 * The simulated machine: one backend variant in one era and configuration,
 * its physical frames, the shared zero page, the processes and their mms.
 * The kernel paths live in the files named after their kernel homes
 * (memory.ts ~ mm/memory.c, mmap.ts ~ mm/mmap.c, fork.ts ~ kernel/fork.c …)
 * and take the machine as their first argument.
 */
import type { TimingChoices } from '../kernel/swap.js';
import { compileVariant, DEFAULT_CONFIG, type KernelConfig, type ModifierName, type ModifierWords, type Variant, type VariantSpec } from '@mmsim/core';
import type { FsKind, Inode } from '../kernel/filemap.js';
import { FrameTable } from './frames.js';
import type { SwapDevice } from '../kernel/swapfile.js';
import { PG_reserved, PG_uptodate, PG_zero } from '../kernel/page-flags.js';
import { PageTable } from './pagetable.js';
import { ProtCache } from './prot.js';
import { TagTable } from './tags.js';
import { VmaSet } from '../kernel/vma.js';
import { defaultCowPolicy, type CowPolicy } from './cow-policy.js';
import type { Pin } from '../kernel/gup.js';
import { defaultPolicies, policyInEra, type Policies } from './policies.js';
import { Sched } from './sched.js';
import type { OomKill } from '../kernel/oom_kill.js';
// each subsystem's state on the Machine: types only (a runtime import of these files would close a load-time cycle through machine.ts)
import type { ThpState } from '../kernel/huge_memory.js';
import type { KsmState } from '../kernel/ksm.js';
import type { MlockState } from '../kernel/mlock.js';
import type { UffdCtx, UffdState } from '../kernel/userfaultfd.js';
import type { RaState } from '../kernel/swap_state.js';
import type { LruState } from '../kernel/swap.js';
import type { ReclaimState } from '../kernel/vmscan.reclaim.js';
import type { MigrateState } from '../kernel/migrate.migrate_pages.js';
import type { ZapState } from '../kernel/memory.zap.js';
import type { RmapState } from '../kernel/rmap.js';
import type { InvariantScratch } from '../check/invariants.js';
import type { MemPolicy } from '../kernel/mempolicy.js';

export interface Mm {
  readonly id: number;
  readonly pgtable: PageTable;
  readonly vmas: VmaSet;
}

export interface Process {
  readonly pid: number;
  readonly name: string;
  mm: Mm;
  alive: boolean;
  /** the pid of the process this one was forked from (dup_mmap), if any */
  parent?: number;
  /** the OOM killer killed it (oom_kill.ts); alive is false then */
  oomKilled?: boolean;
  /** current->mempolicy: the task's NUMA policy (mempolicy.ts taskPolicy); absent is the default policy */
  mempolicy?: MemPolicy | null;
  /** the userfaultfd the process opened last and still holds (the oracle's `uffd` variable; script/ops/pte.ts) */
  uffd?: UffdCtx | undefined;
}

export interface MachineOptions {
  readonly spec: VariantSpec;
  readonly config?: KernelConfig;
  /** physical memory in frames (default 65536, capped by the pfn bits the pte holds) */
  readonly frames?: number;
  /** when do_wp_page may reuse an anon page (default: the era's rule; see cow-policy.ts) */
  readonly cowPolicy?: CowPolicy;
  /** the race-fix rules in force (default: the era's; see policies.ts) */
  readonly policies?: Partial<Policies>;
  /**
   * NUMA nodes with memory, all online: node ids 0 … nodes-1 (FrameTable.nodes).
   * Default 2 for a Machine (node 0, where processes allocate, and node 1 to
   * migrate to); runScript, which replays recorded scripts, defaults to 1 —
   * the recording machine's single node (env.json numa_nodes_online "0").
   */
  readonly nodes?: number;
  /**
   * The lockdown LSM's level (security/lockdown): 'integrity' and up deny
   * LOCKDOWN_DEBUGFS, so opening a writable debugfs file such as
   * split_huge_pages fails with EPERM. Default 'none'; runScript defaults to
   * 'integrity' — the recording host (its thp_anon recording shows the EPERM).
   * 2.6.21 has no lockdown.
   */
  readonly lockdown?: 'none' | 'integrity' | 'confidentiality';
  /**
   * The ext4 file system's size in pages (default 16 × frames: 4 GiB beside
   * the default 256 MiB of memory at 4 KiB pages). Writing a file that does
   * not fit is ENOSPC, as ext4 answers when its blocks run out — so a file's
   * size, like memory, is bounded by the machine, not by the script.
   */
  readonly diskPages?: number;
  /**
   * The timing-dependent choices a run takes (kernel/swap.ts
   * batch_refs_choice): which of the decisions that hang on a per-CPU
   * batch's page reference take the other branch. Absent: the model's own
   * (single-CPU) answer every time, at no cost.
   */
  readonly timing?: TimingChoices;
}


export class Machine {
  readonly variant: Variant;
  readonly era: '2.6.21' | '6.18';
  readonly cowPolicy: CowPolicy;
  readonly policies: Policies;
  /** MachineOptions.lockdown */
  readonly lockdown: 'none' | 'integrity' | 'confidentiality';
  /** MachineOptions.diskPages: the ext4 file system's size in pages */
  readonly diskPages: number;
  /** the explorer's view of the machine: stop points, locks, references held mid-path */
  readonly sched: Sched;
  /** pages held by get_user_pages / pin_user_pages, by pin id (undefined once released) */
  readonly pins: (Pin | undefined)[] = [];
  readonly frames: FrameTable;
  readonly tags = new TagTable();
  readonly prot: ProtCache;
  readonly procs: Process[] = [];
  /** every inode by id, and the named files of the scenario */
  readonly inodes = new Map<number, Inode>();
  readonly files = new Map<string, Inode>();
  /** swap devices by type */
  readonly swaps: (SwapDevice | undefined)[] = [];
  /** the OOM killer's kills, in order (oom_kill.ts): victim, its badness, the process whose allocation failed */
  readonly oomKills: OomKill[] = [];
  private nextInode = 1;
  /** frame of the shared zero page */
  readonly zeroFrame: number;
  /**
   * pte words of the last mk* call (scratch, so no pte allocates). They are
   * u32 and often ≥ 2^31 (NX, high pfns): they start as -0, a double, so V8
   * keeps them as double fields from the first machine on. Started as the
   * small integer 0, the first word ≥ 2^31 changed every new machine's
   * hidden class mid-run, deoptimising each hot kernel path once per machine.
   */
  pteHi = -0;
  pteLo = -0;
  /** what the last touch() read, and the faults it took */
  lastTag = 0;
  lastMinor = 0;
  lastMajor = 0;
  /*
   * Each subsystem's state, one field per subsystem, made on first use by the
   * subsystem's own accessor (undefined until then: a machine that never
   * uses KSM carries no KSM tables). Nothing of a machine lives at module
   * level, so two machines in one process never see each other's state
   * (test/machine-isolation.test.ts).
   */
  /** huge_memory.ts thpState(): folio mapcounts, pincounts, the huge zero folio; null where the variant has no THP */
  thp: ThpState | null | undefined = undefined;
  /** ksm.ts ksmState(): ksmd's settings, mm slots, stable and unstable trees (6.18 only) */
  ksm: KsmState | undefined = undefined;
  /** mlock.ts: PG_mlocked, the mlock counts, the per-CPU mlock batch */
  mlock: MlockState | undefined = undefined;
  /** userfaultfd.ts: the uffd-wp pte words, the userfaultfd contexts */
  uffd: UffdState | undefined = undefined;
  /** swap.ts: the per-CPU lru_activate folio batch */
  lru: LruState | undefined = undefined;
  /** MachineOptions.timing */
  readonly timing: TimingChoices | undefined;
  /** swap_state.ts: swapin_nr_pages()'s statics, PG_readahead of swap-cache pages */
  swapRa: RaState | undefined = undefined;
  /** vmscan.reclaim.ts try_to_free_pages(): the clock hand */
  readonly reclaim: ReclaimState = { hand: 0 };
  /** migrate.migrate_pages.ts: the folios isolated from the LRU for a migration */
  migrate: MigrateState | undefined = undefined;
  /** memory.zap.ts zap_pte_range: the pages mid-zap, zap_ptes' stop frame */
  readonly zap: ZapState = { pages: undefined, frame: -1 };
  /** rmap.ts: each VMA's place on its anon_vma's list */
  rmap: RmapState | undefined = undefined;
  /** check/invariants.ts: the counting arrays, reused by every check (no state: zeroed before each use) */
  invariantScratch: InvariantScratch | undefined = undefined;
  private readonly dirtyHi: number;
  private readonly dirtyLo: number;
  private readonly wdyHi: number;
  private readonly wdyLo: number;
  private readonly wdyKeepHi: number;
  private readonly wdyKeepLo: number;
  private readonly wdyStepwise: boolean;
  private readonly writeHi: number;
  private readonly writeLo: number;
  private nextPid = 1;
  private nextMm = 1;
  private nextAnonVma = 1;

  constructor(options: MachineOptions) {
    this.variant = compileVariant(options.spec, options.config ?? DEFAULT_CONFIG);
    this.era = this.variant.era;
    this.cowPolicy = options.policies?.cow ?? options.cowPolicy ?? defaultCowPolicy(this.era);
    this.policies = { ...defaultPolicies(this.era), ...options.policies, cow: this.cowPolicy };
    this.lockdown = this.era === '6.18' ? (options.lockdown ?? 'none') : 'none';
    this.timing = options.timing;
    this.diskPages = options.diskPages ?? 16 * (options.frames ?? 65536);
    if (!policyInEra(this.cowPolicy, this.era)) throw new RangeError(`cowPolicy 'anon-exclusive' needs the 6.18 era (PageAnonExclusive is 5.19+); 2.6.21 allows 'mapcount' or 'refcount'`);
    const pfnLimit = 2 ** Math.min(this.variant.constants.pfnBits, 31);
    this.frames = new FrameTable({ max: Math.min(options.frames ?? 65536, pfnLimit - 0x100), ...(options.nodes !== undefined ? { nodes: options.nodes } : {}) });
    this.prot = new ProtCache(this.variant);
    // pte_dirty(): the dirty bit and any saved-dirty bit (core's roles, x86 _PAGE_DIRTY_BITS)
    this.dirtyHi = this.variant.roleWords.dirty.hi;
    this.dirtyLo = this.variant.roleWords.dirty.lo;
    const mw = this.variant.modifierWords;
    const none: ModifierWords = { setHi: 0, setLo: 0, keepHi: 0xffffffff, keepLo: 0xffffffff };
    const w = mw['pte_mkwrite'] ?? none;
    const d = mw['pte_mkdirty'] ?? none;
    const y = mw['pte_mkyoung'] ?? none;
    this.wdyHi = (w.setHi | d.setHi | y.setHi) >>> 0;
    this.wdyLo = (w.setLo | d.setLo | y.setLo) >>> 0;
    this.wdyKeepHi = (w.keepHi & d.keepHi & y.keepHi) >>> 0;
    this.wdyKeepLo = (w.keepLo & d.keepLo & y.keepLo) >>> 0;
    // a modifier with conditional steps (arm64) cannot be folded into one mask: apply the three in turn
    this.wdyStepwise = w.steps !== undefined || d.steps !== undefined || y.steps !== undefined;
    // pte_write(): what pte_mkwrite sets; where pte_mkwrite is conditional, the write role's bit
    this.writeHi = w.steps === undefined ? w.setHi : this.variant.roleWords.write.hi;
    this.writeLo = w.steps === undefined ? w.setLo : this.variant.roleWords.write.lo;
    this.sched = new Sched(this);
    this.zeroFrame = this.frames.alloc();
    this.frames.flags[this.zeroFrame]! |= PG_zero | PG_reserved | PG_uptodate;
    if (Machine.shapes === undefined) {
      Machine.shapes = null; // the exemplar's own construction must not make another
      const exemplar = new Machine({ spec: options.spec, frames: 1 });
      Machine.shapes = { m: exemplar, mm: exemplar.newMm() };
    }
  }

  /**
   * A one-frame machine with one mm, made with the first machine and never
   * used: it holds no state any machine reads. V8 keeps a class's instance
   * shapes (hidden classes) alive only while an instance with them lives,
   * so without it the last machine dying — a benchmark's or a test file's
   * machines, one after another — takes the shapes of Machine, FrameTable,
   * PageTable, VmaSet, Sched … with it: the next full GC throws away every
   * optimised kernel path that checks them, and the next machine runs them
   * unoptimised until V8 has learnt them again (the first 64K pages of each
   * phase of the simulator bench ran 3–5× slower).
   */
  private static shapes: { readonly m: Machine; readonly mm: Mm } | null | undefined = undefined;

  /**
   * A reclaimer that replaces try_to_free_pages when kswapd balances the
   * machine (balance_pgdat, vmscan.reclaim.ts; tests may set it). Injected,
   * not imported, so this file loads without the kernel paths.
   */
  reclaimHook: ((m: Machine, wanted: number) => number) | undefined = undefined;

  newMm(): Mm {
    return { id: this.nextMm++, pgtable: new PageTable(this.variant), vmas: new VmaSet() };
  }

  spawn(name: string, mm: Mm = this.newMm()): Process {
    const p: Process = { pid: this.nextPid++, name, mm, alive: true };
    this.procs.push(p);
    return p;
  }

  /** a new inode; `device`: a special device file (fs.ts create_device) */
  newInode(name: string, fs: FsKind, size: number, device = false): Inode {
    const inode: Inode = { id: this.nextInode++, name, fs, size, cache: new Map(), disk: new Map(), mmaps: [], swapped: new Map(), unlinked: false, truncateCount: 0, device };
    this.inodes.set(inode.id, inode);
    return inode;
  }

  inodeOf(vma: { file: { inode: number } | null }): Inode | undefined {
    return vma.file ? this.inodes.get(vma.file.inode) : undefined;
  }

  newAnonVma(): number {
    return this.nextAnonVma++;
  }

  /** pfn_pte(pfn, vm_page_prot(flags)) into pteHi/pteLo */
  mkPte(frame: number, vmFlags: number): void {
    const f = this.variant.fast;
    const pfn = this.frames.pfn(frame);
    const ph = this.prot.hi(vmFlags);
    const pl = this.prot.lo(vmFlags);
    this.pteHi = f.pfn_pte_hi(0, pfn, ph, pl);
    this.pteLo = f.pfn_pte_lo(0, pfn, ph, pl);
  }

  /** apply a named pte modifier (pte_mkwrite, pte_mkdirty, …) to pteHi/pteLo */
  modify(name: ModifierName): void {
    const m = this.variant.modifierWords[name];
    if (m) this.modifyWords(m);
  }

  /** apply a modifier's words to pteHi/pteLo: its fixed masks, or its conditional steps in order (core's ModifierWords) */
  modifyWords(m: ModifierWords): void {
    const steps = m.steps;
    if (steps === undefined) {
      this.pteHi = ((this.pteHi | m.setHi) & m.keepHi) >>> 0;
      this.pteLo = ((this.pteLo | m.setLo) & m.keepLo) >>> 0;
      return;
    }
    for (let i = 0; i < steps.length; i++) {
      const st = steps[i]!;
      if (((this.pteHi & st.whenHi) >>> 0) !== st.valueHi || ((this.pteLo & st.whenLo) >>> 0) !== st.valueLo) continue;
      this.pteHi = ((this.pteHi | st.setHi) & st.keepHi) >>> 0;
      this.pteLo = ((this.pteLo | st.setLo) & st.keepLo) >>> 0;
    }
  }

  /** pte_mkyoung(pte_mkdirty(pte_mkwrite(pte))) on pteHi/pteLo: the hot write-fault case, pre-resolved */
  mkWriteDirtyYoung(): void {
    if (this.wdyStepwise) {
      this.modify('pte_mkwrite');
      this.modify('pte_mkdirty');
      this.modify('pte_mkyoung');
      return;
    }
    this.pteHi = ((((this.pteHi | this.wdyHi) >>> 0) & this.wdyKeepHi) >>> 0);
    this.pteLo = ((((this.pteLo | this.wdyLo) >>> 0) & this.wdyKeepLo) >>> 0);
  }

  /** frame a present pte maps (pte_pfn) */
  pteFrame(hi: number, lo: number): number {
    return this.frames.frameOf(this.variant.fast.pte_pfn_lo(hi, lo));
  }

  /** pte_dirty(): the arch's dirty bit(s) — not soft-dirty, which pte_mkdirty may also set */
  isPteDirty(hi: number, lo: number): boolean {
    return (hi & this.dirtyHi) !== 0 || (lo & this.dirtyLo) !== 0;
  }

  /** pte_write(): the bits pte_mkwrite sets are all set */
  pteWrite(hi: number, lo: number): boolean {
    return ((hi & this.writeHi) >>> 0) === this.writeHi && ((lo & this.writeLo) >>> 0) === this.writeLo;
  }
}
