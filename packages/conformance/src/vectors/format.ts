/**
 * The reference-vector file format `linux-pte-oracle/1` (see vectors/README.md):
 * one file per variant and era, computed from the real kernel macros.
 * 64-bit-capable numbers are lowercase hex strings zero-padded to the C width.
 */
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

export class VectorFormatError extends Error {
  override readonly name = 'VectorFormatError';
}

/** Which era a vector file names: 2.6.20 files hold the 2.6.21 encodings. */
export function vectorEra(file: VectorFile): '2.6.21' | '6.18' {
  if (/^Linux 2\.6\.2[01]\b/.test(file.kernel) || file.variant.startsWith('v2.6.')) return '2.6.21';
  if (/^Linux 6\.18\b/.test(file.kernel) || file.variant.startsWith('v6.18')) return '6.18';
  throw new VectorFormatError(`vector file for ${file.variant}: kernel '${file.kernel}' is neither 2.6.20/2.6.21 nor 6.18`);
}

export function parseVectorFile(text: string, origin: string): VectorFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new VectorFormatError(`${origin}: not JSON (${(error as Error).message})`);
  }
  const file = json as VectorFile;
  if (!file || typeof file !== 'object' || file.format !== 'linux-pte-oracle/1') {
    throw new VectorFormatError(`${origin}: format is '${String((file as { format?: unknown })?.format)}', expected 'linux-pte-oracle/1'`);
  }
  if (typeof file.variant !== 'string' || typeof file.kernel !== 'string' || !Array.isArray(file.vectors)) {
    throw new VectorFormatError(`${origin}: missing 'variant', 'kernel' or 'vectors'`);
  }
  return file;
}
