/**
 * The address-space syscalls: mmap, munmap, mprotect, madvise, mremap, remap_file_pages —
 * and, simulator only (the recorder does not know them: docs/mmo.md),
 * mmap_fixed and mremap_part: the same syscalls at a page inside a region.
 */
import { ok, type OpSpec } from './spec.js';
import { ADVICE, do_madvise_path, type Advice } from '../../kernel/madvise.js';
import { do_mmap, do_munmap, get_unmapped_area } from '../../kernel/mmap.js';
import { do_mprotect } from '../../kernel/mprotect.js';
import { MAP_NONBLOCK, sys_remap_file_pages } from '../../kernel/fremap.js';
import { do_mremap_path } from '../../kernel/mremap.js';
import { flagSet, keyValue, oneOf, protLetters, shorten, tag, uint, type FlagNames } from '../values.js';
import type { Inode } from '../../kernel/filemap.js';
import type { Process } from '../../model/machine.js';
import type { MmoOp } from '../parse.js';
import type { Runner } from '../run.js';

/** Pages left unmapped on each side of a region mmap places without slot=: successive regions never touch, so never merge. */
export const REGION_GUARD_PAGES = 1;

const MMAP_FLAGS: FlagNames = new Map([
  ['private', 1],
  ['shared', 2],
  ['anon', 4],
  ['populate', 8],
  ['noreserve', 16],
]);

const MREMAP_FLAGS: FlagNames = new Map([
  ['maymove', 1],
  ['fixed', 2],
  ['dontunmap', 4],
]);

/** remap_file_pages(2) flags by name: only MAP_NONBLOCK means anything there (mm/fremap.c 2.6.21; mm/mmap.c 6.18 keeps flags & MAP_NONBLOCK) */
const REMAP_FLAGS: FlagNames = new Map([['nonblock', MAP_NONBLOCK]]);

/** PROT FLAGS [slot=N] [file=F] [pgoff=N] of an mmap line: what the mapping is, read the same for mmap and mmap_fixed */
interface Mapping {
  readonly protText: string;
  readonly prot: { read: boolean; write: boolean; exec: boolean };
  readonly flags: string[];
  /** slot=N, for mmap (-1 without one, and for mmap_fixed) */
  readonly slot: number;
  readonly inode: Inode | undefined;
  readonly pgoff: bigint;
}

function mapping(ctx: Runner, op: MmoOp, protWord: number, withSlot: boolean): Mapping {
  const flagsWord = protWord + 1;
  const protText = op.words[protWord]!;
  const prot = ctx.val(op, protWord, (t) => protLetters(t));
  const flags = ctx.val(op, flagsWord, (t) => flagSet(t, MMAP_FLAGS, 'mmap flag')).names;
  if (flags.includes('private') === flags.includes('shared')) ctx.bad(op, flagsWord, "mmap needs exactly one of 'private' and 'shared'");
  let slotWord = -1;
  let fileWord = -1;
  let pgoffWord = -1;
  const valid = withSlot ? 'slot=N, file=F or pgoff=N' : 'file=F or pgoff=N';
  for (let w = flagsWord + 1; w < op.words.length; w++) {
    const word = op.words[w]!;
    if (withSlot && word.startsWith('slot=') && slotWord < 0) slotWord = w;
    else if (word.startsWith('file=') && fileWord < 0) fileWord = w;
    else if (word.startsWith('pgoff=') && pgoffWord < 0) pgoffWord = w;
    else ctx.bad(op, w, `${op.op} option '${shorten(word)}' is not ${valid} (each at most once)`);
  }
  // no slot=: the region goes where get_unmapped_area puts it (mmapOp)
  const slot = slotWord >= 0 ? ctx.slot(op, slotWord, 'slot') : -1;
  const inode = fileWord >= 0 ? ctx.fileArg(op, fileWord, op.words[fileWord]!.slice(5)) : undefined;
  if (!inode && !flags.includes('anon')) ctx.bad(op, flagsWord, "a mapping is either 'anon' or has file=F");
  // the mapping's file offset in pages: vm_pgoff, an unsigned long (include/linux/mm_types.h)
  const pgoff = pgoffWord >= 0 ? ctx.val(op, pgoffWord, (t) => uint(keyValue(t, 'pgoff') ?? t, ctx.wordBits, 'pgoff', `a ${ctx.wordBits}-bit unsigned long`)) : 0n;
  return { protText, prot, flags, slot, inode, pgoff };
}

