/**
 * Files a command writes (layout --svg / --html): all or nothing. Every
 * path is checked before anything is rendered or written (its folder
 * exists and is writable, it is not a folder, no two options name the same
 * file); each file is written to a temporary name in its own folder and
 * renamed over the target only once every file has been written, so a
 * failure leaves no new file and no half-written one.
 */
import { accessSync, constants, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';
import { quote } from './text.js';

export interface OutputFile {
  /** the option that named it: `--svg` */
  readonly option: string;
  /** as the user gave it */
  readonly given: string;
  /** resolved against the working directory */
  readonly path: string;
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'its folder does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'that is a folder',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'input/output error',
};

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return REASONS[code] ?? (code || (error as Error).message);
}

function refuse(file: OutputFile, why: string): never {
  throw new UsageError(`cannot write ${file.option} ${quote(file.given)}: ${why}; nothing was written`);
}

/** Check every output path before anything is written; the same file named twice is refused. */
export function planOutputs(requests: readonly { option: string; given: string }[], cwd: string): OutputFile[] {
  const files: OutputFile[] = [];
  for (const { option, given } of requests) {
    const file = { option, given, path: resolve(cwd, given) };
    if (given === '') refuse(file, 'the name is empty');
    const twin = files.find((f) => f.path === file.path);
    if (twin) throw new UsageError(`${twin.option} and ${option} name the same file ${quote(given)}: each output needs its own; nothing was written`);
    const folder = dirname(file.path);
    try {
      if (!statSync(folder).isDirectory()) refuse(file, 'its folder does not exist');
      accessSync(folder, constants.W_OK);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      refuse(file, reason(error));
    }
    const existing = statSync(file.path, { throwIfNoEntry: false });
    if (existing?.isDirectory()) refuse(file, 'that is a folder');
    if (existing && !existing.isFile()) refuse(file, 'not a regular file');
    files.push(file);
  }
  return files;
}

/** Write every file under a temporary name, then rename each over its target; on any failure, remove the temporaries. */
export function writeOutputs(files: readonly OutputFile[], contents: readonly string[]): void {
  const temps: string[] = [];
  try {
    files.forEach((file, i) => {
      const temp = join(dirname(file.path), `.${basename(file.path)}.${process.pid}.${i}.tmp`);
      temps.push(temp);
      try {
        writeFileSync(temp, contents[i]!);
      } catch (error) {
        refuse(file, reason(error));
      }
    });
  } catch (error) {
    for (const temp of temps) rmSync(temp, { force: true });
    throw error;
  }
  // every file is complete on disk: only renames remain, which do not fail for lack of space
  files.forEach((file, i) => {
    try {
      renameSync(temps[i]!, file.path);
    } catch (error) {
      for (const temp of temps.slice(i)) rmSync(temp, { force: true });
      const done = files.slice(0, i).map((f) => quote(f.given));
      throw new UsageError(`cannot write ${file.option} ${quote(file.given)}: ${reason(error)}; ${done.length ? `${done.join(', ')} already written` : 'nothing was written'}`);
    }
  });
}
