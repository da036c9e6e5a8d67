/** The one line `mmsim` prints when its standard output cannot be written. */

const WORDS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EPIPE: 'the reader closed the pipe',
  EBADF: 'standard output is closed',
  EFBIG: 'file too large',
  EAGAIN: 'output would block',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
};

/** `mmsim: cannot write output: ENOSPC (no space left on device)` */
export function writeErrorLine(error: NodeJS.ErrnoException): string {
  const code = error.code ?? 'error';
  const words = WORDS[code] ?? (error.message || 'unknown error').replace(/\s+/g, ' ').slice(0, 80);
  return `mmsim: cannot write output: ${code} (${words})\n`;
}