/** A mapping's arguments as a step echoes them. */
function mappingArgs(x: Mapping): Record<string, unknown> {
  const base = { prot: x.protText, flags: x.flags };
  return x.inode ? { ...base, file: x.inode.name, pgoff: x.pgoff <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x.pgoff) : x.pgoff.toString() } : base;
}

/** do_mmap of a mapping at a fixed place (MAP_FIXED) */
function mapAt(ctx: Runner, p: Process, x: Mapping, start: number, pages: number): void {
  do_mmap(ctx.m, p.mm, {
    start,
    pages,
    prot: x.prot,
    shared: x.flags.includes('shared'),
    populate: x.flags.includes('populate'),
    noreserve: x.flags.includes('noreserve'),
    ...(x.inode ? { inode: x.inode, pgoff: x.pgoff } : {}),
  });
}

export const mmapOp: OpSpec = {
  name: 'mmap',
  arity: [4, 7],
  doc: {
    family: 'space',
    usage: 'R NPAGES PROT FLAGS [slot=N] [file=F] [pgoff=N]',
    text: 'mmap(2) of NPAGES pages, named R for the ops after it (do_mmap). PROT is three letters `rwx` with `-` for a bit off (`rw-`, `r-x`, `---`). FLAGS is a comma list with exactly one of `private` and `shared`, plus `anon` (no file), `populate` (MAP_POPULATE) and `noreserve` (MAP_NORESERVE: no VM_ACCOUNT charge; 6.18 marks the VMA VM_NORESERVE, smaps `nr`); a mapping without `anon` needs `file=F` (a file made by `file`), mapped from page `pgoff=N` (default 0, an unsigned long). `slot=N` places R with MAP_FIXED at slot N of the slot arena (slots are 64 MiB apart, so slotted regions never touch); without it R goes where the kernel\'s get_unmapped_area puts it, kept a page away from every other mapping (see [where regions go](#where-regions-go)). An R mapped again names the new mapping; the old one stays mapped, unnamed.',
    example: 'mmap C 2 rw- private,anon',
  },
  run(ctx, op, p) {
    const name = ctx.val(op, 0, (t) => tag(t, 'region name'));
    const pages = ctx.regionPages(op, 1, ctx.count(op, 1));
    const x = mapping(ctx, op, 2, true);
    const slot = x.slot;
    const { prot, flags, ...file } = mappingArgs(x);
    const args = ctx.note({ r: name, pages, prot, flags, ...file, ...(slot >= 0 ? { slot } : {}) });
    // slot=N: MAP_FIXED in the slot arena (the recorder's placement); none: where the kernel's get_unmapped_area
    // puts it, with a page kept free each side so regions never merge (docs/mmo.md "Where regions go")
    const start =
      slot >= 0
        ? ctx.arena + slot * ctx.slotPages
        : get_unmapped_area(ctx.m, p.mm, { pages, shared: x.flags.includes('shared'), guard: REGION_GUARD_PAGES, ...(x.inode ? { inode: x.inode, pgoff: Number(x.pgoff) } : {}) });
    ctx.regions.set(name, { name, start, pages });
    mapAt(ctx, p, x, start, pages);
    return { args, ret: ok() };
  },
};

