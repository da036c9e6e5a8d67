/**
 * Argument vectors for `mmsim` and `mmsim-test`: each command from a valid
 * base invocation (run once as a control, which must exit 0), then one
 * option at a time given a hostile value, given twice, or unknown.
 */
import type { ExpectKind } from './expect.js';
import type { Tool } from './case.js';
import type { Rng } from './prng.js';
import { DIGITS_400, NAME_VALUES, NUMBER_VALUES, TWO_64, longToken } from './values.js';

export interface ArgCase {
  readonly tool: Tool;
  readonly args: readonly string[];
  readonly expect: ExpectKind;
  readonly why: string;
  readonly files?: Readonly<Record<string, string>>;
  readonly token?: string;
  readonly kind?: string;
  /** lines a bad-input answer may take: one per bad file named (mmsim-test vectors lists every unreadable file) */
  readonly maxLines?: number;
}

interface Base {
  readonly tool: Tool;
  readonly args: readonly string[];
  /** options that take a number, a name, and those that may be given once */
  readonly numbers: readonly string[];
  readonly names: readonly string[];
  readonly single: readonly string[];
  /** a positional that is a number (decode's PTE), by index in args */
  readonly numberAt?: number;
  /** needs the shipped script / vector file copied in */
  readonly needs?: 'script' | 'vectors';
}

const COMMON_NAMES = ['arch', 'kernel', 'config', 'backend'];
const X = ['--arch', 'x86_64', '--kernel', '6.18'];

export const BASES: readonly Base[] = [
  { tool: 'mmsim', args: ['decode', '0x5040', ...X], numbers: [], names: COMMON_NAMES, single: [], numberAt: 1 },
  { tool: 'mmsim', args: ['encode', 'swap', '--type', '3', '--offset', '0x1234', ...X], numbers: ['type', 'offset'], names: COMMON_NAMES, single: ['type', 'offset'] },
  { tool: 'mmsim', args: ['encode', 'file', '--pgoff', '0x1234', '--arch', 'x86_64', '--kernel', '2.6.21'], numbers: ['pgoff'], names: COMMON_NAMES, single: ['pgoff'] },
  { tool: 'mmsim', args: ['encode', 'pfn', '--pfn', '4', '--prot', 'PAGE_SHARED', ...X], numbers: ['pfn'], names: [...COMMON_NAMES, 'prot'], single: ['pfn', 'prot'] },
  { tool: 'mmsim', args: ['encode', 'migration', '--pfn', '4', ...X], numbers: ['pfn'], names: COMMON_NAMES, single: ['pfn'] },
  { tool: 'mmsim', args: ['layout', 'x86_64@6.18'], numbers: [], names: ['kernel', 'config', 'backend'], single: [] },
  { tool: 'mmsim', args: ['limits', '--arch', 'x86_64'], numbers: [], names: COMMON_NAMES, single: [] },
  { tool: 'mmsim', args: ['diff', 'x86_64@2.6.21', 'x86_64@6.18'], numbers: [], names: ['config', 'backend'], single: [] },
  { tool: 'mmsim', args: ['overview', '--arch', 'x86_64'], numbers: [], names: COMMON_NAMES, single: [] },
  { tool: 'mmsim', args: ['run', 'script.mmo'], numbers: [], names: COMMON_NAMES, single: [], needs: 'script' },
  { tool: 'mmsim', args: ['explore', 'fault-truncate', '--bound', '1'], numbers: ['bound', 'seed', 'runs'], names: ['arch', 'kernel', 'config', 'backend', 'policy', 'strategy'], single: ['bound', 'seed', 'runs', 'policy', 'strategy'] },
  { tool: 'mmsim', args: ['replay', 'fault-truncate', '0*3'], numbers: [], names: ['arch', 'kernel', 'config', 'backend', 'policy'], single: ['policy'] },
  { tool: 'mmsim-test', args: ['conformance', '--arch', 'x86_64', '--kernel', '6.18', '--num-runs', '2', '--check', 'swap'], numbers: ['num-runs', 'seed'], names: ['arch', 'kernel', 'config', 'reporter', 'backend'], single: ['num-runs', 'seed', 'reporter'] },
  { tool: 'mmsim-test', args: ['vectors', '{dir}/v.json', '--index', '3'], numbers: ['index'], names: ['reporter', 'backend'], single: ['reporter'], needs: 'vectors' },
  { tool: 'mmsim-test', args: ['overview'], numbers: [], names: ['backend'], single: [] },
];

/** Set `--name value` in a base's args (replacing its value if given), as `--name=value` when asked. */
function withOption(args: readonly string[], name: string, value: string, equals: boolean): string[] {
  const copy = [...args];
  const at = copy.indexOf(`--${name}`);
  if (at >= 0) copy.splice(at, 2);
  return equals ? [...copy, `--${name}=${value}`] : [...copy, `--${name}`, value];
}

function label(value: string): string {
  return value.length > 40 ? `${value.slice(0, 12)}…(${value.length} chars)` : `'${value}'`;
}

