/**
 * The reference-vector file format `linux-pte-oracle/1` (see vectors/README.md):
 * one file per variant and era, computed from the real kernel macros.
 * 64-bit-capable numbers are lowercase hex strings zero-padded to the C width.
 */
import { eraOf, validateVectorJson } from './schema.js';

export interface VectorFile {
  readonly format: 'linux-pte-oracle/1';
  readonly variant: string;
  readonly kernel: string;
  readonly constants: Readonly<Record<string, unknown>>;
  readonly vectors: readonly Vector[];
  readonly sample?: string;
  readonly assumptions?: readonly string[];
}

export type Vector = { readonly op: string; readonly note?: string } & Readonly<Record<string, unknown>>;

/** A file that is not a well-formed vector file; `problems` holds one line each, the message all of them. */
export class VectorFormatError extends Error {
  override readonly name = 'VectorFormatError';
  readonly problems: readonly string[];
  constructor(problems: string | readonly string[]) {
    const lines = typeof problems === 'string' ? [problems] : problems;
    super(lines.join('\n'));
    this.problems = lines;
  }
}

/** Which era a vector file names: 2.6.20 files hold the 2.6.21 encodings. */
export function vectorEra(file: VectorFile): '2.6.21' | '6.18' {
  const era = eraOf(file.kernel, file.variant);
  if (!era) throw new VectorFormatError(`vector file for ${file.variant}: kernel '${file.kernel}' is neither 2.6.20/2.6.21 nor 6.18`);
  return era;
}

/**
 * Parse and check a file against the format (schema.ts); throws a
 * VectorFormatError whose problems each start with `origin: `.
 */
export function parseVectorFile(text: string, origin: string): VectorFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new VectorFormatError(`${origin}: not JSON (${(error as Error).message.replace(/\s+/g, ' ').slice(0, 120)})`);
  }
  const problems = validateVectorJson(json);
  if (problems.length > 0) throw new VectorFormatError(problems.map((line) => `${origin}: ${line}`));
  return json as VectorFile;
}
