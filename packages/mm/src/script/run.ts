/**
 * Run a parsed `.mmo` script on a machine and record, after every step,
 * what the acting process can see — the host oracle's JSON schema, so a
 * simulated trace and a real-kernel recording compare step by step.
 */
import { SyscallError } from '../model/errno.js';
import { dup_mmap, exit_mmap } from '../kernel/fork.js';
import { Machine, type MachineOptions, type Process } from '../model/machine.js';
import { ADVICE, do_madvise_path, type Advice } from '../kernel/madvise.js';
import { access, access_path } from '../kernel/memory.js';
import { do_mmap, do_munmap } from '../kernel/mmap.js';
import type { Inode } from '../kernel/filemap.js';
import { create_device, create_file, file_pread, file_pwrite, remove_file } from '../model/fs.js';
import { largeFolioAt, split_huge_page_path } from '../kernel/huge_memory.split.js';
import { split_huge_pages_write } from '../kernel/huge_memory.split_huge_pages.js';
import { do_fadvise_dontneed, do_punch_path, do_truncate_path, invalidate_inode_pages2_range } from '../kernel/truncate.js';
import { runPath, type KernelPath } from '../model/sched.js';
import { device_read, device_write, FOLL_LONGTERM, FOLL_PIN, FOLL_WRITE, get_user_pages, unpin_user_page } from '../kernel/gup.js';
import { present_frame } from '../kernel/pagewalk.js';
import { do_mprotect } from '../kernel/mprotect.js';
import { swapon, totalKb, usedKb } from '../kernel/swapfile.js';
import { swapoff } from '../kernel/swapfile.swapoff.js';
import { MAP_NONBLOCK, sys_remap_file_pages } from '../kernel/fremap.js';
import { do_mremap_path } from '../kernel/mremap.js';
import { do_move_pages_path } from '../kernel/migrate.move_pages.js';
import { isOracleMovePages, numaOp, type NumaOpContext } from './numa-ops.js';
import { try_to_free_pages } from '../kernel/vmscan.reclaim.js';
import { PfnLabels } from '../observe/labels.js';
import { ALL_PAGES_CAP, observeRegion, type Region, type RegionObs } from '../observe/observe.js';
import { MmoSyntaxError, type MmoOp, type MmoSource } from './parse.js';
import { BadValue, flagSet, int32, keyValue, loffBytes, oneOf, protLetters, shorten, tag, uint, whole, type FlagNames } from './values.js';
import { OutOfFramesError } from '../model/frames.js';
import { checkInvariants, type Violation } from '../check/invariants.js';
import { pteOp } from './pte-ops.js';
import { KSM_QUIET_OPS, ksmOp } from './ksm-ops.js';

export interface StepResult {
  op?: string;
  args: Record<string, unknown>;
  ret: Record<string, unknown>;
}

const GUP_FLAGS: FlagNames = new Map([
  ['write', FOLL_WRITE],
  ['pin', FOLL_PIN],
  ['longterm', FOLL_LONGTERM],
]);
const MMAP_FLAGS: FlagNames = new Map([
  ['private', 1],
  ['shared', 2],
  ['anon', 4],
  ['populate', 8],
]);
const MREMAP_FLAGS: FlagNames = new Map([
  ['maymove', 1],
  ['fixed', 2],
  ['dontunmap', 4],
]);
/** remap_file_pages(2) flags by name: only MAP_NONBLOCK means anything there (mm/fremap.c 2.6.21; mm/mmap.c 6.18 keeps flags & MAP_NONBLOCK) */
const REMAP_FLAGS: FlagNames = new Map([['nonblock', MAP_NONBLOCK]]);
/** what a reason quoted from a script (an expectation's why) is shortened to */
const REASON_CHARS = 120;

/** The process an op names was killed (by the OOM killer): it runs nothing more. */
export class ProcessKilled extends Error {
  override readonly name = 'ProcessKilled';
  constructor(
    readonly proc: 'parent' | 'child',
    readonly pid: number,
  ) {
    super(`the ${proc} (pid ${pid}) was killed by the OOM killer`);
  }
}

/** Whether a process was killed by the OOM killer (Process.oomKilled, where the kernel model sets it). */
export function oomKilled(p: Process | undefined): boolean {
  return p !== undefined && !p.alive && p.oomKilled === true;
}

/** An `expect` op found something else: the scenario's outcome is wrong. Its message says why, in the scenario's words first. */
export class ExpectationFailed extends Error {
  override readonly name = 'ExpectationFailed';
  constructor(
    readonly op: MmoOp,
    found: string,
  ) {
    const why = op.op === 'expect_dev' ? op.words[2] : op.words[3];
    super(why ? `${shorten(why, REASON_CHARS)}: ${found}` : `expectation on line ${op.line} failed: ${found}`);
  }
}

export interface Step {
  n: number;
  proc: 'parent' | 'child';
  op: string;
  args: Record<string, unknown>;
  ret: Record<string, unknown>;
  obs: Record<string, RegionObs>;
  /** regions this step did not observe: a script with more than MANY_REGIONS regions observes only those its op names */
  unobserved?: number;
}

