/**
 * Size strings parsed as Spark parses them: JavaUtils.byteStringAs
 * (common/utils/src/main/java/org/apache/spark/network/util/JavaUtils.java): lower-cased and trimmed,
 * `([0-9]+)([a-z]+)?`, suffixes b k kb m mb g gb t tb p pb (binary multiples), no suffix meaning the
 * setting's own unit; fractions are refused.
 */
export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

const SUFFIX: Record<string, number> = {
  b: 1, k: KiB, kb: KiB, m: MiB, mb: MiB, g: GiB, gb: GiB, t: 1024 * GiB, tb: 1024 * GiB, p: 1024 ** 5, pb: 1024 ** 5,
};

/** A setting Spark itself would refuse; the message names the key. */
export class MemoryConfigError extends Error {
  override readonly name = 'MemoryConfigError';
}

/** Bytes for `value` of setting `key`, whose bare numbers are in `defaultUnit` bytes (1 or MiB). */
export function parseSize(key: string, value: string, defaultUnit: number): number {
  const s = value.trim().toLowerCase();
  const m = /^([0-9]+)([a-z]+)?$/.exec(s);
  if (!m) {
    const frac = /^([0-9]+\.[0-9]+)([a-z]+)?$/.exec(s);
    if (frac) throw new MemoryConfigError(`${key}=${value}: fractional values are not supported (Spark: "Fractional values are not supported. Input was: ${frac[1]}")`);
    throw new MemoryConfigError(`${key}=${value}: not a size (Spark: "Failed to parse byte string: ${value}")`);
  }
  const unit = m[2] === undefined ? defaultUnit : SUFFIX[m[2]];
  if (unit === undefined) throw new MemoryConfigError(`${key}=${value}: invalid suffix "${m[2]}" (use b, k, m, g, t or p)`);
  return Number(m[1]) * unit;
}

/** Whole MiB, as ResourceProfile and the cluster managers round an amount (truncating). */
export const toMiB = (bytes: number): number => Math.floor(bytes / MiB);

export function parseFraction(key: string, value: string): number {
  const n = Number(value.trim());
  if (!Number.isFinite(n) || value.trim() === '') throw new MemoryConfigError(`${key}=${value}: not a number`);
  return n;
}

export function parseBool(key: string, value: string): boolean {
  const s = value.trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw new MemoryConfigError(`${key}=${value}: not true or false`);
}

export function parseIntStrict(key: string, value: string): number {
  const s = value.trim();
  if (!/^[0-9]+$/.test(s)) throw new MemoryConfigError(`${key}=${value}: not a whole number`);
  return Number(s);
}