/**
 * R PAGE NPAGES PROT FLAGS [file=F] [pgoff=N] (simulator only): mmap(2) with
 * MAP_FIXED at page PAGE of region R — whatever was mapped there goes, as
 * munmap does. R keeps its name and start, and grows to cover the mapping
 * if it ends past R's end. The kernel's refusals are do_mmap's (a zero
 * length -EINVAL, 6.18 mm/mmap.c 347; beyond TASK_SIZE -ENOMEM,
 * __get_unmapped_area 857–858; a file offset that wraps -EOVERFLOW).
 */
export const mmap_fixedOp: OpSpec = {
  name: 'mmap_fixed',
  arity: [5, 7],
  doc: {
    family: 'space',
    usage: 'R PAGE NPAGES PROT FLAGS [file=F] [pgoff=N]',
    text: 'mmap(2) with MAP_FIXED at page PAGE of region R: whatever was mapped there goes, as munmap does. R keeps its name and start, and grows to cover the mapping when it ends past R\'s end. PROT and FLAGS as for `mmap`. The kernel\'s refusals are do_mmap\'s: NPAGES 0 is EINVAL, beyond TASK_SIZE ENOMEM, a file offset that wraps EOVERFLOW.',
    example: 'mmap_fixed A 1 2 r-- private,anon',
    simulatorOnly: true,
  },
  run(ctx, op, p) {
    const r = ctx.region(op, 0);
    const page = ctx.page(op, 1);
    const pages = ctx.count(op, 2);
    const x = mapping(ctx, op, 3, false);
    if (page + pages > r.pages) ctx.regionPages(op, 2, page + pages);
    const args = ctx.note({ r: r.name, page, pages, ...mappingArgs(x) });
    mapAt(ctx, p, x, r.start + page, pages);
    if (page + pages > r.pages) ctx.regions.set(r.name, { ...r, pages: page + pages });
    return { args, ret: ok() };
  },
};

export const munmapOp: OpSpec = {
  name: 'munmap',
  arity: [3, 3],
  doc: {
    family: 'space',
    usage: 'R PAGE NPAGES',
    text: 'munmap(2) of NPAGES pages from page PAGE of R (do_munmap). The region keeps its name: later ops on it meet an unmapped range (SIGSEGV on access).',
    example: 'munmap A 3 1',
  },
  run(ctx, op, p) {
    const m = ctx.m;
    const r = ctx.region(op, 0);
    const page = ctx.page(op, 1);
    const npages = ctx.count(op, 2);
    const args = ctx.note({ r: r.name, page, npages });
    do_munmap(m, p.mm, r.start + page, npages);
    return { args, ret: ok() };
  },
};

export const mprotectOp: OpSpec = {
  name: 'mprotect',
  arity: [4, 4],
  doc: {
    family: 'space',
    usage: 'R PAGE NPAGES PROT',
    text: 'mprotect(2) of NPAGES pages from page PAGE of R to PROT (`rw-` …), splitting VMAs as the kernel does (mprotect_fixup).',
    example: 'mprotect A 0 2 r--',
  },
  run(ctx, op, p) {
    const m = ctx.m;
    const r = ctx.region(op, 0);
    const page = ctx.page(op, 1);
    const npages = ctx.count(op, 2);
    const prot = ctx.val(op, 3, (t) => protLetters(t));
    const args = ctx.note({ r: r.name, page, npages, prot: op.words[3] });
    do_mprotect(m, p.mm, r.start + page, npages, prot);
    return { args, ret: ok() };
  },
};