/**
 * More regions than this, and a step observes only the regions its op names
 * (`r`, `new_r`), not all of them: the oracle holds at most 16 regions
 * (MAX_REGIONS, host-oracle oracle.h), so no recording reaches it, while a
 * script of thousands of regions would otherwise cost regions × steps in
 * time and output.
 */
export const MANY_REGIONS = 64;

export interface Trace {
  scenario: string;
  desc: string;
  kernel: string;
  variant: string;
  page_size: number;
  steps: Step[];
}

export interface ObserveRunOptions {
  /** observe every page of every region (regions up to ALL_PAGES_CAP pages), not a sample of the big ones */
  readonly allPages?: boolean;
}

export class Runner {
  readonly m: Machine;
  readonly labels: PfnLabels;
  readonly regions = new Map<string, Region>();
  /** regions to forget after this step's observation (the source of an mremap move) */
  readonly retire: string[] = [];
  readonly procs: Record<'parent' | 'child', Process | undefined>;
  /** the op name and arguments of the step running now, noted before its syscall can fail (the errno step keeps them) */
  noted: { op?: string; args: Record<string, unknown> } = { args: {} };
  private readonly arena: number;
  private readonly slotPages: number;
  /**
   * Pages of the arch's unsigned long address space (2^(wordBits − PAGE_SHIFT)),
   * at most 2^52 so every page number stays an exact JS number: page
   * indices, page counts and slots are bounded by it.
   */
  private readonly addressPages: number;
  private readonly wordBits: number;

  constructor(
    options: MachineOptions,
    private readonly file: string,
    private readonly observing: ObserveRunOptions = {},
  ) {
    this.m = new Machine(options);
    this.labels = new PfnLabels(this.m);
    this.procs = { parent: this.m.spawn('parent'), child: undefined };
    const c = this.m.variant.constants;
    // Regions sit at fixed slots of a reserved arena, 64 MiB apart, so they never merge.
    this.arena = 2 ** (Math.min(c.vaBits, 47) - 2 - c.PAGE_SHIFT);
    this.slotPages = 2 ** (26 - c.PAGE_SHIFT);
    this.wordBits = c.wordBits;
    this.addressPages = 2 ** Math.min(c.wordBits - c.PAGE_SHIFT, 52);
  }

  private bad(op: MmoOp, word: number, reason: string): never {
    throw new MmoSyntaxError(this.file, op.line, op.columns[word] ?? 1, reason);
  }

  /** A word through one of the value parsers (values.ts); a refusal names file, line and column. */
  private val<T>(op: MmoOp, word: number, parse: (text: string) => T): T {
    try {
      return parse(op.words[word] ?? '');
    } catch (error) {
      if (error instanceof BadValue) this.bad(op, word, error.message);
      throw error;
    }
  }

  /** note the step's name and arguments before the syscall runs */
  private note<A extends Record<string, unknown>>(args: A, op?: string): A {
    this.noted = op === undefined ? { args } : { op, args };
    return args;
  }

  /** a page index within a region: 0 … pages of the address space − 1 */
  private page(op: MmoOp, word: number, what = 'page'): number {
    return this.val(op, word, (t) => whole(t, this.addressPages - 1, what));
  }

  /** a number of pages: 0 … pages of the address space (a length is a size_t) */
  private count(op: MmoOp, word: number, what = 'page count'): number {
    return this.val(op, word, (t) => whole(t, this.addressPages, what));
  }

  /**
   * `slot=N` (or a bare N): the region's place in the arena. Any slot whose
   * first page is within the arch's unsigned long is accepted — one beyond
   * the user address space (TASK_SIZE) reaches do_mmap, which answers as
   * the kernel does; only one past the unsigned long is a script error.
   */
  private slot(op: MmoOp, word: number, key?: string): number {
    const max = Math.floor((this.addressPages - 1 - this.arena) / this.slotPages);
    return this.val(op, word, (t) => whole(key === undefined ? t : (keyValue(t, key) ?? t), max, 'slot'));
  }

  /** a region's page count; with all pages observed it must fit the cap */
  private regionPages(op: MmoOp, word: number, pages: number): number {
    if (this.observing.allPages && pages > ALL_PAGES_CAP) this.bad(op, word, `page count '${pages}' is more than all pages can list; valid: 0 … ${ALL_PAGES_CAP} with all pages observed (or observe a sample)`);
    return pages;
  }

  private region(op: MmoOp, word: number): Region {
    const r = this.regions.get(op.words[word] ?? '');
    if (!r) this.bad(op, word, `no region '${shorten(op.words[word] ?? '')}' (mmap it first)`);
    return r;
  }

  private fileArg(op: MmoOp, word: number, name: string): Inode {
    const inode = this.m.files.get(name);
    if (!inode) this.bad(op, word, `no file '${shorten(name)}' (create it with 'file NAME tmpfs|ext4 NPAGES PREFIX')`);
    return inode;
  }

  private pin(op: MmoOp, word: number): number {
    const id = this.pins.get(op.words[word] ?? '');
    if (id === undefined) this.bad(op, word, `no pin '${shorten(op.words[word] ?? '')}' (take it with 'gup R PAGE FLAGS NAME')`);
    return id;
  }

