/**
 * Size strings parsed as Spark parses them: JavaUtils.byteStringAs
 * (common/network-common/src/main/java/org/apache/spark/network/util/JavaUtils.java, 1.4+): lower-cased
 * and trimmed, `([0-9]+)([a-z]+)?`, suffixes b k kb m mb g gb t tb p pb (binary multiples), no suffix
 * meaning the setting's own unit; fractions are refused; a number above Long.MAX_VALUE is refused
 * (Long.parseLong, then ByteUnit.convertTo's overflow check).
 */
import { MemoryConfigError } from './errors.js';

const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

const SUFFIX: Record<string, bigint> = {
  b: 1n,
  k: 1024n,
  kb: 1024n,
  m: 1024n ** 2n,
  mb: 1024n ** 2n,
  g: 1024n ** 3n,
  gb: 1024n ** 3n,
  t: 1024n ** 4n,
  tb: 1024n ** 4n,
  p: 1024n ** 5n,
  pb: 1024n ** 5n,
};

/** Java's Long.MAX_VALUE: the largest number of bytes Spark can hold. */
const LONG_MAX = 9223372036854775807n;
/** Java's Int.MaxValue: Spark keeps MiB amounts (heap, overhead) in Ints (YarnAllocator, ResourceProfile `.toInt`). */
const INT_MAX = 2147483647;

/** Bytes for `value` of setting `key`, whose bare numbers are in `defaultUnit` bytes (1 or MiB). */
export function parseSize(key: string, value: string, defaultUnit: number): number {
  const s = value.trim().toLowerCase();
  const m = /^([0-9]+)([a-z]+)?$/.exec(s);
  if (!m) {
    const frac = /^([0-9]+\.[0-9]+)([a-z]+)?$/.exec(s);
    if (frac) throw new MemoryConfigError('size-fractional', { key, value, number: frac[1]! });
    throw new MemoryConfigError('size-unparseable', { key, value });
  }
  const unit = m[2] === undefined ? BigInt(defaultUnit) : SUFFIX[m[2]];
  if (unit === undefined) throw new MemoryConfigError('size-bad-suffix', { key, value, suffix: m[2]! });
  const n = BigInt(m[1]!);
  const bytes = n * unit;
  if (n > LONG_MAX || bytes > LONG_MAX) throw new MemoryConfigError('size-overflow', { key, value, limit: LONG_MAX.toString() });
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER))
    throw new MemoryConfigError('size-too-large', { key, value, limit: Number.MAX_SAFE_INTEGER });
  return Number(bytes);
}

/** Whole MiB, as Utils.memoryStringToMb, ResourceProfile and the cluster managers round an amount (truncating). */
export const toMiB = (bytes: number): number => Math.floor(bytes / MiB);

/** A MiB amount Spark holds in an Int: past Int.MaxValue it would wrap. */
export function checkIntMiB(key: string, value: string, mib: number): number {
  if (mib > INT_MAX) throw new MemoryConfigError('size-too-large', { key, value, limit: INT_MAX * MiB });
  return mib;
}

/** SparkConf.getInt on a size (Mesos overhead, YARN 1.x overhead): a plain integer of MiB, a unit is a NumberFormatException. */
export function parsePlainIntMiB(key: string, value: string): number {
  const s = value.trim();
  if (!/^-?[0-9]+$/.test(s)) throw new MemoryConfigError('int-with-unit', { key, value });
  const n = Number(s);
  if (n > INT_MAX) throw new MemoryConfigError('size-too-large', { key, value, limit: INT_MAX * MiB });
  return n;
}

export function parseFraction(key: string, value: string): number {
  const n = Number(value.trim());
  if (!Number.isFinite(n) || value.trim() === '') throw new MemoryConfigError('not-a-number', { key, value });
  return n;
}

export function parseBool(key: string, value: string): boolean {
  const s = value.trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw new MemoryConfigError('not-a-boolean', { key, value });
}

export function parseIntStrict(key: string, value: string): number {
  const s = value.trim();
  if (!/^[0-9]+$/.test(s)) throw new MemoryConfigError('not-an-integer', { key, value });
  return Number(s);
}
