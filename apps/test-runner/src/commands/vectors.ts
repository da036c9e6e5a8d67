/**
 * `mmsim-test vectors [--json] [FILE...]`: replay reference-vector files
 * (format linux-pte-oracle/1) through the backend variant each file names.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  bundledVectorFiles,
  checkVectorFile,
  parseVectorFile,
  variantForVectors,
  type VectorFailure,
  type VectorFile,
  type VectorReport,
} from '@mmsim/conformance';
import type { BackendV1, Variant } from '@mmsim/core';
import pc from 'picocolors';
import { UsageError } from '../errors.js';
import { oneLine, showValue, table } from '../format.js';

/** A vector file read, parsed and matched to its variant. */
export interface LoadedVectorFile {
  /** the path as given (bundled files: their base name) */
  readonly name: string;
  readonly path: string;
  readonly file: VectorFile;
  readonly variant: Variant;
}

export interface VectorsResult {
  readonly passed: number;
  readonly failed: number;
  readonly failures: VectorFailure[];
  readonly reports: VectorReport[];
}

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** Read, parse and locate one file; throws UsageError with one line naming the file. */
export function loadVectorFile(path: string, backends: readonly BackendV1[], name: string = path): LoadedVectorFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new UsageError(`${name}: cannot read (${READ_ERRORS[code] ?? oneLine((error as Error).message)})`);
  }
  try {
    const file = parseVectorFile(text, name);
    return { name, path, file, variant: variantForVectors(file, backends) };
  } catch (error) {
    const message = oneLine((error as Error).message);
    throw new UsageError(message.startsWith(`${name}:`) ? message : `${name}: ${message}`);
  }
}

/** The files to check: those given, or every bundled one. */
export function vectorPaths(files: readonly string[]): { path: string; name: string }[] {
  if (files.length > 0) return files.map((path) => ({ path, name: path }));
  return bundledVectorFiles().map((path) => ({ path, name: basename(path) }));
}

/**
 * Load every file first (so a bad one stops the run before anything is
 * reported), then check each. Throws UsageError listing every bad file.
 */
export function checkVectorFiles(files: readonly string[], backends: readonly BackendV1[]): VectorsResult {
  const loaded: LoadedVectorFile[] = [];
  const problems: string[] = [];
  for (const { path, name } of vectorPaths(files)) {
    try {
      loaded.push(loadVectorFile(path, backends, name));
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));

  const reports: VectorReport[] = [];
  for (const { name, file, variant } of loaded) {
    try {
      reports.push(checkVectorFile(variant, file, name));
    } catch (error) {
      // a malformed constants block or vector list, beyond what one vector's check catches
      throw new UsageError(`${name}: invalid vector file (${oneLine((error as Error).message)})`);
    }
  }
  return {
    passed: reports.reduce((n, r) => n + r.passed, 0),
    failed: reports.reduce((n, r) => n + r.failed, 0),
    failures: reports.flatMap((r) => r.failures),
    reports,
  };
}

/** The --json document: exactly one object. */
export function vectorsJson(result: VectorsResult): string {
  return JSON.stringify({ passed: result.passed, failed: result.failed, failures: result.failures }, null, 2);
}

function describeInput(input: Readonly<Record<string, unknown>> | undefined): string {
  if (!input) return '';
  return Object.entries(input)
    .map(([key, value]) => `${key}=${key === 'prot_name' ? String(value) : showValue(value)}`)
    .join(' ');
}

/** The readable report: a per-file summary, then every failure. */
export function vectorsText(result: VectorsResult): string[] {
  const lines: string[] = [];
  const rows = result.reports.map((r) => [
    r.file,
    r.variant,
    String(r.passed),
    r.failed > 0 ? pc.red(String(r.failed)) : '0',
  ]);
  lines.push(
    `${result.reports.length} vector file${result.reports.length === 1 ? '' : 's'}; each vector, and each file's constants block, is one check`,
    '',
    ...table(
      [{ header: 'file' }, { header: 'variant' }, { header: 'passed', align: 'right' }, { header: 'failed', align: 'right' }],
      rows,
    ),
  );
  for (const report of result.reports) {
    if (report.failures.length === 0) continue;
    lines.push('', pc.red(`FAIL ${report.file} (${report.variant}): ${report.failed} of ${report.passed + report.failed} checks`));
    for (const f of report.failures) {
      const where = f.index < 0 ? 'constants' : `vector #${f.index}`;
      lines.push(`  ${where}  op ${f.op}  field ${pc.bold(f.field)}  variant ${report.variant}`);
      const input = describeInput(f.input);
      if (input) lines.push(`    input     ${input}`);
      if (f.note) lines.push(`    note      ${f.note}`);
      lines.push(`    expected  ${showValue(f.expected)}`);
      lines.push(`    actual    ${showValue(f.actual)}`);
    }
  }
  // the closing line has the plain `N passed, N failed` shape CI logs are read for
  lines.push('', `vectors: ${result.passed} passed, ${result.failed} failed`);
  return lines;
}