  private proc(op: MmoOp): Process {
    const p = this.procs[op.proc];
    if (p && oomKilled(p)) throw new ProcessKilled(op.proc, p.pid);
    if (!p || !p.alive) this.bad(op, 0, `no live ${op.proc} process here`);
    return p;
  }

  /** pins taken by `gup` ops, by the name the script gave them */
  readonly pins = new Map<string, number>();

  /**
   * `sample R i,j,k`: the pages of region R an observation lists, by region
   * name — set before or after the region exists (the oracle's
   * region_sample keeps it pending until an mmap or mremap makes R).
   */
  readonly samples = new Map<string, number[]>();

  sample(op: MmoOp): void {
    const text = op.words[1] ?? '';
    const indices = text.split(',');
    if (indices.length > ALL_PAGES_CAP) this.bad(op, 1, `sample lists ${indices.length} pages; valid: at most ${ALL_PAGES_CAP}`);
    this.samples.set(
      op.words[0]!,
      indices.map((t) => this.val(op, 1, () => whole(t, this.addressPages - 1, 'sample page'))),
    );
  }

  step(op: MmoOp): StepResult {
    return runPath(this.stepPath(op));
  }

  /**
   * One op as a kernel path: ops whose kernel code has lock points (file
   * faults, truncate, hole punch, invalidate) stop there when the explorer
   * drives the machine; the others run whole. Each op notes its arguments
   * before the kernel runs, so a step that fails keeps them.
   */
  *stepPath(op: MmoOp): KernelPath<StepResult> {
    const m = this.m;
    this.noted = { args: {} };
    const p = this.proc(op);
    const ok = { ok: true, val: 0 };
    const PAGE_SIZE = m.variant.constants.PAGE_SIZE;
    switch (op.op) {
      case 'mmap': {
        const name = this.val(op, 0, (t) => tag(t, 'region name'));
        const pages = this.regionPages(op, 1, this.count(op, 1));
        const protText = op.words[2]!;
        const prot = this.val(op, 2, (t) => protLetters(t));
        const flags = this.val(op, 3, (t) => flagSet(t, MMAP_FLAGS, 'mmap flag')).names;
        if (flags.includes('private') === flags.includes('shared')) this.bad(op, 3, "mmap needs exactly one of 'private' and 'shared'");
        let slotWord = -1;
        let fileWord = -1;
        let pgoffWord = -1;
        for (let w = 4; w < op.words.length; w++) {
          const word = op.words[w]!;
          if (word.startsWith('slot=') && slotWord < 0) slotWord = w;
          else if (word.startsWith('file=') && fileWord < 0) fileWord = w;
          else if (word.startsWith('pgoff=') && pgoffWord < 0) pgoffWord = w;
          else this.bad(op, w, `mmap option '${shorten(word)}' is not slot=N, file=F or pgoff=N (each at most once)`);
        }
        if (slotWord < 0) this.bad(op, 4, 'mmap needs slot=N');
        const slot = this.slot(op, slotWord, 'slot');
        const inode = fileWord >= 0 ? this.fileArg(op, fileWord, op.words[fileWord]!.slice(5)) : undefined;
        if (!inode && !flags.includes('anon')) this.bad(op, 3, "a mapping is either 'anon' or has file=F");
        // the mapping's file offset in pages: vm_pgoff, an unsigned long (include/linux/mm_types.h)
        const pgoffBig = pgoffWord >= 0 ? this.val(op, pgoffWord, (t) => uint(keyValue(t, 'pgoff') ?? t, this.wordBits, 'pgoff', `a ${this.wordBits}-bit unsigned long`)) : 0n;
        const start = this.arena + slot * this.slotPages;
        this.regions.set(name, { name, start, pages });
        const args = this.note(inode ? { r: name, pages, prot: protText, flags, file: inode.name, pgoff: pgoffBig <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(pgoffBig) : pgoffBig.toString(), slot } : { r: name, pages, prot: protText, flags, slot });
        do_mmap(m, p.mm, {
          start,
          pages,
          prot,
          shared: flags.includes('shared'),
          populate: flags.includes('populate'),
          ...(inode ? { inode, pgoff: pgoffBig } : {}),
        });
        return { args, ret: ok };
      }
      case 'file': {
        const name = this.val(op, 0, (t) => tag(t, 'file name'));
        const fs = this.val(op, 1, (t) => oneOf(t, ['tmpfs', 'ext4', 'dev'] as const, 'file system'));
        // i_size in pages: loff_t bytes (include/linux/fs.h), so at most LLONG_MAX / PAGE_SIZE pages
        const pages = this.val(op, 2, (t) => whole(t, Math.min(this.addressPages, Number((2n ** 63n - 1n) / BigInt(PAGE_SIZE))), 'page count'));
        const prefix = this.val(op, 3, (t) => tag(t, 'tag prefix'));
        const args = this.note({ file: name, fs, pages, tagprefix: prefix }, 'file_create');
        // mmsim extension: 'dev' is a special device file of N pages' i_size with no ->fault and no vm_ops (kcov)
        if (fs === 'dev') create_device(m, name, pages);
        else create_file(m, name, fs, pages, prefix);
        return { op: 'file_create', args, ret: ok };
      }
      case 'rmfile': {
        const inode = this.fileArg(op, 0, op.words[0]!);
        const args = this.note({ file: inode.name }, 'file_destroy');
        remove_file(m, inode.name);
        return { op: 'file_destroy', args, ret: ok };
      }
      case 'pread': {
        const inode = this.fileArg(op, 0, op.words[0]!);
        const page = this.page(op, 1);
        const args = this.note({ file: inode.name, page });
        const res = file_pread(m, inode, page);
        return { args, ret: { ok: true, ...res } };
      }
      case 'pwrite': {
        const inode = this.fileArg(op, 0, op.words[0]!);
        const page = this.page(op, 1);
        const t = this.val(op, 2, (w) => tag(w));
        const args = this.note({ file: inode.name, page, tag: t });
        const val = file_pwrite(m, inode, page, t);
        return { args, ret: { ok: true, val } };
      }
      case 'ftruncate': {
        const inode = this.fileArg(op, 0, op.words[0]!);
        // BYTES, or Np for N pages (an mmsim extension: portable across page sizes); loff_t either way
        const bytes = this.val(op, 1, (t) => loffBytes(t, PAGE_SIZE, 'size'));
        const args = this.note({ file: inode.name, bytes, pages: bytes / PAGE_SIZE });
        yield* do_truncate_path(m, inode, bytes);
        return { args, ret: ok };
      }
      case 'punch': {
        const inode = this.fileArg(op, 0, op.words[0]!);
        const page = this.page(op, 1);
        const npages = this.count(op, 2);
        const args = this.note({ file: inode.name, mode: 'PUNCH_HOLE|KEEP_SIZE', page, npages }, 'fallocate');
        yield* do_punch_path(m, inode, page, npages);
        return { op: 'fallocate', args, ret: ok };
      }
      case 'invalidate': {
        // mmsim extension: invalidate_inode_pages2_range (O_DIRECT write, NFS revalidation)
        const inode = this.fileArg(op, 0, op.words[0]!);
        const page = this.page(op, 1);
        const npages = this.count(op, 2);
        const args = this.note({ file: inode.name, page, npages });
        yield* invalidate_inode_pages2_range(m, inode, page, npages);
        return { args, ret: ok };
      }
      case 'gup': {
        // mmsim extension: get_user_pages / pin_user_pages of one page, the pin named for later ops
        const r = this.region(op, 0);
        const page = this.page(op, 1);
        const gupFlags = this.val(op, 2, (t) => flagSet(t, GUP_FLAGS, 'gup flag')).bits;
        const pin = this.val(op, 3, (t) => tag(t, 'pin name'));
        const args = this.note({ r: r.name, page, flags: op.words[2], pin });
        const id = get_user_pages(m, p.mm, r.start + page, gupFlags);
        this.pins.set(pin, id);
        return { args, ret: ok };
      }
      case 'unpin': {
        const id = this.pin(op, 0);
        const args = this.note({ pin: op.words[0] });
        unpin_user_page(m, id);
        this.pins.delete(op.words[0]!);
        return { args, ret: ok };
      }
      case 'dev_write': {
        const id = this.pin(op, 0);
        const t = this.val(op, 1, (w) => tag(w));
        const args = this.note({ pin: op.words[0], tag: t });
        device_write(m, id, m.tags.intern(t));
        return { args, ret: ok };
      }
      case 'dev_read': {
        const id = this.pin(op, 0);
        const args = this.note({ pin: op.words[0] });
        return { args, ret: { ok: true, data: m.tags.name(device_read(m, id)) } };
      }
      case 'expect': {
        const r = this.region(op, 0);
        const page = this.page(op, 1);
        const want = this.val(op, 2, (t) => tag(t));
        const args = this.note({ r: r.name, page, tag: want });
        const res = access(m, p.mm, r.start + page, false);
        const got = res.ok ? res.tag : res.signal;
        if (got !== want) throw new ExpectationFailed(op, `${op.proc} reads ${got} at ${r.name} page ${page}, not ${want}`);
        return { args, ret: ok };
      }
      case 'expect_dev': {
        const id = this.pin(op, 0);
        const want = this.val(op, 1, (t) => tag(t));
        const args = this.note({ pin: op.words[0], tag: want });
        const got = m.tags.name(device_read(m, id));
        if (got !== want) throw new ExpectationFailed(op, `pin ${op.words[0]} reads ${got}, not ${want}`);
        return { args, ret: ok };
      }
      case 'expect_pinned': {
        const r = this.region(op, 0);
        const page = this.page(op, 1);
        const pinned = m.pins[this.pin(op, 2)]!.frame;
        const args = this.note({ r: r.name, page, pin: op.words[2] });
        const mapped = present_frame(m, p.mm, r.start + page);
        if (mapped !== pinned) {
          const pfn = (f: number): string => (f < 0 ? 'nothing' : `pfn 0x${m.frames.pfn(f).toString(16)}`);
          const seen = access(m, p.mm, r.start + page, false);
          throw new ExpectationFailed(op, `pin ${op.words[2]} holds ${pfn(pinned)}, but ${op.proc} maps ${pfn(mapped)} at ${r.name} page ${page} and reads ${seen.ok ? seen.tag : seen.signal}`);
        }
        return { args, ret: ok };
      }
      case 'fadvise_dontneed': {
        const inode = this.fileArg(op, 0, op.words[0]!);
        const args = this.note({ file: inode.name, advice: 'DONTNEED', after_fsync: true }, 'fadvise');
        do_fadvise_dontneed(m, inode);
        return { op: 'fadvise', args, ret: ok };
      }
      case 'munmap': {
        const r = this.region(op, 0);
        const page = this.page(op, 1);
        const npages = this.count(op, 2);
        const args = this.note({ r: r.name, page, npages });
        do_munmap(m, p.mm, r.start + page, npages);
        return { args, ret: ok };
      }
      case 'mprotect': {
        const r = this.region(op, 0);
        const page = this.page(op, 1);
        const npages = this.count(op, 2);
        const prot = this.val(op, 3, (t) => protLetters(t));
        const args = this.note({ r: r.name, page, npages, prot: op.words[3] });
        do_mprotect(m, p.mm, r.start + page, npages, prot);
        return { args, ret: ok };
      }
      case 'write':
      case 'read': {
        const r = this.region(op, 0);
        const page = this.page(op, 1);
        const t = op.op === 'write' ? this.val(op, 2, (w) => tag(w)) : undefined;
        const args: Record<string, unknown> = this.note({ r: r.name, page, ...(t !== undefined ? { tag: t } : {}) });
        const res = yield* access_path(m, p.mm, r.start + page, op.op === 'write', t === undefined ? undefined : m.tags.intern(t));
        if (!res.ok) return { args, ret: { ok: false, signal: res.signal, si_code: res.si_code } };
        const faults = op.proc === 'parent' ? { faults: { minor: res.minor, major: res.major } } : {};
        return { args, ret: op.op === 'read' ? { ok: true, data: res.tag, ...faults } : { ok: true, ...faults } };
      }
      case 'write_all': {
        const r = this.region(op, 0);
        // the tags are PREFIX0 … PREFIX(n-1): the prefix leaves room for the index
        const prefix = this.val(op, 1, (t) => tag(t, 'tag prefix'));
        const args = this.note({ r: r.name, tagprefix: prefix });
        for (let i = 0; i < r.pages; i++) {
          const res = access(m, p.mm, r.start + i, true, m.tags.intern(`${prefix}${i}`));
          // the oracle's op_write_all (host-oracle oracle.c) stops at the first write that takes a signal and
          // reports it — SIGSEGV where nothing is mapped, SIGKILL when the OOM killer chose the writer
          if (!res.ok) return { args, ret: { ok: false, signal: res.signal, si_code: res.si_code } };
        }
        return { args, ret: ok };
      }
      case 'madvise': {
        const r = this.region(op, 0);
        const page = this.page(op, 1);
        const npages = this.count(op, 2);
        const advice = this.val(op, 3, (t) => oneOf(t, ADVICE, 'advice'));
        const args = this.note({ r: r.name, page, npages, advice });
        yield* do_madvise_path(m, p.mm, r.start + page, npages, advice as Advice);
        return { args, ret: ok };
      }
      case 'mremap': {
        const r = this.region(op, 0);
        const oldPages = this.count(op, 1, 'old page count');
        const newPages = this.regionPages(op, 2, this.count(op, 2, 'new page count'));
        const flagWords = this.val(op, 3, (t) => flagSet(t, MREMAP_FLAGS, 'mremap flag')).names;
        const newName = op.words[4] !== undefined ? this.val(op, 4, (t) => tag(t, 'region name')) : undefined;
        const newSlot = op.words[5] !== undefined ? this.slot(op, 5, 'slot') : undefined;
        if (flagWords.includes('fixed') && (newName === undefined || newSlot === undefined)) this.bad(op, 3, 'a fixed mremap needs NEWR and NEWSLOT');
        const newStart = newSlot !== undefined ? this.arena + newSlot * this.slotPages : undefined;
        const args: Record<string, unknown> = this.note({ r: r.name, old_pages: oldPages, new_pages: newPages, flags: flagWords });
        if (newName !== undefined) Object.assign(args, { new_r: newName, new_slot: newSlot });
        // the destination region names its slot even if the call fails (then it is simply unmapped)
        if (newName !== undefined && newStart !== undefined && !this.regions.has(newName)) this.regions.set(newName, { name: newName, start: newStart, pages: newPages });
        const res = yield* do_mremap_path(m, p.mm, {
          start: r.start,
          oldPages,
          newPages,
          maymove: flagWords.includes('maymove'),
          fixed: flagWords.includes('fixed'),
          dontunmap: flagWords.includes('dontunmap'),
          ...(newStart !== undefined ? { newStart } : {}),
        });
        if (res.moved && newName !== undefined) {
          // the oracle still shows the old region in this step's observation, then drops it
          if (!flagWords.includes('dontunmap')) this.retire.push(r.name);
          this.regions.set(newName, { name: newName, start: res.start, pages: newPages });
        } else {
          this.regions.set(r.name, { ...r, pages: newPages });
        }
        return { args, ret: { ok: true, moved: res.moved } };
      }
      case 'numa_info':
      case 'mbind':
      case 'migrate_pages':
      case 'compact_memory':
        return yield* numaOp(this.numaContext(op, p), op);
      case 'uffd_register_wp':
      case 'uffd_writeprotect':
      case 'uffd_close':
      case 'clear_refs':
      case 'mlock':
      case 'munlock':
        // userfaultfd-wp, clear_refs, mlock (pte-ops.ts)
        return pteOp({ m, proc: p, region: (w) => this.region(op, w), int: (w, what) => this.count(op, w, what), bad: (w, reason) => this.bad(op, w, reason), note: (args) => this.note(args) }, op);
      case 'move_pages': {
        // the oracle's form: R PAGES NODES FLAGS (numa-ops.ts)
        if (isOracleMovePages(op)) return yield* numaOp(this.numaContext(op, p), op);
        // mmsim extension: move_pages(2) of one page — R PAGE NODE [all] (MPOL_MF_MOVE_ALL); val is the call's return, status its status[0] (null: not written)
        const r = this.region(op, 0);
        const page = this.page(op, 1);
        const node = this.val(op, 2, (t) => int32(t, 'node'));
        if (op.words[3] !== undefined) this.val(op, 3, (t) => oneOf(t, ['all'] as const, 'move_pages flag (all: MPOL_MF_MOVE_ALL)'));
        const all = op.words[3] === 'all';
        const args = this.note({ r: r.name, page, node, flags: all ? 'MPOL_MF_MOVE_ALL' : 'MPOL_MF_MOVE' });
        const res = yield* do_move_pages_path(m, p.mm, r.start + page, node, all);
        return { args, ret: { ok: true, val: res.ret, status: res.status } };
      }
      case 'remap_file_pages': {
        const r = this.region(op, 0);
        const page = this.page(op, 1);
        const npages = this.count(op, 2);
        const pgoffText = op.words[3]!;
        // pgoff: an unsigned long (mm/fremap.c sys_remap_file_pages); ULONG_MAX by name
        const pgoff = pgoffText === 'ULONG_MAX' ? (1n << BigInt(this.wordBits)) - 1n : this.val(op, 3, (t) => uint(t, this.wordBits, 'pgoff', `a ${this.wordBits}-bit unsigned long`));
        let flags = 0;
        let flagsShown: number | string = 0;
        let prot = '---';
        let protValue = 0n;
        for (let w = 4; w < op.words.length; w++) {
          const word = op.words[w]!;
          const flagsText = keyValue(word, 'flags');
          const protText = keyValue(word, 'prot');
          if (word === 'nonblock') {
            flags |= MAP_NONBLOCK;
            flagsShown = flags;
          } else if (flagsText !== undefined) {
            // flags: an unsigned long, a number or names (nonblock)
            const f = this.val(op, w, () => flagSet(flagsText, REMAP_FLAGS, 'remap_file_pages flags', this.wordBits));
            flags = f.bits;
            flagsShown = f.names.length ? f.bits : /^0x/i.test(flagsText) ? flagsText : Number(flagsText);
          } else if (protText !== undefined) {
            // prot: an unsigned long that must be 0 (---), as letters or a number
            protValue = /^[r-][w-][x-]$/.test(protText) ? (protText === '---' ? 0n : 1n) : this.val(op, w, () => uint(protText, this.wordBits, 'prot', `letters like r-- or a ${this.wordBits}-bit unsigned long`));
            prot = protText;
          } else if (keyValue(word, 'byteoff') === undefined) this.bad(op, w, `unknown remap_file_pages option '${shorten(word)}'; valid: nonblock, prot=, flags=, byteoff=`);
        }
        const args = this.note({ r: r.name, page, size: npages * PAGE_SIZE, npages, prot, pgoff: pgoffText === 'ULONG_MAX' ? 'ULONG_MAX' : Number.isSafeInteger(Number(pgoff)) ? Number(pgoff) : pgoff.toString(), flags: flagsShown });
        sys_remap_file_pages(m, p.mm, { start: r.start + page, pages: npages, prot: protValue === 0n ? 0 : 1, pgoff, flags });
        return { args, ret: ok };
      }
      case 'reclaim': {
        // mmsim extension: memory pressure now (2.6.21 has no MADV_PAGEOUT)
        const wanted = op.words[0] !== undefined ? this.count(op, 0) : m.frames.max;
        const args = this.note({ pages: wanted });
        const freed = try_to_free_pages(m, wanted);
        return { args, ret: { ok: true, val: freed } };
      }
      case 'swapon': {
        const kind = this.val(op, 0, (t) => oneOf(t, ['file', 'zram'] as const, 'swap kind'));
        const pages = 16384;
        const args = this.note({ file: kind === 'file' ? 'ext4:/tmp swapfile' : '/dev/zram0', pages });
        swapon(m, kind, pages);
        return { args, ret: ok };
      }
      case 'swapoff':
        swapoff(m);
        return { args: {}, ret: ok };
      case 'sysstat':
        return { args: op.words[0] ? { why: op.words[0] } : {}, ret: { ok: true, swap_used_kB: usedKb(m), SwapTotal_kB: totalKb(m) } };
      case 'settle':
        return { args: { what: 'wait for Writeback==0 (max 2s)' }, ret: ok };
      case 'split_huge_pages': {
        // the oracle's op: "<its pid>,0x<start>,0x<end>" of region R written to /sys/kernel/debug/split_huge_pages
        // (kernel/split-huge-pages.ts); mmsim extension: R PAGE NPAGES for part of the region
        const r = this.region(op, 0);
        const part = op.words.length > 1;
        const page = part ? this.page(op, 1) : 0;
        const npages = op.words.length > 2 ? this.count(op, 2) : Math.max(0, r.pages - page);
        const args = this.note({ r: r.name, via: 'debugfs split_huge_pages pid,start,end', ...(part ? { page, npages } : {}) });
        const bytes = (vpn: number) => `0x${(BigInt(vpn) * BigInt(PAGE_SIZE)).toString(16)}`;
        split_huge_pages_write(m, `${p.pid},${bytes(r.start + page)},${bytes(r.start + page + npages)}`);
        return { args, ret: ok };
      }
      case 'split_huge_page': {
        // mmsim extension: split_huge_page() of the large folio mapped at R PAGE (what the deferred split
        // shrinker, migration or debugfs split_huge_pages would do); val 1 when it split, 0 when there was
        // no large folio or the split failed (-EAGAIN: an extra reference)
        const r = this.region(op, 0);
        const page = this.page(op, 1);
        const args = this.note({ r: r.name, page });
        const head = largeFolioAt(m, p.mm, r.start + page);
        let split = false;
        if (head >= 0) {
          m.sched.held.hold(head); // folio_get() of the folio found
          try {
            split = yield* split_huge_page_path(m, head);
          } finally {
            m.sched.held.release(head);
          }
        }
        return { args, ret: { ok: true, val: split ? 1 : 0 } };
      }
      case 'fork': {
        this.procs.child = dup_mmap(m, p, 'child');
        return { args: {}, ret: ok };
      }
      case 'exit': {
        exit_mmap(m, p);
        return { args: {}, ret: ok };
      }
      case 'ksm_start':
      case 'ksm_wait':
      case 'ksm_restore':
        return ksmOp(m, op, (word, reason) => this.bad(op, word, reason));
      case 'observe':
        return { args: op.words[0] ? { why: op.words[0] } : {}, ret: ok };
      case 'sample':
        return { args: {}, ret: ok };
      default:
        this.bad(op, 0, `op '${shorten(op.op)}' is not modelled yet`);
    }
  }

