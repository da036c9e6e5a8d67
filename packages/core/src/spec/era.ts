/**
 * Kernel eras mmsim models. 2.6.21's encodings are byte-identical to 2.6.20's
 * (the reference vectors name 2.6.20); 6.18 is the modern era, after nonlinear
 * mappings were removed (v4.0) and swap types were renumbered.
 */
export const ERAS = ['2.6.21', '6.18'] as const;
export type Era = (typeof ERAS)[number];

export function isEra(text: string): text is Era {
  return (ERAS as readonly string[]).includes(text);
}

/** Accepts `2.6.20` as the name the vectors use for the 2.6.21 encodings. */
export function normalizeEra(text: string): Era | undefined {
  if (text === '2.6.20') return '2.6.21';
  return isEra(text) ? text : undefined;
}
