/**
 * Random `.mmo` scripts over everything the recorder runs: anon, shmem and
 * file mappings (tmpfs, ext4), fork/exit, mremap in all its forms (grow,
 * shrink, move, fixed, dontunmap, partial, spanning VMAs), mprotect,
 * madvise (every advice, THP included), truncate, punch, pread/pwrite,
 * swapon/swapoff with PAGEOUT, remap_file_pages.
 *
 * fast-check draws a list of raw choices (numbers); `materialize` walks
 * them with a small model of the script's names (regions, files, a live
 * child, swap on or off) and turns each into a line that is valid `.mmo`
 * whatever the kernel answers: a choice an op cannot use here picks the
 * next op that can. So any sublist of choices, and any sublist of lines
 * the shrinker keeps, is still a script (a line naming a region a removed
 * line made is dropped by the shrinker's parse check).
 */
import fc from 'fast-check';

/** One raw choice: which op (by weight), and four numbers it shapes its words from. */
export interface Choice {
  readonly op: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

export const choiceArb: fc.Arbitrary<Choice> = fc.record({ op: fc.nat(9999), a: fc.nat(0xffff), b: fc.nat(0xffff), c: fc.nat(0xffff), d: fc.nat(0xffff) });

/** A script of 10 … 40 ops (issue 12: scripts of 10–40 ops). */
export const MIN_OPS = 10;
export const MAX_OPS = 40;
export const scriptChoicesArb: fc.Arbitrary<Choice[]> = fc.array(choiceArb, { minLength: MIN_OPS, maxLength: MAX_OPS });

/** every advice the recorder passes to madvise(2) (docs/mmo.md `madvise`) */
export const ADVICE = [
  'DONTNEED', 'FREE', 'PAGEOUT', 'COLD', 'WILLNEED', 'REMOVE', 'DONTFORK', 'DOFORK', 'WIPEONFORK', 'KEEPONFORK',
  'POPULATE_READ', 'POPULATE_WRITE', 'HUGEPAGE', 'NOHUGEPAGE', 'GUARD_INSTALL', 'GUARD_REMOVE', 'MERGEABLE', 'UNMERGEABLE', 'COLLAPSE',
] as const;

const PROTS = ['rw-', 'rw-', 'rw-', 'r--', '---', 'r-x'] as const;
const FS = ['tmpfs', 'ext4'] as const;

/**
 * Named exclusions: kernel behaviour the generator leaves out on purpose,
 * each with its reason. Counted and printed by every campaign, so a gap
 * is never hidden. (Empty: nothing is excluded today.)
 */
export const EXCLUSIONS: readonly { readonly name: string; readonly why: string }[] = [
  {
    name: 'child-after-new-region',
    why: "no @child op once the parent mapped, mremapped or mremap_part'ed a region after the fork: the recorder keeps each process's own regions (a child's R stays where the fork left it), the simulator's runner one table of names for both (packages/mm/src/script/run.ts) — a script-runner gap, not the kernel's",
  },
  {
    name: 'child-exit-at-end',
    why: 'a live child is ended by an explicit `@child exit` line: the recorder writes an exit step for a child still alive at the end, the simulator writes none',
  },
];

/**
 * Caps that keep a script within what the recorder holds (16 regions, 8
 * files; docs/record.md Known limits) and its slots apart: a region and
 * what it grows to stay under 8192 pages, the recorder's slot distance.
 */
const MAX_REGIONS = 12;
const MAX_FILES = 6;
const MAX_SLOTS = 24;

interface Region {
  readonly name: string;
  /** pages as mapped (mremap may change the real size: indices past it are allowed, the kernel answers) */
  pages: number;
  readonly kind: 'anon' | 'shmem' | 'file';
  readonly shared: boolean;
  readonly file?: string;
  /** moved by the kernel to an address it chose: what lies around it is the host's, so only its own pages are touched */
  placed?: boolean;
  /** mapped before the live child was forked: the child has it */
  inChild?: boolean;
}

interface State {
  regions: Region[];
  files: { name: string; pages: number }[];
  slots: number;
  names: number;
  child: boolean;
  forked: boolean;
  swap: boolean;
  thp: boolean;
  /** the parent mapped a region since the fork (exclusion child-after-new-region) */
  childStale: boolean;
  excluded: Record<string, number>;
}

/** Op names the generator uses (for coverage counts): a line's first word, `@child` included. */
export type Emitted = { readonly line: string; readonly kind: string };

const pick = <T>(xs: readonly T[], n: number): T => xs[n % xs.length]!;
const small = (n: number, max: number) => 1 + (n % max);

/** a region size: mostly a few pages, sometimes tens, rarely a few hundred */
function regionPages(n: number): number {
  const r = n % 16;
  if (r < 10) return 1 + (n >> 4) % 8;
  if (r < 15) return 8 + (n >> 4) % 56;
  return 64 + (n >> 4) % 237;
}

/** a page range inside (mostly) region r: [page, npages] */
function range(r: Region, a: number, b: number): [number, number] {
  if (r.placed) {
    const p = a % r.pages;
    return [p, 1 + (b % (r.pages - p))];
  }
  const page = a % (r.pages + 1 - (a & 0x100 ? 0 : 1)); // now and then one past the end
  const n = 1 + (b % Math.max(1, r.pages - Math.min(page, r.pages - 1)));
  return [page, b & 0x1000 ? n + 1 : n];
}

function nextName(s: State): string {
  const i = s.names++;
  return i < 26 ? String.fromCharCode(65 + i) : `R${i}`;
}

type Gen = { readonly name: string; readonly weight: number; readonly can: (s: State) => boolean; readonly emit: (s: State, c: Choice) => Emitted[] };

const live = (s: State) => s.regions.length > 0;
/** '@child ' when the child is to act on r (it has r only when r was mapped before the fork) */
function childOn(s: State, r: Region, n: number): '' | '@child ' {
  if (!(s.child && r.inChild && n === 0)) return '';
  if (s.childStale) {
    s.excluded['child-after-new-region'] = (s.excluded['child-after-new-region'] ?? 0) + 1;
    return '';
  }
  return '@child ';
}
/** a page of r: inside it when the kernel placed it, else now and then one past its end */
const pageOf = (r: Region, n: number) => (r.placed ? n % r.pages : n % (r.pages + (n & 0x800 ? 1 : 0)));
const sharedFileRegions = (s: State) => s.regions.filter((r) => r.kind === 'file' && r.shared);
const one = (line: string, kind: string): Emitted[] => [{ line, kind }];

/** The op table: one generator an op family, with its weight. */
const GENS: readonly Gen[] = [
  {
    name: 'file',
    weight: 4,
    can: (s) => s.files.length < MAX_FILES,
    emit(s, c) {
      const name = `F${s.files.length}`;
      const pages = small(c.a, 16);
      s.files.push({ name, pages });
      return one(`file ${name} ${pick(FS, c.b)} ${pages} ${name}_`, 'file');
    },
  },
  {
    name: 'mmap',
    weight: 10,
    can: (s) => s.regions.length < MAX_REGIONS && s.slots < MAX_SLOTS,
    emit(s, c) {
      const name = nextName(s);
      const slot = s.slots++;
      const kindN = c.b % 8;
      const kind: Region['kind'] = s.files.length > 0 && kindN >= 5 ? 'file' : kindN === 4 ? 'shmem' : 'anon';
      // now and then a huge-page-sized private anon region (512 pages at 4 KiB), for THP
      const huge = kind === 'anon' && !s.thp && c.c % 12 === 0;
      const pages = huge ? 512 : regionPages(c.a);
      const shared = kind === 'shmem' || (kind === 'file' && (c.c & 1) === 0);
      const prot = huge ? 'rw-' : pick(PROTS, c.d);
      const populate = (c.d >> 8) % 8 === 0 ? ',populate' : '';
      let words: string;
      let file: string | undefined;
      if (kind === 'file') {
        const f = pick(s.files, c.c >> 1);
        file = f.name;
        const pgoff = (c.d >> 4) % 4 === 0 ? (c.d >> 6) % Math.max(1, f.pages) : 0;
        words = `${shared ? 'shared' : 'private'}${populate} file=${f.name}${pgoff ? ` pgoff=${pgoff}` : ''}`;
      } else words = `${shared ? 'shared' : 'private'},anon${populate}`;
      if (huge) s.thp = true;
      if (s.child) s.childStale = true;
      s.regions.push({ name, pages, kind, shared, ...(file ? { file } : {}) });
      const [flags, ...opts] = words.split(' ');
      return one(`mmap ${name} ${pages} ${prot} ${flags} slot=${slot}${opts.length ? ` ${opts.join(' ')}` : ''}`, `mmap ${kind}${shared ? ' shared' : ''}${huge ? ' thp' : ''}`);
    },
  },
  {
    name: 'touch',
    weight: 22,
    can: live,
    emit(s, c) {
      const r = pick(s.regions, c.a);
      const page = pageOf(r, c.b);
      const who = childOn(s, r, c.d % 4);
      if (c.c % 3 === 0) return one(`${who}read ${r.name} ${page}`, `${who}read`);
      if (c.c % 11 === 1 && r.pages <= 64) return one(`${who}write_all ${r.name} W${c.d % 10}_`, `${who}write_all`);
      return one(`${who}write ${r.name} ${page} ${r.name}${page}_${c.d % 100}`, `${who}write`);
    },
  },
  {
    name: 'munmap',
    weight: 3,
    can: live,
    emit(s, c) {
      const r = pick(s.regions, c.a);
      const [page, n] = range(r, c.b, c.c);
      const who = childOn(s, r, c.d % 4);
      return one(`${who}munmap ${r.name} ${page} ${n}`, `${who}munmap`);
    },
  },
  {
    name: 'mprotect',
    weight: 5,
    can: live,
    emit(s, c) {
      const r = pick(s.regions, c.a);
      const [page, n] = range(r, c.b, c.c);
      const who = childOn(s, r, c.d % 5);
      return one(`${who}mprotect ${r.name} ${page} ${n} ${pick(PROTS, c.d >> 3)}`, `${who}mprotect`);
    },
  },
  {
    name: 'madvise',
    weight: 12,
    can: live,
    emit(s, c) {
      const r = pick(s.regions, c.a);
      const advice = pick(ADVICE, c.d);
      // THP advice goes to the huge region when there is one, half of the time
      const huge = s.regions.find((x) => x.pages === 512);
      const target = (advice === 'HUGEPAGE' || advice === 'COLLAPSE') && huge && c.c & 1 ? huge : r;
      const [page, n] = c.b % 3 === 0 ? [0, target.pages] : range(target, c.b, c.c);
      const who = childOn(s, target, (c.d >> 5) % 4);
      return one(`${who}madvise ${target.name} ${page} ${n} ${advice}`, `madvise ${advice}`);
    },
  },
  {
    name: 'mremap',
    weight: 8,
    can: live,
    emit(s, c) {
      const r = pick(s.regions, c.a);
      if (s.child) s.childStale = true; // the parent's R moves or resizes; the child's does not (child-after-new-region)
      // a region the kernel placed has the host's own mappings around it: nothing may grow past its end there
      const form = r.placed ? pick([1, 3, 4, 5, 6, 7], c.b) : c.b % 8;
      const old = c.c % 4 === 0 ? small(c.c >> 2, r.pages) : r.pages;
      const grow = Math.min(300, old + small(c.d, 16));
      const shrink = Math.max(1, old - small(c.d, Math.max(1, old)));
      const follows = (pages: number, placed: boolean) => {
        r.pages = Math.min(r.pages, pages);
        if (placed) r.placed = true;
        // the script's names are shared, the recorder's regions are each process's: once R moves, the child's R is elsewhere
        r.inChild = false;
      };
      switch (form) {
        case 0: // grow in place, or ENOMEM
          return one(`mremap ${r.name} ${old} ${grow} none`, 'mremap grow');
        case 1: // shrink (never moves)
          follows(shrink, false);
          return one(`mremap ${r.name} ${old} ${shrink} none`, 'mremap shrink');
        case 2: // grow, moving if need be: R follows the mapping, wherever the kernel put it
          follows(grow, true);
          return one(`mremap ${r.name} ${old} ${grow} maymove`, 'mremap maymove');
        case 3: // dontunmap: old == new; always moves (6.18), R follows to the kernel's address
          follows(old, true);
          return one(`mremap ${r.name} ${old} ${old} maymove,dontunmap`, 'mremap dontunmap');
        case 4: { // a part of the region moved elsewhere by the kernel, or grown/shrunk in place
          const [page, n] = range(r, c.c, c.d);
          const to = (c.d >> 8) % 3 === 0 ? Math.max(1, n - 1) : r.placed ? n : n + (c.d >> 10) % 4;
          return one(`mremap_part ${r.name} ${page} ${n} ${to} ${(c.d >> 12) % 2 ? 'maymove' : 'none'}`, 'mremap_part');
        }
        default: { // fixed (and fixed,dontunmap) onto a page of another region, or of the same one
          const dst = pick(s.regions, c.b >> 3);
          const [page, n] = c.c % 3 === 0 && !r.placed ? [0, r.pages] : range(r, c.c, c.d);
          let to = (c.d >> 9) % 4 === 0 ? n + 1 : n;
          let dstPage = (c.d >> 11) % Math.max(1, dst.pages);
          if (dst.placed) {
            // stay inside a placed destination: MAP_FIXED past it would replace the host's own mappings
            to = Math.min(to, dst.pages);
            dstPage = Math.min(dstPage, dst.pages - to);
          }
          const flags = (c.b >> 6) % 4 === 0 && !(dst.placed && n > dst.pages) ? 'fixed,dontunmap' : 'fixed';
          r.inChild = false;
          dst.inChild = false;
          return one(`mremap_part ${r.name} ${page} ${n} ${flags === 'fixed' ? to : n} ${flags} ${dst.name} ${dstPage}`, `mremap_part ${flags}`);
        }
      }
    },
  },
  {
    name: 'fork',
    weight: 4,
    can: (s) => !s.child && live(s),
    emit(s) {
      for (const r of s.regions) r.inChild = true;
      s.child = true;
      s.forked = true;
      return one('fork', 'fork');
    },
  },
  {
    name: 'child exit',
    weight: 3,
    can: (s) => s.child,
    emit(s) {
      for (const r of s.regions) r.inChild = false;
      s.child = false;
      s.childStale = false;
      return one('@child exit', '@child exit');
    },
  },
  {
    name: 'swap',
    weight: 3,
    can: () => true,
    emit(s, c) {
      if (s.swap && live(s) && c.a % 3 !== 0) {
        const r = pick(s.regions, c.b);
        return one(`madvise ${r.name} 0 ${r.pages} PAGEOUT`, 'madvise PAGEOUT');
      }
      if (s.swap) {
        s.swap = false;
        return one('swapoff', 'swapoff');
      }
      s.swap = true;
      return one(`swapon ${c.b % 5 === 0 ? 'zram' : 'file'} ${64 + (c.c % 4) * 64}`, 'swapon');
    },
  },
  {
    name: 'file io',
    weight: 7,
    can: (s) => s.files.length > 0,
    emit(s, c) {
      const f = pick(s.files, c.a);
      const page = c.b % (f.pages + 2);
      switch (c.c % 6) {
        case 0:
          return one(`ftruncate ${f.name} ${c.d % 5 === 0 ? String(c.d % 8192) : `${c.d % (f.pages + 3)}p`}`, 'ftruncate');
        case 1:
          return one(`punch ${f.name} ${page} ${small(c.d, 4)}`, 'punch');
        case 2:
        case 3:
          return one(`pwrite ${f.name} ${page} ${f.name}w${c.d % 100}`, 'pwrite');
        case 4:
          return one(`pread ${f.name} ${page}`, 'pread');
        default:
          return one(`fadvise_dontneed ${f.name}`, 'fadvise_dontneed');
      }
    },
  },
  {
    name: 'remap_file_pages',
    weight: 2,
    can: (s) => sharedFileRegions(s).length > 0,
    emit(s, c) {
      const r = pick(sharedFileRegions(s), c.a);
      const [page, n] = range(r, c.b, c.c);
      return one(`remap_file_pages ${r.name} ${page} ${n} ${c.d % 12}`, 'remap_file_pages');
    },
  },
];

const TOTAL = GENS.reduce((n, g) => n + g.weight, 0);

/** The op a choice asks for: by weight, then the next in the table that can run here. */
function genFor(s: State, c: Choice): Gen | undefined {
  let w = c.op % TOTAL;
  let i = 0;
  while (w >= GENS[i]!.weight) w -= GENS[i++]!.weight;
  for (let k = 0; k < GENS.length; k++) {
    const g = GENS[(i + k) % GENS.length]!;
    if (g.can(s)) return g;
  }
  return undefined;
}

/** The script's lines for a list of choices; the first op maps a region when none is yet. */
export function materialize(choices: readonly Choice[], name = 'fuzz'): { text: string; lines: Emitted[]; excluded: Record<string, number> } {
  const s: State = { regions: [], files: [], slots: 0, names: 0, child: false, forked: false, swap: false, thp: false, childStale: false, excluded: {} };
  const lines: Emitted[] = [];
  for (const c of choices) {
    const g = s.regions.length === 0 && c.op % 3 !== 0 ? GENS.find((x) => x.name === 'mmap')! : genFor(s, c);
    if (g) lines.push(...g.emit(s, c));
  }
  if (s.child) {
    s.excluded['child-exit-at-end'] = (s.excluded['child-exit-at-end'] ?? 0) + 1;
    lines.push({ line: '@child exit', kind: '@child exit' });
  }
  return { text: scriptText(name, lines.map((l) => l.line)), lines, excluded: s.excluded };
}

/** A script's text: its scenario line, then one op a line. */
export function scriptText(name: string, lines: readonly string[]): string {
  return `scenario ${name} a random script (mmsim-test fuzz)\n${lines.join('\n')}\n`;
}

/** The script a seed and index stand for: fast-check's generator, deterministic in (seed, index). */
export function scriptsFor(seed: number, count: number): Choice[][] {
  return fc.sample(scriptChoicesArb, { seed, numRuns: count });
}
