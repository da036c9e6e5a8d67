/**
 * Where the riscv facts come from. Every line range cited in this package
 * was read in the Linux 6.18.2 release tree, mirror gfunkmonk/linux-6.18.2
 * at commit 062668f4d (its files under arch/riscv, include/linux and mm are
 * the same blobs as the tree import 57dc26c9 the reference vectors name).
 *
 * riscv did not exist in 2.6.21 (the port was merged in v4.15), so this
 * backend declares the 6.18 era only.
 */
export const V618 = 'v6.18.2';
