/**
 * Where the __NAME__ facts come from: one constant per kernel tree you read,
 * used as the `version` of every `Source` in the layouts.
 *
 * REPLACE these with the trees you actually read, and say here exactly which
 * commit (a release tag, or a mirror's commit id when you read a mirror), so
 * that anyone can open the same file at the same lines. Cite facts, never
 * paste GPL text: a layout restates "type in bits 1–5", it does not copy the
 * macro.
 *
 * The example layout cites made-up files of a made-up arch; the era strings
 * mmsim models are '2.6.21' (same encodings as v2.6.20) and '6.18'.
 */
export const V618 = 'v6.18.2';
