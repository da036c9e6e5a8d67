/**
 * Reading a script or race file with a size cap: a file over the cap is
 * refused before it is read (stat first); a file stat cannot size (a FIFO,
 * /dev/zero) is read through a reader that stops at the cap. A directory,
 * a missing or unreadable file is one line naming it — an MmoSyntaxError,
 * so every caller that reports script errors reports these too.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MmoSyntaxError } from './parse.js';
import { shorten } from './values.js';

/** The largest script or race file read: 32 MiB (a 10 MB script of writes fits three times over). */
export const MAX_SCRIPT_BYTES = 32 * 1024 * 1024;

/** A script file that cannot be read, or is too big: line 1, column 1 of it. */
export class ScriptFileError extends MmoSyntaxError {
  constructor(
    file: string,
    /** why, in words, without the file:line:column prefix */
    readonly reason: string,
    /** the system error's code (ENOENT, EISDIR …), or TOO_BIG */
    readonly code: string,
  ) {
    super(shorten(file, 200), 1, 1, reason);
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a script file',
  EACCES: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

function fileError(file: string, error: unknown): ScriptFileError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return new ScriptFileError(file, Object.hasOwn(REASONS, code) ? REASONS[code]! : `cannot read it (${code || shorten(String(error), 80)})`, code);
}

/** The text of a script file, refused (ScriptFileError) when over `cap` bytes or unreadable. */
export function readScriptFile(file: string, cap = MAX_SCRIPT_BYTES): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw fileError(file, error);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new ScriptFileError(file, REASONS['EISDIR']!, 'EISDIR');
    const tooBig = (): never => {
      throw new ScriptFileError(file, `is more than ${cap} bytes (${cap / 1024 / 1024} MiB); valid: a script of at most ${cap} bytes`, 'TOO_BIG');
    };
    if (st.isFile() && st.size > cap) tooBig();
    // read in chunks up to cap + 1 bytes: a FIFO or a device has no size to stat
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.alloc(Math.min(cap + 1, 1 << 20));
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, Math.min(chunk.length, cap + 1 - total), null);
      } catch (error) {
        throw fileError(file, error);
      }
      if (n === 0) break;
      chunks.push(Buffer.from(chunk.subarray(0, n)));
      total += n;
      if (total > cap) tooBig();
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
