/** A syscall's failure, by errno name, with the kernel's reason in words. */
export class SyscallError extends Error {
  override readonly name: string = 'SyscallError';
  constructor(
    readonly errno: 'EINVAL' | 'ENOMEM' | 'EFAULT' | 'EPERM' | 'EACCES' | 'ENODEV' | 'EBUSY' | 'EAGAIN' | 'ENOSYS' | 'EEXIST' | 'ENOENT' | 'EBADF' | 'ESRCH' | 'ENOSPC' | 'EOVERFLOW',
    readonly reason: string,
  ) {
    super(`${errno}: ${reason}`);
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
