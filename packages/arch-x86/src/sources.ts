/**
 * Where the x86 facts come from. 2.6.21 encodings are byte-identical to
 * v2.6.20 (upstream 62d0cfcb; the files listed are unchanged in v2.6.21
 * de46c337 except where noted); line numbers are those of v2.6.20, read from
 * sagsango/linux-2.6.20. 6.18 facts are from the v6.18.2 release tree
 * (gfunkmonk/linux-6.18.2 @ 57dc26c9).
 */
export const V2621 = 'v2.6.21 (= v2.6.20 for these lines)';
export const V618 = 'v6.18.2';