  private numaContext(op: MmoOp, proc: Process): NumaOpContext {
    return { m: this.m, proc, region: (word) => this.region(op, word), bad: (word, reason) => this.bad(op, word, reason), note: (args) => this.note(args) };
  }

  observe(proc: 'parent' | 'child', named?: Record<string, unknown>): Record<string, RegionObs> {
    const p = this.procs[proc];
    const obs: Record<string, RegionObs> = {};
    if (!p || !p.alive) return obs;
    if (named && this.regions.size > MANY_REGIONS) {
      for (const key of ['r', 'new_r']) {
        const r = typeof named[key] === 'string' ? this.regions.get(named[key]) : undefined;
        if (!r) continue;
        const sample = this.samples.get(r.name);
        obs[r.name] = observeRegion(this.m, p, sample ? { ...r, sample } : r, this.labels, this.observing);
      }
      return obs;
    }
    for (const r of this.regions.values()) {
      const sample = this.samples.get(r.name);
      obs[r.name] = observeRegion(this.m, p, sample ? { ...r, sample } : r, this.labels, this.observing);
    }
    return obs;
  }
}

/** A broken invariant stops the run, naming the step, the rule and the frame or pte. */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
  constructor(
    readonly step: number,
    readonly line: number,
    readonly violations: readonly Violation[],
  ) {
    super(`step ${step} (line ${line}): ${violations.map((v) => `[${v.rule}] ${v.message}`).join('; ')}`);
  }
}

