/**
 * Errors of the checked layer. Each message is one line that names the bad
 * value, the valid range, and what the kernel itself would have done.
 */

/** Base class, so callers (the CLI) can tell a user error from a crash. */
export class MmsimError extends Error {
  override readonly name: string = 'MmsimError';
}

/** A value does not fit what the variant's encoding can hold. */
export class PteRangeError extends MmsimError {
  override readonly name = 'PteRangeError';
  constructor(
    message: string,
    /** what was out of range: `swap offset`, `pgoff`, `pfn`, `swap type` */
    readonly what: string,
    readonly value: bigint,
    /** the largest accepted value */
    readonly limit: bigint,
    /** what the kernel-faithful layer produces for the same input, where it produces anything */
    readonly kernelResult?: bigint,
  ) {
    super(message);
  }
}

/** The operation does not exist in this era / configuration, or the kernel would BUG(). */
export class UnsupportedOperationError extends MmsimError {
  override readonly name = 'UnsupportedOperationError';
}