export function controlCase(base: Base): ArgCase {
  return { kind: 'control', tool: base.tool, args: base.args, expect: 'ok', why: 'control: the valid base invocation, exit 0' };
}

/** One generated argument-vector case. */
export function mutateArgs(r: Rng): ArgCase & { base: Base } {
  const c = draw(r);
  return c;
}

function draw(r: Rng): ArgCase & { base: Base } {
  const base = r.pick(BASES);
  const kind = r.pick(['number', 'number', 'name', 'name', 'twice', 'unknown', 'long', 'positional'] as const);
  const equals = r.chance(0.5);
  if (kind === 'number' && (base.numbers.length > 0 || base.numberAt !== undefined)) {
    const value = r.pick(NUMBER_VALUES.concat([{ text: '', expect: 'usage', why: 'an empty value' }]));
    if (base.numberAt !== undefined && (base.numbers.length === 0 || r.chance(0.5))) {
      const args = [...base.args];
      args[base.numberAt] = value.text;
      // 2^64 − 1 is a valid 64-bit pte on x86_64
      return { kind: 'number', base, tool: base.tool, args, expect: value.expect === 'usage' ? 'usage' : 'survive', why: `positional ${args[0]} value ${label(value.text)}: ${value.why}` };
    }
    const name = r.pick(base.numbers);
    // mmsim-test's --seed is fast-check's seed, a signed 32-bit int: -5 is a valid seed
    const signed = base.tool === 'mmsim-test' && name === 'seed' && value.text === '-5';
    return { kind: 'number', base, tool: base.tool, args: withOption(base.args, name, value.text, equals), expect: signed ? 'ok' : value.expect, why: `--${name} ${label(value.text)}: ${signed ? 'a valid seed: fast-check seeds are signed 32-bit' : value.why}` };
  }
  if (kind === 'name' && base.names.length > 0) {
    const name = r.pick(base.names);
    const pool = [...NAME_VALUES, { text: '', expect: 'usage' as const, why: 'an empty value' }];
    const value = r.pick(pool);
    const text = name === 'config' ? r.pick([`${value.text}=y`, value.text, 'NONLINEAR=maybe', '=y']) : value.text;
    return { kind: 'name', base, tool: base.tool, args: withOption(base.args, name, text, equals), expect: 'usage', why: `--${name} ${label(text)}: not a known ${name}` };
  }
  if (kind === 'twice' && base.single.length > 0) {
    const name = r.pick(base.single);
    const at = base.args.indexOf(`--${name}`);
    const value = at >= 0 ? base.args[at + 1]! : name === 'strategy' ? 'dfs' : name === 'policy' ? 'page-lock' : name === 'reporter' ? 'json' : '1';
    return { kind: 'twice', base, tool: base.tool, args: [...base.args, `--${name}`, value, `--${name}`, value], expect: 'usage', why: `--${name} given twice: a single-value option may be given once` };
  }
  if (kind === 'long') {
    const token = longToken(r.pick([500, 100_000]));
    const pool = [...base.numbers, ...base.names];
    const name = pool.length ? r.pick(pool) : 'arch';
    return { kind: 'long', base, tool: base.tool, args: withOption(base.args, name, token, equals), expect: 'usage', why: `--${name} given a ${token.length}-byte value: invalid, quoted short`, token };
  }
  if (kind === 'positional') {
    // mmsim-test vectors takes files: two more that do not exist are two bad files, one line each
    const files = base.tool === 'mmsim-test' && base.args[0] === 'vectors';
    return { kind: 'positional', base, tool: base.tool, args: [...base.args, 'extra', 'words'], expect: 'usage', why: files ? "two more vector files that do not exist: one line naming each" : 'unexpected extra positionals', ...(files ? { maxLines: 2 } : {}) };
  }
  const name = r.pick(['bogus', '__proto__', 'constructor', 'toString', 'x'.repeat(300)]);
  return { kind: 'unknown-option', base, tool: base.tool, args: [...base.args, `--${name}`], expect: 'usage', why: `unknown option --${label(name)}` };
}