export interface RunOptions extends ObserveRunOptions {
  /** check the invariants after every step */
  readonly check?: boolean;
  /**
   * Observe nothing, check nothing: a pass that only finds the script's
   * errors (MmoSyntaxError), run before a streamed run so a bad line is
   * refused before anything is printed. The run is deterministic, so the
   * real one meets no error this pass did not.
   */
  readonly validateOnly?: boolean;
}

/** How a run ended: every op ran, or it stopped early (the trace's last step says why, in words). */
export interface RunEnd {
  readonly steps: number;
  /** oom_kill: the OOM killer killed a process; out_of_memory: the machine's frames ran out where the model has no kernel answer */
  readonly stopped?: 'oom_kill' | 'out_of_memory';
}

/** The variant a run is on, as a trace's header names it. */
export interface TraceHeader {
  kernel: string;
  variant: string;
  page_size: number;
}

/**
 * A run under way: its header, and its steps as they complete. Nothing
 * is kept between steps, so a long script runs in bounded memory.
 */
export interface ScriptRun {
  readonly header: TraceHeader;
  readonly steps: Generator<Step, RunEnd, void>;
}

/** the oracle observes nothing after creating or unlinking a file, nor after settle/sysstat/numa_info */
function quietStep(name: string, result: StepResult): boolean {
  return (
    name === 'file_create' || name === 'file_destroy' || name === 'settle' || name === 'sysstat' || name === 'numa_info' || KSM_QUIET_OPS.includes(name) ||
    // the oracle observes nothing when it finds no debugfs split_huge_pages file
    (name === 'split_huge_pages' && result.ret['errno'] === 'ENOENT')
  );
}

