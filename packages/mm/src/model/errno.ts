export type Errno = 'EINVAL' | 'ENOMEM' | 'EFAULT' | 'EPERM' | 'EACCES' | 'ENODEV' | 'EBUSY' | 'EAGAIN' | 'ENOSYS' | 'EEXIST' | 'ENOENT' | 'EBADF' | 'ESRCH' | 'ENOSPC' | 'EOVERFLOW';

/**
 * A syscall's failure, by errno name, with the kernel's reason in words. It
 * is the syscall's answer, not a bug: it carries no stack trace (capturing
 * one was a twentieth of the random-sequence tests' time, where refused
 * syscalls are common), so MMSIM_DEBUG shows only the message for it.
 */
export class SyscallError extends Error {
  override readonly name: string = 'SyscallError';
  readonly errno: Errno;
  readonly reason: string;
  constructor(errno: Errno, reason: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(`${errno}: ${reason}`);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.errno = errno;
    this.reason = reason;
  }
}

/**
 * A request the kernel would accept but the model cannot represent exactly
 * (a file offset beyond 2^53 pages, which no JS number holds): refused in
 * words rather than run inexactly. The CLI reports it as a refusal (exit 1).
 */
export class NotModelled extends Error {
  override readonly name = 'NotModelled';
}
