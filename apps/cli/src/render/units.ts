/**
 * Sizes for people: page and byte counts can exceed 2^64 (a 2^56-page swap
 * device of 4 KiB pages), so everything here is BigInt.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] as const;

/** `64 GiB` when exact, `64 GiB − 8 KiB` just below a unit, else `~63.5 GiB`. */
export function bytes(value: bigint): string {
  if (value < 1024n) return `${value} B`;
  let unit = 0;
  let scale = 1n;
  while (unit < UNITS.length - 1 && value >= scale * 1024n) {
    scale *= 1024n;
    unit++;
  }
  if (value % scale === 0n) return `${value / scale} ${UNITS[unit]}`;
  // kernel limits are often a power of two less a page or two: say so exactly
  const whole = (value / scale + 1n) * scale;
  if (whole - value < scale / 1024n) return `${bytes(whole)} − ${bytes(whole - value)}`;
  const tenths = (value * 10n) / scale;
  return `~${tenths / 10n}.${tenths % 10n} ${UNITS[unit]}`;
}

/** `4K`, `64K`, `2M`: a page size. */
export function pageSize(size: number): string {
  return size >= 1 << 20 ? `${size / (1 << 20)}M` : `${size / 1024}K`;
}

/** `0x1f`, unpadded. */
export function shortHex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/** `0x1234 (4660)`: hex with the decimal beside it where that helps. */
export function hexDec(value: bigint): string {
  return value < 10n ? `${value}` : `${shortHex(value)} (${value})`;
}