/**
 * Start a script on a fresh machine. Its node count defaults to 1: the host
 * oracle's recording machine has one online node (MachineOptions.nodes);
 * and it is locked down (MachineOptions.lockdown 'integrity': debugfs
 * split_huge_pages answers EPERM there).
 */
export function startScript(script: MmoSource, options: MachineOptions, file = 'script.mmo', run: RunOptions = {}): ScriptRun {
  const runner = new Runner({ nodes: 1, lockdown: 'integrity', ...options }, file, run);
  const v = runner.m.variant;
  return { header: { kernel: v.era, variant: v.key, page_size: v.constants.PAGE_SIZE }, steps: scriptSteps(runner, script, run) };
}

/** The steps of a script as they complete (startScript's steps). */
export function runScriptSteps(script: MmoSource, options: MachineOptions, file = 'script.mmo', run: RunOptions = {}): Generator<Step, RunEnd, void> {
  return startScript(script, options, file, run).steps;
}

function* scriptSteps(runner: Runner, script: MmoSource, run: RunOptions): Generator<Step, RunEnd, void> {
  let n = 0;
  for (const op of script.ops) {
    if (op.op === 'sample') {
      runner.sample(op);
      continue;
    }
    n++;
    let result: StepResult;
    let outOfMemory: string | undefined;
    try {
      result = runner.step(op);
    } catch (error) {
      if (error instanceof SyscallError) {
        result = { ...runner.noted, ret: { ok: false, errno: error.errno } };
      } else if (error instanceof ProcessKilled) {
        // only reached when a kill was not noticed after its step (the explorer's threads): end here
        yield { n, proc: op.proc, op: 'oom_kill', args: { victim: error.proc, pid: error.pid }, ret: { ok: false, note: `${error.message}: it runs nothing more, the run ends here` }, obs: {} };
        return { steps: n, stopped: 'oom_kill' };
      } else if (error instanceof OutOfFramesError) {
        // the machine's frames ran out where the model has no kernel answer (ENOMEM or an OOM kill) for it
        outOfMemory = error.message;
        result = { ...runner.noted, ret: { ok: false, oom: error.message } };
      } else {
        throw error;
      }
    }
    const name = result.op ?? op.op;
    const obs = quietStep(name, result) || outOfMemory || run.validateOnly ? undefined : runner.observe(op.proc, result.args);
    const unobserved = obs && runner.regions.size > MANY_REGIONS ? runner.regions.size - Object.keys(obs).length : 0;
    yield { n, proc: op.proc, op: name, args: result.args, ret: result.ret, obs: obs ?? {}, ...(unobserved ? { unobserved } : {}) };
    for (const r of runner.retire.splice(0)) runner.regions.delete(r);
    if (outOfMemory) {
      yield { n: n + 1, proc: op.proc, op: 'out_of_memory', args: { frames: runner.m.frames.max }, ret: { ok: false, note: `${outOfMemory}: the machine cannot go on, the run ends here` }, obs: {} };
      return { steps: n + 1, stopped: 'out_of_memory' };
    }
    if (run.check && !run.validateOnly) {
      const broken = checkInvariants(runner.m);
      if (broken.length) throw new InvariantViolation(n, op.line, broken);
    }
    const victims = (['parent', 'child'] as const).filter((who) => oomKilled(runner.procs[who]));
    if (victims.length) {
      const names = victims.map((who) => `the ${who} (pid ${runner.procs[who]!.pid})`).join(' and ');
      yield { n: n + 1, proc: victims[0]!, op: 'oom_kill', args: { victims: victims.map((who) => ({ proc: who, pid: runner.procs[who]!.pid })) }, ret: { ok: true, note: `out of memory: the OOM killer killed ${names} during step ${n}; the run ends here` }, obs: {} };
      return { steps: n + 1, stopped: 'oom_kill' };
    }
  }
  return { steps: n };
}

/** Run a script on a fresh machine and keep the whole trace (startScript, collected). */
export function runScript(script: MmoSource, options: MachineOptions, file = 'script.mmo', run: RunOptions = {}): Trace {
  const { header, steps } = startScript(script, options, file, run);
  return { scenario: script.scenario, desc: script.desc, ...header, steps: [...steps] };
}