export const madviseOp: OpSpec = {
  name: 'madvise',
  arity: [4, 4],
  doc: {
    family: 'space',
    usage: 'R PAGE NPAGES ADVICE',
    text: 'madvise(2) of NPAGES pages from page PAGE of R. ADVICE is the `MADV_` name without the prefix: DONTNEED, FREE, PAGEOUT, COLD, WILLNEED, REMOVE, DONTFORK, DOFORK, WIPEONFORK, KEEPONFORK, POPULATE_READ, POPULATE_WRITE, HUGEPAGE, NOHUGEPAGE, GUARD_INSTALL, GUARD_REMOVE, MERGEABLE, UNMERGEABLE, COLLAPSE. Advice newer than the era is EINVAL, as the kernel answers an unknown advice (FREE came in 4.5, PAGEOUT and COLD in 5.4, HUGEPAGE in 2.6.38 …).',
    example: 'madvise A 0 4 DONTNEED',
  },
  *path(ctx, op, p) {
    const m = ctx.m;
    const r = ctx.region(op, 0);
    const page = ctx.page(op, 1);
    const npages = ctx.count(op, 2);
    const advice = ctx.val(op, 3, (t) => oneOf(t, ADVICE, 'advice'));
    const args = ctx.note({ r: r.name, page, npages, advice });
    yield* do_madvise_path(m, p.mm, r.start + page, npages, advice as Advice);
    return { args, ret: ok() };
  },
};

/**
 * mremap R OLD NEW FLAGS [NEWR NEWSLOT], as the oracle runs it (script.c,
 * oracle.c op_mremap): `fixed` is MREMAP_FIXED|MREMAP_MAYMOVE, and the
 * step echoes the flags as the bits they set (maymove, fixed, dontunmap).
 * NEWSLOT is the new_addr only under `fixed` (otherwise glibc passes
 * NULL). On success NEWR names the mapping at the returned address; the
 * old name is dropped after this step's observation when all of R moved
 * away (not under dontunmap); without NEWR, R follows the mapping. A
 * failed call changes no names.
 */
export const mremapOp: OpSpec = {
  name: 'mremap',
  arity: [4, 6],
  doc: {
    family: 'space',
    usage: 'R OLD NEW FLAGS [NEWR [NEWSLOT]]',
    text: 'mremap(2) of region R from OLD to NEW pages. FLAGS: `none` or a comma list of `maymove`, `fixed` (MREMAP_FIXED|MREMAP_MAYMOVE) and `dontunmap`; the step echoes them as the bits they set. NEWSLOT is the new address (a slot, as `mmap slot=`) and is used only under `fixed`, which needs NEWR and NEWSLOT. On success NEWR names the mapping at the returned address and R is forgotten after this step\'s observation when all of it moved away (not under `dontunmap`); without NEWR, R follows the mapping. A failed call renames nothing. `ret.moved` says whether the mapping moved.',
    example: 'mremap A 4 6 maymove',
  },
  *path(ctx, op, p) {
    const m = ctx.m;
    const r = ctx.region(op, 0);
    const oldPages = ctx.count(op, 1, 'old page count');
    const newPages = ctx.regionPages(op, 2, ctx.count(op, 2, 'new page count'));
    const given = ctx.val(op, 3, (t) => flagSet(t, MREMAP_FLAGS, 'mremap flag')).names;
    const fixed = given.includes('fixed');
    const maymove = fixed || given.includes('maymove');
    const dontunmap = given.includes('dontunmap');
    const newName = op.words[4] !== undefined ? ctx.val(op, 4, (t) => tag(t, 'region name')) : undefined;
    const newSlot = op.words[5] !== undefined ? ctx.slot(op, 5, 'slot') : undefined;
    if (fixed && (newName === undefined || newSlot === undefined)) ctx.bad(op, 3, 'a fixed mremap needs NEWR and NEWSLOT');
    const newStart = newSlot !== undefined ? ctx.arena + newSlot * ctx.slotPages : undefined;
    const flags = [...(maymove ? ['maymove'] : []), ...(fixed ? ['fixed'] : []), ...(dontunmap ? ['dontunmap'] : [])];
    const args: Record<string, unknown> = ctx.note({ r: r.name, old_pages: oldPages, new_pages: newPages, flags });
    if (newName !== undefined) Object.assign(args, { new_r: newName, new_slot: newSlot });
    const res = yield* do_mremap_path(m, p.mm, { start: r.start, oldPages, newPages, maymove, fixed, dontunmap, ...(fixed && newStart !== undefined ? { newStart } : {}) });
    if (newName !== undefined && newName !== r.name) {
      ctx.regions.set(newName, { name: newName, start: res.start, pages: newPages });
      // the oracle still shows the old region in this step's observation, then drops it
      if (!dontunmap && oldPages >= r.pages) ctx.retire.push(r.name);
    } else {
      ctx.regions.set(r.name, { ...r, start: res.start, pages: newPages });
    }
    return { args, ret: { ok: true, moved: res.moved } };
  },
};

