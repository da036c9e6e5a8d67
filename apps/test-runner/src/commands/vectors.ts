/**
 * `mmsim-test vectors [--index N]... [FILE...]`: replay reference-vector
 * files (format linux-pte-oracle/1) through the backend variant each names.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import {
  bundledVectorFiles,
  checkVectorFile,
  parseVectorFile,
  variantForVectors,
  VectorFormatError,
  type VectorFailure,
  type VectorFile,
  type VectorReport,
} from '@mmsim/conformance';
import type { BackendV1, Variant } from '@mmsim/core';
import { pc } from '../color.js';
import { difference, type TestCase } from '../cases.js';
import { UsageError } from '../errors.js';
import { oneLine, quote, showValue, table } from '../format.js';
import { parseWhole } from '../numbers.js';
import { commandLine } from '../repro.js';
import { caseDetailLines } from '../reporters/details.js';

/** A vector file read, parsed and matched to its variant. */
export interface LoadedVectorFile {
  /** the path as given (bundled files: their base name) */
  readonly name: string;
  readonly path: string;
  readonly file: VectorFile;
  readonly variant: Variant;
  /** the backend the variant came from */
  readonly backend: string;
  /** true for a file bundled with @mmsim/conformance */
  readonly bundled: boolean;
}

/** A failure as `vectors --json` lists it: the conformance package's fields, then where it ran and how to rerun it. */
export interface VectorFailureReport extends VectorFailure {
  readonly variant: string;
  /** differing bit positions, highest first, when both values are numbers */
  readonly bits?: number[];
  readonly repro: string;
}

export interface VectorsResult {
  readonly passed: number;
  readonly failed: number;
  readonly failures: VectorFailureReport[];
  readonly reports: VectorReport[];
  /** one per vector checked, and one per constants block */
  readonly cases: TestCase[];
}

export interface VectorsOptions {
  /** only these vectors of each file (`constants`: the constants block) */
  readonly index?: readonly (number | 'constants')[];
  /** `--backend PATH` arguments a repro command must carry */
  readonly reproBackends?: readonly string[];
  /** bundled files whose variant no backend has are left out instead of being an error (the run command) */
  readonly skipUnplaced?: boolean;
}

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many symbolic links',
};

/** A file name as error lines give it: a path of any length, cut in the middle past 160 characters. */
function shownName(name: string): string {
  return name.length > 160 ? `${name.slice(0, 60)}…${name.slice(-99)} (${name.length} chars)` : name;
}

/**
 * The largest vector file read: 16 MiB. The complete reference set of the
 * largest variant is about 150 KB (its public sample here 40 KB), so this
 * is a hundred times any real file, and what JSON.parse builds from it
 * stays a few hundred MB at most.
 */
export const MAX_VECTOR_FILE_BYTES = 16 * 1024 * 1024;

/**
 * A regular file's text, refused before reading when it is something else
 * (a directory, a device, a pipe) or over MAX_VECTOR_FILE_BYTES; the read
 * itself stops there too, should the file grow meanwhile.
 */
function readVectorText(path: string, name: string): string {
  const fail = (why: string) => new UsageError(`${name}: cannot read (${why})`);
  const reason = (error: unknown) => READ_ERRORS[(error as NodeJS.ErrnoException).code ?? ''] ?? oneLine((error as Error).message).slice(0, 120);
  let fd: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw fail('is a directory');
    if (!st.isFile()) throw fail('not a regular file');
    if (st.size > MAX_VECTOR_FILE_BYTES) throw fail(`${st.size} bytes, over the ${MAX_VECTOR_FILE_BYTES / 1024 / 1024} MiB a vector file may have`);
    fd = openSync(path, 'r');
  } catch (error) {
    throw error instanceof UsageError ? error : fail(reason(error));
  }
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.min(size, MAX_VECTOR_FILE_BYTES) + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > MAX_VECTOR_FILE_BYTES) throw fail(`over the ${MAX_VECTOR_FILE_BYTES / 1024 / 1024} MiB a vector file may have`);
    return buffer.toString('utf8', 0, length);
  } catch (error) {
    throw error instanceof UsageError ? error : fail(reason(error));
  } finally {
    closeSync(fd);
  }
}

function backendOf(variant: Variant, backends: readonly BackendV1[]): string {
  return backends.find((b) => b.variants.includes(variant.spec))?.name ?? variant.arch;
}

