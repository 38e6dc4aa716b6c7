/**
 * A setting Spark itself would refuse (or that no JVM could run). Carries a stable code and raw data;
 * the words live in src/render/memory-words.ts (memoryErrorText); `message` is the code.
 */
/** @public Every code, documented where it is declared (part of the JSON contract). */
export const MEMORY_ERROR_CODES = [
  'size-fractional', // JavaUtils.byteStringAs: "Fractional values are not supported. Input was: …"
  'size-unparseable', // JavaUtils.byteStringAs: "Failed to parse byte string: …"
  'size-bad-suffix', // JavaUtils.byteStringAs: "Invalid suffix: …"
  'size-overflow', // Long.parseLong / ByteUnit.convertTo: above Long.MAX_VALUE bytes
  'size-too-large', // our limit: past 2^53 bytes JavaScript loses exactness, past Int.MaxValue MiB Spark's .toInt wraps
  'int-with-unit', // SparkConf.getInt on a size with a unit (Mesos overhead, YARN 1.x overhead): NumberFormatException
  'not-a-number',
  'not-a-boolean',
  'not-an-integer',
  'heap-below-minimum', // UnifiedMemoryManager.getMaxMemory: Runtime.maxMemory below 1.5 × reserved (StaticMemoryManager, 2.0–2.4 legacy: below 32 MiB)
  'executor-memory-below-minimum', // UnifiedMemoryManager.getMaxMemory (SPARK-12759, 2.0+): spark.executor.memory as bytes below the minimum
  'heap-zero', // before 1.6 a bare number is bytes: under 1 MiB the JVM gets -Xmx0m
  'fraction-out-of-range', // SparkConf.validateSettings: memory fractions in [0, 1]
  'storage-fraction-one', // MEMORY_STORAGE_FRACTION.checkValue (3.0+): [0, 1)
  'overhead-factor-range', // spark.kubernetes.memoryOverheadFactor / spark.{executor,driver}.memoryOverheadFactor checkValue
  'offheap-size-zero', // MemoryManager / Utils.checkOffHeapEnabled: off-heap enabled with a size of 0 (0 MiB from 3.0)
  'task-cpus-below-one',
  'task-cpus-exceed-cores', // SparkContext (SPARK-27192, 3.0+): executor cores below spark.task.cpus
  'mesos-removed', // Spark 4.0 removed Mesos: SparkContext cannot parse the master URL
  'k8s-python-unsupported', // Spark 2.3 SparkSubmit: Python on Kubernetes arrived in 2.4
] as const;

export type MemoryErrorCode = (typeof MEMORY_ERROR_CODES)[number];
export type MemoryData = Record<string, string | number | boolean | null>;

export class MemoryConfigError extends Error {
  override readonly name = 'MemoryConfigError';
  readonly code: MemoryErrorCode;
  readonly data: MemoryData;

  constructor(code: MemoryErrorCode, data: MemoryData) {
    super(code);
    this.code = code;
    this.data = data;
  }
}
