/**
 * The type of each setting the memory model reads, to refuse a --conf value no version of Spark could
 * parse before anything is read: a typo on the command line is bad usage, not a fact about the
 * application. Only the syntax is checked here; what a version does with a well-formed value
 * (a unit on a 1.x YARN overhead, a fraction above 1, a heap below the minimum) is the model's.
 */
import { FACTOR_RULES, LEGACY_MODE, MIN_OVERHEAD_RULES, OVERHEAD_KEYS, YARN_AM } from './rules.js';
import { parseBool, parseFraction, parseIntStrict, parsePlainIntMiB, parseSize } from './sizes.js';

type ConfType =
  /** JavaUtils.byteStringAs (bytesConf, Utils.memoryStringToMb): `[0-9]+` and an optional b/k/m/g/t/p suffix. */
  | 'size'
  /** SparkConf.getInt of MiB: a unit is a NumberFormatException in every version (Mesos overheads). */
  | 'int-mib'
  /** SparkConf.getInt / getLong (counts, spark.testing.* byte amounts). */
  | 'int'
  /** SparkConf.getDouble / doubleConf. */
  | 'number'
  /** SparkConf.getBoolean / booleanConf. */
  | 'boolean';

const overheadType = (key: string): ConfType =>
  // A key that is getInt in one version and a size in another (spark.yarn.*.memoryOverhead, 1.x then 2.0+)
  // takes a size: a plain number is good for both, and the version decides about a unit (the model's 'int-with-unit').
  OVERHEAD_KEYS.filter((r) => r.key === key).every((r) => r.unit === 'int-mib') ? 'int-mib' : 'size';

const CONF_TYPES: ReadonlyMap<string, ConfType> = new Map<string, ConfType>([
  // ConfigBuilder bytesConf in core/src/main/scala/org/apache/spark/internal/config/package.scala
  ['spark.executor.memory', 'size'],
  ['spark.driver.memory', 'size'],
  ['spark.executor.pyspark.memory', 'size'],
  ['spark.memory.offHeap.size', 'size'],
  ['spark.driver.maxResultSize', 'size'],
  [YARN_AM.memoryKey, 'size'],
  [YARN_AM.overheadKey, 'size'],
  ...OVERHEAD_KEYS.map((r): [string, ConfType] => [r.key, overheadType(r.key)]),
  ...MIN_OVERHEAD_RULES.map((r): [string, ConfType] => [r.key, 'size']),
  // intConf / longConf / SparkConf.getLong
  ['spark.executor.cores', 'int'],
  ['spark.task.cpus', 'int'],
  ['spark.testing.memory', 'int'],
  ['spark.testing.reservedMemory', 'int'],
  // doubleConf / SparkConf.getDouble
  ['spark.memory.fraction', 'number'],
  ['spark.memory.storageFraction', 'number'],
  ['spark.shuffle.memoryFraction', 'number'],
  ['spark.shuffle.safetyFraction', 'number'],
  ['spark.storage.memoryFraction', 'number'],
  ['spark.storage.safetyFraction', 'number'],
  ['spark.storage.unrollFraction', 'number'],
  ...FACTOR_RULES.flatMap((r) => r.keys.map((k): [string, ConfType] => [k, 'number'])),
  // booleanConf
  ['spark.memory.offHeap.enabled', 'boolean'],
  [LEGACY_MODE.key, 'boolean'],
]);

/**
 * Throws the MemoryConfigError the model would for a value of `key` that is not of its type (a size,
 * a whole number, a number, true or false); a key whose type is not known is taken as it is.
 */
export function checkConfValue(key: string, value: string): void {
  switch (CONF_TYPES.get(key)) {
    case 'size':
      parseSize(key, value, 1);
      return;
    case 'int-mib':
      parsePlainIntMiB(key, value);
      return;
    case 'int':
      parseIntStrict(key, value);
      return;
    case 'number':
      parseFraction(key, value);
      return;
    case 'boolean':
      parseBool(key, value);
      return;
    case undefined:
      return;
  }
}