/**
 * Read, check against the format, and locate one file; throws UsageError
 * with one line per problem, each naming the file (and the JSON path).
 */
export function loadVectorFile(path: string, backends: readonly BackendV1[], name: string = path, bundled = false): LoadedVectorFile {
  const shown = shownName(name);
  const text = readVectorText(path, shown);
  try {
    const file = parseVectorFile(text, shown);
    const variant = variantForVectors(file, backends);
    return { name, path, file, variant, backend: backendOf(variant, backends), bundled };
  } catch (error) {
    if (!(error instanceof VectorFormatError)) throw error;
    const lines = error.problems.map((line) => oneLine(line)).map((line) => (line.startsWith(`${shown}:`) ? line : `${shown}: ${line}`));
    throw new UsageError(lines.join('\n'));
  }
}

/**
 * The files to check: those given, or every bundled one. A name that is no
 * file here but is a bundled file's name (`v6.18-x86_64.json`, as reports
 * and repro commands print them) is the bundled file.
 */
export function vectorPaths(files: readonly string[]): { path: string; name: string; bundled: boolean }[] {
  const bundled = bundledVectorFiles();
  if (files.length === 0) return bundled.map((path) => ({ path, name: basename(path), bundled: true }));
  return files.map((path) => {
    const own = bundled.find((b) => basename(b) === path);
    if (own && !existsSync(path)) return { path: own, name: path, bundled: true };
    return { path, name: path, bundled: false };
  });
}

/** `--index` values: a vector's number (checked against each file's count when it is read) or `constants`. */
export function parseIndex(text: string): number | 'constants' {
  if (text === 'constants') return 'constants';
  try {
    return parseWhole(text, '--index', { min: 0, max: Number.MAX_SAFE_INTEGER, what: "a vector's number, below the file's count" });
  } catch {
    throw new UsageError(`invalid value ${quote(text)} for --index (valid: a vector's number, 0 to the file's count - 1, decimal or 0x hex; or 'constants' for the constants block)`);
  }
}

function describeInput(input: Readonly<Record<string, unknown>> | undefined): string {
  if (!input) return '';
  return Object.entries(input)
    .map(([key, value]) => `${key}=${key === 'prot_name' ? String(value) : showValue(value)}`)
    .join(' ');
}

/** The command that rechecks one vector (or the constants block) of one file. */
export function vectorRepro(loaded: LoadedVectorFile, index: number, options: VectorsOptions): string {
  const file = loaded.bundled ? basename(loaded.path) : resolve(loaded.path);
  return commandLine(['mmsim-test', 'vectors', file, '--index', index < 0 ? 'constants' : String(index), ...(options.reproBackends ?? [])]);
}

/** The vectors of a file to check (-1: the constants block); throws UsageError for an --index past its end. */
function chosenIndices(loaded: LoadedVectorFile, options: VectorsOptions): number[] {
  const count = loaded.file.vectors.length;
  if (!options.index || options.index.length === 0) return [-1, ...Array.from({ length: count }, (_, i) => i)];
  const chosen = options.index.map((i) => (i === 'constants' ? -1 : i));
  for (const i of chosen) {
    if (i < count) continue;
    throw new UsageError(`${loaded.name}: no vector ${i} for --index (${count === 0 ? "the file has no vectors: only 'constants'" : `the file has ${count}: 0 to ${count - 1}, or 'constants'`})`);
  }
  return chosen;
}

