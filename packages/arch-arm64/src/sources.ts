/**
 * Where the arm64 facts come from. Every line range cited in this package
 * was read in the Linux 6.18.2 release tree, mirror gfunkmonk/linux-6.18.2
 * at commit 062668f4d (its files under arch/arm64, include/linux and mm are
 * the same blobs as the tree import 57dc26c9 the reference vectors name).
 *
 * This backend models 4K pages with 48-bit VA and 48-bit PA and no LPA2
 * (CONFIG_ARM64_4K_PAGES, ARM64_VA_BITS_48, ARM64_PA_BITS_48,
 * CONFIG_PGTABLE_LEVELS=4). arm64 did not exist in 2.6.21 (the port was
 * merged in v3.7), so it declares the 6.18 era only.
 */
export const V618 = 'v6.18.2';
