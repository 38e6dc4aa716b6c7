/**
 * Copies an LZ77 back-reference of `len` bytes from `offset` bytes back, at `d`; returns the new
 * output position. A reference shorter than its length overlaps what it writes (a run), and must be
 * copied byte by byte, as LZ4, Snappy and LZF all define it.
 */
export function copyMatch(dst: Uint8Array, d: number, offset: number, len: number): number {
  let m = d - offset;
  if (offset >= len) {
    dst.copyWithin(d, m, m + len);
    return d + len;
  }
  const stop = d + len;
  while (d < stop) dst[d++] = dst[m++]!;
  return d;
}