/** One file's report, cut down to the chosen vectors, and its cases. */
function fileCases(loaded: LoadedVectorFile, report: VectorReport, options: VectorsOptions): { report: VectorReport; cases: TestCase[]; failures: VectorFailureReport[] } {
  const chosen = chosenIndices(loaded, options);
  const v = loaded.variant;
  const failures: VectorFailureReport[] = [];
  const cases: TestCase[] = [];
  for (const index of [...new Set(chosen)]) {
    const own = report.failures.filter((f) => f.index === index);
    const repro = vectorRepro(loaded, index, options);
    const vec = index >= 0 ? loaded.file.vectors[index]! : undefined;
    const op = vec?.op ?? 'constants';
    for (const f of own) {
      const d = difference(f.expected, f.actual, f.field);
      failures.push({ ...f, variant: v.key, ...(d.bits ? { bits: d.bits } : {}), repro });
    }
    const input = describeInput(own[0]?.input);
    cases.push({
      suite: 'vectors',
      backend: loaded.backend,
      variant: v.key,
      variantId: v.id,
      era: v.era,
      config: 'default',
      name: index < 0 ? `${loaded.name} constants` : `${loaded.name} vector ${index}`,
      status: own.length > 0 ? 'fail' : 'pass',
      file: loaded.name,
      index,
      op,
      ...(vec?.note ? { note: vec.note } : {}),
      ...(own.length > 0
        ? {
            message: `${op}: ${own.map((f) => `${f.field} expected ${f.expected}, got ${f.actual}`).join('; ')}`,
            ...(input ? { input } : {}),
            differences: own.map((f) => difference(f.expected, f.actual, f.field)),
            repro,
          }
        : {}),
    });
  }
  const failed = cases.filter((c) => c.status === 'fail').length;
  return { report: { ...report, passed: cases.length - failed, failed, failures: report.failures.filter((f) => chosen.includes(f.index)) }, cases, failures };
}

/**
 * Load every file first (so a bad one stops the run before anything is
 * reported), then check each. Throws UsageError listing every bad file.
 */
export function loadVectorFiles(files: readonly string[], backends: readonly BackendV1[], options: VectorsOptions = {}): LoadedVectorFile[] {
  const loaded: LoadedVectorFile[] = [];
  const problems: string[] = [];
  for (const { path, name, bundled } of vectorPaths(files)) {
    try {
      const file = loadVectorFile(path, backends, name, bundled);
      chosenIndices(file, options);
      loaded.push(file);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      if (options.skipUnplaced && bundled && files.length === 0 && /no installed backend has variant/.test(error.message)) continue;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return loaded;
}

/** Check loaded files (one file's worth of work per call, for progress). */
export function checkLoadedFile(loaded: LoadedVectorFile, options: VectorsOptions = {}): { report: VectorReport; cases: TestCase[]; failures: VectorFailureReport[] } {
  // the file passed the format check when it was loaded: an exception here is a bug (exit 3), not bad input
  const report = checkVectorFile(loaded.variant, loaded.file, loaded.name);
  return fileCases(loaded, report, options);
}

export function vectorsResult(parts: readonly { report: VectorReport; cases: TestCase[]; failures: VectorFailureReport[] }[]): VectorsResult {
  return {
    passed: parts.reduce((n, p) => n + p.report.passed, 0),
    failed: parts.reduce((n, p) => n + p.report.failed, 0),
    failures: parts.flatMap((p) => p.failures),
    reports: parts.map((p) => p.report),
    cases: parts.flatMap((p) => p.cases),
  };
}

export function checkVectorFiles(files: readonly string[], backends: readonly BackendV1[], options: VectorsOptions = {}): VectorsResult {
  const loaded = loadVectorFiles(files, backends, options);
  return vectorsResult(loaded.map((l) => checkLoadedFile(l, options)));
}

/** The --json document: exactly one object. */
export function vectorsJson(result: VectorsResult): string {
  return JSON.stringify({ passed: result.passed, failed: result.failed, failures: result.failures }, null, 2);
}

/** The readable report: a per-file summary, then every failure. */
export function vectorsText(result: VectorsResult): string[] {
  const lines: string[] = [];
  const rows = result.reports.map((r) => [r.file, r.variant, String(r.passed), r.failed > 0 ? pc.red(String(r.failed)) : '0']);
  lines.push(
    `${result.reports.length} vector file${result.reports.length === 1 ? '' : 's'}; each vector, and each file's constants block, is one check`,
    '',
    ...table([{ header: 'file' }, { header: 'variant' }, { header: 'passed', align: 'right' }, { header: 'failed', align: 'right' }], rows),
  );
  for (const report of result.reports) {
    if (report.failed === 0) continue;
    lines.push('', pc.red(`FAIL ${report.file} (${report.variant}): ${report.failed} of ${report.passed + report.failed} checks`));
    for (const c of result.cases) {
      if (c.file !== report.file || c.status !== 'fail') continue;
      lines.push(`  ${c.index! < 0 ? 'constants' : `vector #${c.index}`}`);
      lines.push(...caseDetailLines(c));
    }
  }
  // the closing line has the plain `N passed, N failed` shape CI logs are read for
  lines.push('', `vectors: ${result.passed} passed, ${result.failed} failed`);
  return lines;
}