/**
 * R PAGE OLD NEW FLAGS [NEWR NEWPAGE] (simulator only): mremap(2) of OLD
 * pages at page PAGE of region R to NEW pages; with `fixed`, to page
 * NEWPAGE of region NEWR (a name the script has given: mmap it first). The
 * regions keep their names and starts: a range moved away leaves R's pages
 * unmapped, and a region grows to cover what ends past it (NEWR the new
 * range, R one grown in place). A move the kernel places itself (maymove
 * without fixed) lands where no region names it. The kernel's refusals are
 * do_mremap's (6.18 mm/mremap.c check_mremap_params 1752–1800: NEW 0, a
 * fixed range beyond TASK_SIZE or overlapping the old one, fixed without
 * maymove, dontunmap resizing -EINVAL; an old range that is not one
 * mapping -EFAULT; no room to grow -ENOMEM).
 */
export const mremap_partOp: OpSpec = {
  name: 'mremap_part',
  arity: [5, 7],
  doc: {
    family: 'space',
    usage: 'R PAGE OLD NEW FLAGS [NEWR NEWPAGE]',
    text: 'mremap(2) of OLD pages at page PAGE of region R to NEW pages; FLAGS as for `mremap` (`fixed` is MREMAP_FIXED|MREMAP_MAYMOVE, echoed as the bits set); with `fixed`, to page NEWPAGE of region NEWR (a name the script has mapped). Regions keep their names and starts: a range moved away leaves R\'s pages unmapped, and a region grows to cover what ends past it. A move the kernel places itself (`maymove` without `fixed`) lands where no region names it. Refusals are do_mremap\'s (NEW 0, a fixed range overlapping the old one: EINVAL; an old range that is not one mapping: EFAULT; no room to grow: ENOMEM).',
    example: 'mremap_part B 2 2 2 maymove',
    simulatorOnly: true,
  },
  *path(ctx, op, p) {
    const r = ctx.region(op, 0);
    const page = ctx.page(op, 1);
    const oldPages = ctx.count(op, 2, 'old page count');
    const newPages = ctx.count(op, 3, 'new page count');
    const flagWords = ctx.val(op, 4, (t) => flagSet(t, MREMAP_FLAGS, 'mremap flag')).names;
    const fixed = flagWords.includes('fixed');
    if (fixed !== (op.words[5] !== undefined)) ctx.bad(op, fixed ? 4 : 5, fixed ? 'a fixed mremap_part needs NEWR NEWPAGE' : 'only a fixed mremap_part names NEWR NEWPAGE');
    if (fixed && op.words[6] === undefined) ctx.bad(op, 5, 'a fixed mremap_part needs NEWPAGE after NEWR');
    const dest = fixed ? ctx.region(op, 5) : undefined;
    const newPage = fixed ? ctx.page(op, 6, 'new page') : 0;
    const grows = (region: { pages: number }, from: number) => from + newPages > region.pages;
    if (dest && grows(dest, newPage)) ctx.regionPages(op, 3, newPage + newPages);
    else if (!dest && grows(r, page)) ctx.regionPages(op, 3, page + newPages);
    // the flag words as the recorder reads them (csrc/ops_map.c, shared with mremap): `fixed` is MREMAP_FIXED|MREMAP_MAYMOVE, echoed as the bits set
    const maymove = fixed || flagWords.includes('maymove');
    const dontunmap = flagWords.includes('dontunmap');
    const flags = [...(maymove ? ['maymove'] : []), ...(fixed ? ['fixed'] : []), ...(dontunmap ? ['dontunmap'] : [])];
    const args: Record<string, unknown> = ctx.note({ r: r.name, page, old_pages: oldPages, new_pages: newPages, flags, ...(dest ? { new_r: dest.name, new_page: newPage } : {}) });
    const res = yield* do_mremap_path(ctx.m, p.mm, {
      start: r.start + page,
      oldPages,
      newPages,
      maymove,
      fixed,
      dontunmap,
      ...(dest ? { newStart: dest.start + newPage } : {}),
    });
    if (dest && grows(dest, newPage)) ctx.regions.set(dest.name, { ...dest, pages: newPage + newPages });
    else if (!res.moved && grows(r, page)) ctx.regions.set(r.name, { ...r, pages: page + newPages });
    return { args, ret: { ok: true, moved: res.moved } };
  },
};

