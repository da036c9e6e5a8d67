/**
 * Micro-benchmarks of the generated u32-pair fast path (`variant.fast`) of
 * every built-in variant in both eras:
 *
 *   swap     fast.swp_entry_to_pte, then fast.pte_to_swp_entry on its result
 *   file     fast.pgoff_to_pte, then fast.pte_to_pgoff (2.6.21, nonlinear ptes)
 *   classify fast.classify over a mix of none / present / swap / file ptes
 *   pfn      fast.pfn_pte, then fast.pte_pfn
 *
 * One op is one loop iteration (for swap: one encode plus one decode). Inputs
 * are pre-generated 512-entry typed arrays (one page table), every result is
 * folded into a checksum, and each result is checked once against the BigInt
 * kernel-faithful layer before timing. ns/op is the median of several rounds
 * of ~10M ops, after a warm-up.
 *
 * Usage: pnpm bench [--json FILE] [--ops N] [--rounds N] [--only ID]...
 */
import { writeFileSync } from 'node:fs';
import { arch, cpus, platform, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { compileVariant, fieldWidth, hex, newReg, type Reg, type Variant } from '@mmsim/core';
// The backends are found as the test runner finds them: the installed packages that declare
// `"mmsim": { "backend": ... }` (here: this package's own @mmsim/arch-* dependencies).
import { builtinBackends } from '../../../apps/test-runner/src/backends.js';

const TABLE = 512;
const MASK = TABLE - 1;
/** the goal: swap encode+decode on every variant of every installed backend (issue 11: the new ones included) */
const TARGET_NS = 2.5;

interface Settings {
  ops: number;
  rounds: number;
  warmup: number;
  only: string[];
  benches: string[];
  json?: string;
}

function parseArgs(argv: readonly string[]): Settings {
  const settings: Settings = { ops: 10_000_000, rounds: 7, warmup: 2, only: [], benches: [] };
  const number = (flag: string, text: string | undefined): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0) fail(`${flag} needs a positive whole number, got '${text ?? ''}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    else if (arg === '--json') settings.json = argv[++i] ?? fail('--json needs a file name');
    else if (arg === '--ops') settings.ops = number(arg, argv[++i]);
    else if (arg === '--rounds') settings.rounds = number(arg, argv[++i]);
    else if (arg === '--warmup') settings.warmup = number(arg, argv[++i]);
    else if (arg === '--only') settings.only.push(argv[++i] ?? fail('--only needs a variant id'));
    else if (arg === '--bench') settings.benches.push(argv[++i] ?? fail('--bench needs a name'));
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: pnpm bench [--json FILE] [--ops N (10000000)] [--rounds N (7)] [--warmup N (2)] [--only VARIANT_ID]... [--bench swap|swapWords|file|classify|pfn]...');
      process.exit(0);
    } else fail(`unknown argument '${arg}' (valid: --json FILE, --ops N, --rounds N, --warmup N, --only ID, --bench NAME, --help)`);
  }
  return settings;
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

// ---------- deterministic inputs ----------

let seed = 0x2545f491;
/** xorshift32: a u32 */
function rnd32(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}
const rndBig = (): bigint => (BigInt(rnd32()) << 32n) | BigInt(rnd32());
const rndBelow = (n: number): number => rnd32() % n;
const lo = (v: bigint): number => Number(v & 0xffffffffn);
const hi = (v: bigint): number => Number((v >> 32n) & 0xffffffffn);
const ones = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

interface Pairs {
  hi: Uint32Array;
  lo: Uint32Array;
}
function pairs(values: readonly bigint[]): Pairs {
  return { hi: Uint32Array.from(values, hi), lo: Uint32Array.from(values, lo) };
}

// ---------- timing ----------

/** A timed loop: runs `ops` iterations, returns a checksum of every result. */
type Loop = (ops: number) => number;

interface Timing {
  /** ns per op: median, fastest and slowest round */
  median: number;
  min: number;
  max: number;
  rounds: number[];
  checksum: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function time(loop: Loop, settings: Settings): Timing {
  let checksum = 0;
  // Many very short calls first, so the loop is optimised as a whole function,
  // with feedback at every site, before any call runs long enough for on-stack
  // replacement: OSR code compiled early (calls not yet inlined) stays in use
  // for every later call, a bimodal 3 / 6 ns result from run to run.
  for (let w = 0; w < 3000; w++) checksum = (checksum + loop(64)) | 0;
  for (let w = 0; w < 100; w++) checksum = (checksum + loop(10_000)) | 0;
  for (let w = 0; w < settings.warmup; w++) checksum = (checksum + loop(settings.ops)) | 0;
  const rounds: number[] = [];
  for (let r = 0; r < settings.rounds; r++) {
    const t0 = process.hrtime.bigint();
    const sum = loop(settings.ops);
    const t1 = process.hrtime.bigint();
    checksum = (checksum + sum) | 0;
    rounds.push(Number(t1 - t0) / settings.ops);
  }
  return { median: median(rounds), min: Math.min(...rounds), max: Math.max(...rounds), rounds, checksum };
}

/**
 * Each loop is compiled on its own, with `new Function` over a source that
 * names its variant. Two V8 effects make this necessary (see README.md):
 *
 * - `new Function` results are cached by source text, closures included: one
 *   loop text for every variant would share one feedback vector, its call
 *   sites would go polymorphic, nothing would be inlined, and every variant
 *   after the first would time the dispatch (10–40 ns/op instead of 1–4).
 * - the functions under test come in as closure constants, not as property
 *   loads in the loop's prologue: optimised before those loads had feedback,
 *   the loop deoptimises on entry and keeps running its early OSR code, a
 *   bimodal 1.7 / 4.0 ns result from run to run.
 */
function compileLoop(label: string, bindings: Readonly<Record<string, unknown>>, body: string): Loop {
  const names = Object.keys(bindings);
  const source = `// mmsim bench: ${label}\n"use strict";\nreturn function loop(ops) {\n${body}\n};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function(...names, source) as (...values: unknown[]) => Loop;
  return factory(...names.map((n) => bindings[n]));
}

// ---------- the four benchmarks ----------

interface Bench {
  readonly name: 'swap' | 'swapWords' | 'file' | 'classify' | 'pfn';
  readonly title: string;
  applies(v: Variant): boolean;
  /** build the inputs, check the fast results against the kernel layer, return the loop */
  prepare(v: Variant): Loop;
}

function swapInputs(v: Variant): { types: Uint32Array; off: Pairs } {
  const offsets: bigint[] = [];
  const types = new Uint32Array(TABLE);
  for (let j = 0; j < TABLE; j++) {
    types[j] = rndBelow(v.constants.MAX_SWAPFILES);
    offsets.push(rndBig() & v.constants.maxSwapOffset);
  }
  return { types, off: pairs(offsets) };
}

function mismatch(v: Variant, what: string, input: string, expected: bigint | number, actual: bigint | number, bits: number): never {
  const show = (x: bigint | number) => (typeof x === 'bigint' ? hex(x, bits) : String(x));
  throw new Error(`${v.key} ${what}(${input}): fast path gives ${show(actual)}, kernel layer ${show(expected)}`);
}

const BENCHES: readonly Bench[] = [
  {
    name: 'swap',
    title: 'swap (Reg)',
    applies: () => true,
    prepare(v) {
      const { types, off } = swapInputs(v);
      const k = v.kernel;
      const r = newReg();
      for (let j = 0; j < TABLE; j++) {
        const offset = (BigInt(off.hi[j]!) << 32n) | BigInt(off.lo[j]!);
        const pte = k.swp_entry_to_pte(k.swp_entry(types[j]!, offset));
        v.fast.swp_entry_to_pte(types[j]!, off.hi[j]!, off.lo[j]!, r);
        const fastPte = (BigInt(r.hi) << 32n) | BigInt(r.lo);
        if (fastPte !== pte) mismatch(v, 'swp_entry_to_pte', `${types[j]}, ${hex(offset, 64)}`, pte, fastPte, v.constants.pteBits);
        v.fast.pte_to_swp_entry(r.hi, r.lo, r);
        const back = k.pte_to_swp_entry(pte);
        if (r.type !== k.swp_type(back)) mismatch(v, 'pte_to_swp_entry type', hex(pte, 64), k.swp_type(back), r.type, 8);
      }
      return compileLoop(
        `${v.key} swap`,
        { enc: v.fast.swp_entry_to_pte, dec: v.fast.pte_to_swp_entry, T: types, OH: off.hi, OL: off.lo, r: newReg() },
        `let acc = 0;
  for (let i = 0; i < ops; i++) {
    const j = i & ${MASK};
    enc(T[j], OH[j], OL[j], r);
    dec(r.hi, r.lo, r);
    acc = (acc + (r.lo ^ r.hi ^ r.type)) | 0;
  }
  return acc;`,
      );
    },
  },
  {
    name: 'swapWords',
    title: 'swap words',
    applies: () => true,
    prepare(v) {
      const { types, off } = swapInputs(v);
      const f = v.fast;
      const k = v.kernel;
      for (let j = 0; j < TABLE; j++) {
        const [t, oh, ol] = [types[j]!, off.hi[j]!, off.lo[j]!];
        const pte = k.swp_entry_to_pte(k.swp_entry(t, (BigInt(oh) << 32n) | BigInt(ol)));
        const h = f.swp_entry_to_pte_hi(t, oh, ol);
        const l = f.swp_entry_to_pte_lo(t, oh, ol);
        if (((BigInt(h) << 32n) | BigInt(l)) !== pte) mismatch(v, 'swp_entry_to_pte_hi/lo', `${t}, ${hex((BigInt(oh) << 32n) | BigInt(ol), 64)}`, pte, (BigInt(h) << 32n) | BigInt(l), v.constants.pteBits);
        const e = k.pte_to_swp_entry(pte);
        const offset = (BigInt(f.pte_to_swp_offset_hi(h, l)) << 32n) | BigInt(f.pte_to_swp_offset_lo(h, l));
        if (f.pte_to_swp_type(h, l) !== k.swp_type(e) || offset !== k.swp_offset(e)) mismatch(v, 'pte_to_swp_offset_hi/lo', hex(pte, 64), k.swp_offset(e), offset, 64);
      }
      return compileLoop(
        `${v.key} swap words`,
        {
          encHi: f.swp_entry_to_pte_hi,
          encLo: f.swp_entry_to_pte_lo,
          decType: f.pte_to_swp_type,
          decHi: f.pte_to_swp_offset_hi,
          decLo: f.pte_to_swp_offset_lo,
          T: types,
          OH: off.hi,
          OL: off.lo,
        },
        `let acc = 0;
  for (let i = 0; i < ops; i++) {
    const j = i & ${MASK};
    const t = T[j], oh = OH[j], ol = OL[j];
    const hi = encHi(t, oh, ol), lo = encLo(t, oh, ol);
    acc = (acc + (decLo(hi, lo) ^ decHi(hi, lo) ^ decType(hi, lo))) | 0;
  }
  return acc;`,
      );
    },
  },
  {
    name: 'file',
    title: 'file (Reg)',
    applies: (v) => v.fast.pgoff_to_pte !== undefined && v.fast.pte_to_pgoff !== undefined && (v.constants.fileRoundtripBits ?? 0) > 0,
    prepare(v) {
      const bits = v.constants.fileRoundtripBits!;
      const pgoffs = Array.from({ length: TABLE }, () => rndBig() & ones(bits));
      const pg = pairs(pgoffs);
      const r = newReg();
      for (let j = 0; j < TABLE; j++) {
        const pte = v.kernel.pgoff_to_pte(pgoffs[j]!);
        v.fast.pgoff_to_pte!(pg.hi[j]!, pg.lo[j]!, r);
        const fastPte = (BigInt(r.hi) << 32n) | BigInt(r.lo);
        if (fastPte !== pte) mismatch(v, 'pgoff_to_pte', hex(pgoffs[j]!, 64), pte, fastPte, v.constants.pteBits);
      }
      return compileLoop(
        `${v.key} file`,
        { enc: v.fast.pgoff_to_pte, dec: v.fast.pte_to_pgoff, PH: pg.hi, PL: pg.lo, r: newReg() },
        `let acc = 0;
  for (let i = 0; i < ops; i++) {
    const j = i & ${MASK};
    enc(PH[j], PL[j], r);
    dec(r.hi, r.lo, r);
    acc = (acc + (r.lo ^ r.hi)) | 0;
  }
  return acc;`,
      );
    },
  },
  {
    name: 'classify',
    title: 'classify',
    applies: () => true,
    prepare(v) {
      const k = v.kernel;
      const prots = Object.values(v.spec.prots).filter((p) => k.pte_present(k.pfn_pte(1n, p)));
      const pfnMask = ones(Math.min(fieldWidth(v.spec.pfn.field), v.constants.physBits - v.constants.PAGE_SHIFT));
      const hasFile = v.fast.pgoff_to_pte !== undefined && (v.constants.fileRoundtripBits ?? 0) > 0;
      const ptes: bigint[] = [];
      for (let j = 0; j < TABLE; j++) {
        const pick = rndBelow(8);
        if (pick === 0) ptes.push(0n);
        else if (pick <= 3 && prots.length > 0) ptes.push(k.pfn_pte(rndBig() & pfnMask, prots[rndBelow(prots.length)]!));
        else if (pick === 4 && hasFile) ptes.push(k.pgoff_to_pte(rndBig() & ones(v.constants.fileRoundtripBits!)));
        // any type up to 31: ordinary swap entries and the special ones (migration, device, hwpoison, marker)
        else ptes.push(k.swp_entry_to_pte(k.swp_entry(rndBelow(32), (rndBig() & v.constants.maxSwapOffset) | 1n)));
      }
      const p = pairs(ptes);
      // the none / present / swap mix must really be classified as such (the fast classifier has its own oracle tests)
      const none = ptes.filter((pte) => v.fast.classify(hi(pte), lo(pte)) === 0).length;
      if (none === 0 || none === TABLE) throw new Error(`${v.key}: the classify inputs are not a mix`);
      return compileLoop(
        `${v.key} classify`,
        { classify: v.fast.classify, H: p.hi, L: p.lo },
        `let acc = 0;
  for (let i = 0; i < ops; i++) {
    const j = i & ${MASK};
    acc = (acc + classify(H[j], L[j])) | 0;
  }
  return acc;`,
      );
    },
  },
  {
    name: 'pfn',
    title: 'pfn (Reg)',
    applies: () => true,
    prepare(v) {
      const k = v.kernel;
      const pfnMask = ones(Math.min(fieldWidth(v.spec.pfn.field), v.constants.physBits - v.constants.PAGE_SHIFT));
      const protList = Object.values(v.spec.prots);
      const pfns = Array.from({ length: TABLE }, () => rndBig() & pfnMask);
      const prots = Array.from({ length: TABLE }, () => protList[rndBelow(protList.length)] ?? 0n);
      const pf = pairs(pfns);
      const pr = pairs(prots);
      const r = newReg();
      for (let j = 0; j < TABLE; j++) {
        const pte = k.pfn_pte(pfns[j]!, prots[j]!);
        v.fast.pfn_pte(pf.hi[j]!, pf.lo[j]!, pr.hi[j]!, pr.lo[j]!, r);
        const fastPte = (BigInt(r.hi) << 32n) | BigInt(r.lo);
        if (fastPte !== pte) mismatch(v, 'pfn_pte', `${hex(pfns[j]!, 64)}, ${hex(prots[j]!, 64)}`, pte, fastPte, v.constants.pteBits);
        v.fast.pte_pfn(r.hi, r.lo, r);
        const pfn = (BigInt(r.hi) << 32n) | BigInt(r.lo);
        if (pfn !== k.pte_pfn(pte)) mismatch(v, 'pte_pfn', hex(pte, 64), k.pte_pfn(pte), pfn, v.constants.wordBits);
      }
      return compileLoop(
        `${v.key} pfn`,
        { enc: v.fast.pfn_pte, dec: v.fast.pte_pfn, FH: pf.hi, FL: pf.lo, PH: pr.hi, PL: pr.lo, r: newReg() },
        `let acc = 0;
  for (let i = 0; i < ops; i++) {
    const j = i & ${MASK};
    enc(FH[j], FL[j], PH[j], PL[j], r);
    dec(r.hi, r.lo, r);
    acc = (acc + (r.lo ^ r.hi)) | 0;
  }
  return acc;`,
      );
    },
  },
];

// ---------- run ----------

interface VariantResult {
  backend: string;
  variant: string;
  era: string;
  key: string;
  results: Partial<Record<Bench['name'], Timing>>;
}

function machine() {
  const cpu = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${platform()} ${arch()}`,
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

async function main(): Promise<void> {
  const settings = parseArgs(process.argv.slice(2));
  const backends = await builtinBackends();
  // Every Reg shares one hidden class. Its hi/lo fields turn from small-integer
  // to boxed-double fields the first time a word ≥ 2^31 is stored; do that now,
  // so no variant's timing depends on which variant ran before it.
  const primer = newReg();
  primer.hi = 0xffffffff;
  primer.lo = 0xffffffff;
  const info = machine();
  console.log(`mmsim fast-path benchmarks: node ${info.node} (V8 ${info.v8}), ${info.platform}, ${info.cpu} × ${info.cores}`);
  console.log(`${settings.ops.toLocaleString('en')} ops per round, median of ${settings.rounds} rounds after ${settings.warmup} warm-up rounds, 512-entry input tables; ns/op`);
  console.log('');

  const out: VariantResult[] = [];
  let checksum = 0;
  const columns = BENCHES.map((b) => b.title);
  const header = `${pad('variant', 12)}${pad('era', 8)}${columns.map((c) => pad(c, 17, true)).join('')}`;
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const backend of backends) {
    for (const spec of backend.variants) {
      if (settings.only.length > 0 && !settings.only.includes(spec.id)) continue;
      const v = compileVariant(spec);
      const row: VariantResult = { backend: backend.name, variant: v.id, era: v.era, key: v.key, results: {} };
      const cells: string[] = [];
      for (const bench of BENCHES) {
        if (!bench.applies(v) || (settings.benches.length > 0 && !settings.benches.includes(bench.name))) {
          cells.push(pad('—', 17, true));
          continue;
        }
        const timing = time(bench.prepare(v), settings);
        row.results[bench.name] = timing;
        checksum = (checksum + timing.checksum) | 0;
        cells.push(pad(`${timing.median.toFixed(2)} ±${((timing.max - timing.min) / 2).toFixed(2)}`, 17, true));
      }
      out.push(row);
      console.log(`${pad(v.id, 12)}${pad(v.era, 8)}${cells.join('')}`);
    }
  }
  console.log('');
  console.log('median ns per op (± half the spread of the rounds). swap (Reg): fast.swp_entry_to_pte then fast.pte_to_swp_entry;');
  console.log('swap words: the same through the per-word functions (swp_entry_to_pte_hi/_lo, pte_to_swp_type, pte_to_swp_offset_hi/_lo);');
  console.log('file (Reg): pgoff_to_pte then pte_to_pgoff; pfn (Reg): pfn_pte then pte_pfn; classify: one call.');
  for (const bench of ['swap', 'swapWords'] as const) {
    const rows = out.filter((r) => r.results[bench]);
    if (rows.length === 0) continue;
    const over = rows.filter((r) => r.results[bench]!.median > TARGET_NS);
    const worst = rows.reduce((a, b) => (b.results[bench]!.median > a.results[bench]!.median ? b : a));
    console.log(
      `target ≤ ${TARGET_NS} ns/op for every variant's swap encode+decode, ${bench === 'swap' ? 'Reg form' : 'word form'}: ` +
        `worst ${worst.variant}@${worst.era} ${worst.results[bench]!.median.toFixed(2)}; ` +
        (over.length === 0 ? `all ${rows.length} within` : `over on ${over.map((r) => `${r.variant}@${r.era} ${r.results[bench]!.median.toFixed(2)}`).join(', ')}`),
    );
  }
  console.log(`checksum ${(checksum >>> 0).toString(16)} (every result is folded in, so no loop is dead code)`);

  if (settings.json) {
    const path = resolve(process.env['INIT_CWD'] ?? process.cwd(), settings.json);
    const doc = {
      machine: info,
      settings: { ops: settings.ops, rounds: settings.rounds, warmup: settings.warmup, table: TABLE, unit: 'ns/op' },
      checksum: checksum >>> 0,
      variants: out,
    };
    writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
    console.log(`wrote ${path}`);
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(1);
});
