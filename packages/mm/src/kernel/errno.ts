/** A syscall's failure, by errno name, with the kernel's reason in words. */
export class SyscallError extends Error {
  override readonly name: string = 'SyscallError';
  constructor(
    readonly errno: 'EINVAL' | 'ENOMEM' | 'EFAULT' | 'EPERM' | 'EACCES' | 'ENODEV' | 'EBUSY' | 'EAGAIN' | 'ENOSYS' | 'EEXIST' | 'ENOENT' | 'EBADF' | 'ESRCH' | 'ENOSPC',
    readonly reason: string,
  ) {
    super(`${errno}: ${reason}`);
  }
}