export const remap_file_pagesOp: OpSpec = {
  name: 'remap_file_pages',
  arity: [4, 8],
  doc: {
    family: 'space',
    usage: 'R PAGE NPAGES PGOFF [nonblock] [prot=P] [flags=N] [byteoff=N]',
    text: 'remap_file_pages(2) of NPAGES pages from page PAGE of the shared file mapping R to file page PGOFF (an unsigned long, or `ULONG_MAX`). In 2.6.21 this writes nonlinear file ptes (sys_remap_file_pages, mm/fremap.c); 6.18 emulates it by splitting the VMA and mapping the range at the new offset. `prot=` must be 0 (`---` or a number: else EINVAL); `flags=` is a number or `nonblock` (MAP_NONBLOCK: nothing is faulted in, 2.6.21); `nonblock` alone is the same; `byteoff=` is accepted and ignored (a recording\'s note).',
    example: 'remap_file_pages B 0 1 3',
  },
  run(ctx, op, p) {
    const m = ctx.m;
    const PAGE_SIZE = ctx.m.variant.constants.PAGE_SIZE;
    const r = ctx.region(op, 0);
    const page = ctx.page(op, 1);
    const npages = ctx.count(op, 2);
    const pgoffText = op.words[3]!;
    // pgoff: an unsigned long (mm/fremap.c sys_remap_file_pages); ULONG_MAX by name
    const pgoff = pgoffText === 'ULONG_MAX' ? (1n << BigInt(ctx.wordBits)) - 1n : ctx.val(op, 3, (t) => uint(t, ctx.wordBits, 'pgoff', `a ${ctx.wordBits}-bit unsigned long`));
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
        const f = ctx.val(op, w, () => flagSet(flagsText, REMAP_FLAGS, 'remap_file_pages flags', ctx.wordBits));
        flags = f.bits;
        flagsShown = f.names.length ? f.bits : /^0x/i.test(flagsText) ? flagsText : Number(flagsText);
      } else if (protText !== undefined) {
        // prot: an unsigned long that must be 0 (---), as letters or a number
        protValue = /^[r-][w-][x-]$/.test(protText) ? (protText === '---' ? 0n : 1n) : ctx.val(op, w, () => uint(protText, ctx.wordBits, 'prot', `letters like r-- or a ${ctx.wordBits}-bit unsigned long`));
        prot = protText;
      } else if (keyValue(word, 'byteoff') === undefined) ctx.bad(op, w, `unknown remap_file_pages option '${shorten(word)}'; valid: nonblock, prot=, flags=, byteoff=`);
    }
    const args = ctx.note({ r: r.name, page, size: npages * PAGE_SIZE, npages, prot, pgoff: pgoffText === 'ULONG_MAX' ? 'ULONG_MAX' : Number.isSafeInteger(Number(pgoff)) ? Number(pgoff) : pgoff.toString(), flags: flagsShown });
    sys_remap_file_pages(m, p.mm, { start: r.start + page, pages: npages, prot: protValue === 0n ? 0 : 1, pgoff, flags });
    return { args, ret: ok() };
  },
};