/** The issue's reproductions and the rules' corner cases, one row each. */
export const ARGUMENT_TABLE: readonly ArgCase[] = [
  { tool: 'mmsim', args: ['encode', 'pfn', '--pfn', '4', '--prot', '0x1067', ...X], expect: 'refuse', why: 'a prot overlapping the pfn field: the checked layer refuses (check_pgprot)' },
  { tool: 'mmsim', args: ['decode', '0x5040', '--config', 'NONLINEAR=y', '--kernel', '6.18'], expect: 'usage', why: 'CONFIG_NONLINEAR does not exist in 6.18' },
  { tool: 'mmsim', args: ['decode', '0x5040', '--config', 'X86_NX=n', '--arch', 'ppc64'], expect: 'usage', why: 'CONFIG_X86_NX does not exist on ppc64' },
  { tool: 'mmsim', args: ['decode', '0x5040', '--arch', 'x86_64@6.18+'], expect: 'usage', why: 'x86_64@6.18+ names no era' },
  { tool: 'mmsim', args: ['decode', '0x5040', '--arch', 'bogus'], expect: 'usage', why: 'an unknown arch' },
  { tool: 'mmsim', args: ['diff', 'x86_64', '--arch', 'bogus'], expect: 'usage', why: 'an unknown arch beside a known one' },
  { tool: 'mmsim', args: ['encode', 'swap', '--type', '-1', '--offset', '1', ...X], expect: 'usage', why: '--type -1: must name -1, not "needs a value"' },
  { tool: 'mmsim', args: ['encode', 'swap', '--type', '3', '--type', '4', '--offset', '1', ...X], expect: 'usage', why: 'a single-value option given twice' },
  { tool: 'mmsim', args: ['explore', 'fault-truncate', '--bound', '0x3'], expect: 'ok', why: 'numbers may be hex: --bound 0x3 is 3' },
  { tool: 'mmsim', args: ['help', 'bogus'], expect: 'usage', why: 'help for an unknown command' },
  { tool: 'mmsim', args: ['explore', '/tmp'], expect: 'usage', why: 'a directory given as a race file (EISDIR)' },
  { tool: 'mmsim', args: ['run', '/tmp'], expect: 'usage', why: 'a directory given as a script' },
  { tool: 'mmsim', args: ['run', 'missing.mmo'], expect: 'usage', why: 'a script that does not exist' },
  { tool: 'mmsim', args: ['replay', 'fault-truncate', 'x*y'], expect: 'usage', why: 'a malformed schedule' },
  { tool: 'mmsim', args: ['replay', 'fault-truncate', `0*${TWO_64}`], expect: 'usage', why: 'a schedule count past 2^64' },
  { tool: 'mmsim', args: ['layout', 'x86_64@6.18', '--svg', 'ok.svg', '--html', 'ok.html'], expect: 'ok', why: 'control: both outputs written' },
  { tool: 'mmsim', args: ['layout', 'x86_64@6.18', '--svg', 'ok.svg', '--html', '/nonexistent/x.html'], expect: 'usage', why: 'an output path that cannot be written: nothing written at all (ok.svg neither)' },
  { tool: 'mmsim', args: ['layout', 'x86_64@6.18', '--svg', 'f', '--html', 'f'], expect: 'usage', why: 'the same output path twice' },
  { tool: 'mmsim', args: ['layout', 'x86_64@6.18', '--svg', 'sub'], expect: 'usage', why: 'an output path that is a directory', files: { 'sub/.keep': '' } },
  { tool: 'mmsim', args: ['layout', 'x86_64@6.18', '--svg', ''], expect: 'usage', why: 'an empty output path' },
  { tool: 'mmsim', args: ['layout', 'x86_64@6.18', '--html', 'ok.html', '--svg', '/nonexistent/x.svg'], expect: 'usage', why: 'the bad path second: nothing written (ok.html neither)' },
  { tool: 'mmsim-test', args: ['conformance', '--num-runs', TWO_64], expect: 'usage', why: '--num-runs 2^64: past any count' },
  { tool: 'mmsim-test', args: ['conformance', '--seed', DIGITS_400], expect: 'usage', why: 'a 400-digit seed' },
  { tool: 'mmsim-test', args: ['vectors', '{dir}/v.json', '--index', '-1'], expect: 'usage', why: '--index -1', files: { 'v.json': 'VECTORS' } },
  { tool: 'mmsim-test', args: ['vectors', '{dir}/v.json', '--index', '999999'], expect: 'usage', why: '--index past the file\'s end', files: { 'v.json': 'VECTORS' } },
  { tool: 'mmsim-test', args: ['help', 'bogus'], expect: 'usage', why: 'help for an unknown command: one line, not the whole usage' },
  { tool: 'mmsim-test', args: ['vectors', '/tmp'], expect: 'usage', why: 'a directory given as a vector file' },
  { tool: 'mmsim-test', args: ['vectors', '{dir}/empty.json'], expect: 'usage', why: 'an empty vector file', files: { 'empty.json': '' } },
  { tool: 'mmsim-test', args: ['vectors', '{dir}/v.json'], expect: 'refuse', why: 'a vector file without its constants block', files: { 'v.json': 'VECTORS-NO-CONSTANTS' } },
  { tool: 'mmsim-test', args: ['vectors', '{dir}/v.json'], expect: 'refuse', why: 'a vector whose type is 2^53', files: { 'v.json': 'VECTORS-TYPE-2^53' } },
  { tool: 'mmsim-test', args: ['vectors', '{dir}/v.json'], expect: 'refuse', why: 'a vector whose type is 1e300', files: { 'v.json': 'VECTORS-TYPE-1e300' } },
  { tool: 'mmsim-test', args: ['vectors', '{dir}/v.json'], expect: 'refuse', why: '"constants": {}', files: { 'v.json': 'VECTORS-EMPTY-CONSTANTS' } },
];
