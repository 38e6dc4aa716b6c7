import { GiB, MiB } from '../memory/index.js';

/**
 * Every number behind a suggestion, named, with where it comes from: Spark's own source for
 * defaults and limits, or "our choice" with the reason. `explain <code>` prints the ones a
 * classifier uses. Thresholds that decide whether a finding fires live in the classifier's
 * meta.thresholds instead.
 */
export interface PolicyValue {
  value: number;
  /** Bytes, a factor, a count…: how `explain` prints the value. */
  unit: 'bytes' | 'factor' | 'count' | 'ms';
  why: string;
}

const p = (value: number, unit: PolicyValue['unit'], why: string): PolicyValue => ({ value, unit, why });

export const POLICY = {
  headroom: p(1.25, 'factor', 'our choice: 25% above the usage the log observed, so the next run does not sit at the limit'),
  heapGrowth: p(1.5, 'factor', 'our choice: a heap that overflowed grows by half when the log gives no peak to size it from'),
  heapStep: p(GiB, 'bytes', 'our choice: heaps are suggested in whole GiB, as people type them'),
  overheadGrowth: p(1.5, 'factor', 'our choice: an overhead that overflowed grows by at least half'),
  overheadStep: p(256 * MiB, 'bytes', 'our choice: overheads are suggested in steps of 256 MiB'),
  directBufferExtra: p(
    GiB,
    'bytes',
    'our choice: direct-buffer OOMs get at least 1 GiB more overhead (Netty pools grow in 16 MiB chunks per arena)',
  ),
  pysparkStep: p(512 * MiB, 'bytes', 'our choice: spark.executor.pyspark.memory is suggested in steps of 512 MiB'),
  pysparkMin: p(GiB, 'bytes', 'our choice: Python workers get at least 1 GiB of their own'),
  driverGrowth: p(
    2,
    'factor',
    "our choice: a driver that ran out of heap doubles (driver heaps are small next to executors, and the log rarely has the driver's peak)",
  ),
  maxResultHeadroom: p(
    1.5,
    'factor',
    'our choice: 50% above the serialized results the message reported, which stop at the first task past the limit',
  ),
  driverResultFactor: p(
    2,
    'factor',
    'our choice: the driver holds results serialized and deserialized, so its heap needs about twice maxResultSize',
  ),
  driverResultBase: p(GiB, 'bytes', "our choice: plus 1 GiB for the driver's own work"),
  partitionGrowth: p(2, 'factor', 'our choice: doubling shuffle partitions halves what each task holds'),
  sqlShufflePartitions: p(200, 'count', 'Spark default of spark.sql.shuffle.partitions (SQLConf.SHUFFLE_PARTITIONS)'),
  autoBroadcastThreshold: p(
    10 * MiB,
    'bytes',
    'Spark default of spark.sql.autoBroadcastJoinThreshold (SQLConf.AUTO_BROADCASTJOIN_THRESHOLD, 10 MiB)',
  ),
  arrowBatch: p(
    10_000,
    'count',
    'Spark default of spark.sql.execution.arrow.maxRecordsPerBatch (SQLConf.ARROW_EXECUTION_MAX_RECORDS_PER_BATCH)',
  ),
  arrowShrink: p(4, 'factor', 'our choice: Arrow batches shrink to a quarter'),
  arrowMin: p(1000, 'count', 'our choice: no smaller than 1,000 records per Arrow batch'),
  kryoBufferMaxDefault: p(
    64 * MiB,
    'bytes',
    'Spark default of spark.kryoserializer.buffer.max (internal/config/Kryo.scala KRYO_SERIALIZER_MAX_BUFFER_SIZE, .version("1.4.0"), createWithDefaultString("64m"); KryoSerializer.scala getSizeAsMb(..., "64m") before)',
  ),
  kryoBufferMaxCap: p(
    2047 * MiB,
    'bytes',
    'KryoSerializer refuses spark.kryoserializer.buffer.max of 2048m or more (KryoSerializer.scala: require maxBufferSizeMb < ByteUnit.GiB.toMiB(2), "must be less than 2048 mb"): 2047m is the largest it accepts',
  ),
  kryoGrowth: p(
    2,
    'factor',
    "our choice: the buffer's maximum doubles — Kryo names only the write that did not fit, not the object's whole size, and grows its own buffer by doubling (Output.require)",
  ),
  kryoStep: p(64 * MiB, 'bytes', 'our choice: Kryo buffers are suggested in steps of 64 MiB'),
  memoryFractionStep: p(0.1, 'factor', 'our choice: spark.memory.fraction moves by 0.1 at a time'),
  memoryFractionFloor: p(
    0.4,
    'factor',
    'our choice: spark.memory.fraction is not lowered to or below 0.4, where the unified pool would starve',
  ),
  offHeapGrowth: p(1.5, 'factor', 'our choice: an off-heap pool that overflowed grows by half'),
  g1HeapFloor: p(
    8 * GiB,
    'bytes',
    "our choice: from 8 GiB heaps on, G1 is suggested over Java 8's default Parallel collector (long full-GC pauses grow with the heap)",
  ),
  underusedHeadroom: p(1.5, 'factor', 'our choice: an underused heap is trimmed to its peak plus 50%'),
  underusedFloor: p(2 * GiB, 'bytes', 'our choice: an underused heap is never trimmed below 2 GiB'),
  metaspaceCap: p(
    GiB,
    'bytes',
    'our choice: an explicit -XX:MaxMetaspaceSize=1g fails early with a clear error instead of eating the overhead',
  ),
  // RAPIDS Accelerator (NVIDIA/spark-rapids sql-plugin/src/main/scala/com/nvidia/spark/rapids/RapidsConf.scala).
  // RapidsConf has no .version(): spark.rapids.sql.concurrentGpuTasks, spark.rapids.memory.gpu.allocFraction are
  // in the oldest RapidsConf read (defaults 1 and 0.9, beside spark.rapids.memory.gpu.pooling.enabled);
  // maxAllocFraction and minAllocFraction came later (both present at commit 000868ac).
  rapidsConcurrentGpuTasksDefault: p(
    2,
    'count',
    'RAPIDS default of spark.rapids.sql.concurrentGpuTasks (RapidsConf.CONCURRENT_GPU_TASKS: createWithDefault(2) at NVIDIA/spark-rapids 000868ac; 1 in the oldest releases; the newest leave it unset and adjust it at run time)',
  ),
  gpuTaskShrink: p(
    2,
    'factor',
    "our choice: halve the tasks sharing the GPU (NVIDIA's best practices for a GPU OOM: lower spark.rapids.sql.concurrentGpuTasks, down to 1)",
  ),
  rapidsAllocFractionFloor: p(
    0.9,
    'factor',
    'RAPIDS default of spark.rapids.memory.gpu.allocFraction in older releases (RapidsConf.RMM_ALLOC_FRACTION, 0.9; 1 at 000868ac): a pool set below it is one the user shrank',
  ),
  rapidsMaxAllocFractionDefault: p(
    1,
    'factor',
    'RAPIDS default of spark.rapids.memory.gpu.maxAllocFraction (RapidsConf.RMM_ALLOC_MAX_FRACTION: createWithDefault(1) at 000868ac; it must stay ≥ allocFraction)',
  ),
  // HotSpot (src/hotspot/share/runtime/arguments.cpp): OopEncodingHeapMax = (max_juint + 1) <<
  // LogMinObjAlignmentInBytes, 4 GiB × 8 = 32 GiB with the default 8-byte ObjectAlignmentInBytes;
  // Arguments::set_use_compressed_oops() turns UseCompressedOops off when MaxHeapSize exceeds
  // max_heap_for_compressed_oops(), that less the null page and alignment.
  compressedOopsMax: p(
    32 * GiB,
    'bytes',
    'HotSpot disables compressed object pointers above this heap (OopEncodingHeapMax, 2^32 × 8-byte alignment; OpenJDK arguments.cpp set_use_compressed_oops)',
  ),
  compressedOopsHeap: p(
    31 * GiB,
    'bytes',
    'our choice: the largest whole-GiB heap that keeps compressed object pointers (32g itself is past the limit by the null page)',
  ),
  uncompressedFactor: p(
    1.5,
    'factor',
    'our choice: without compressed pointers every reference and class pointer takes 8 bytes, not 4; a reference-heavy Spark heap needs about 1.5× the bytes for the same objects',
  ),
  uncompressedBandTop: p(
    48 * GiB,
    'bytes',
    'compressedOopsMax × uncompressedFactor: a heap between 32 GiB and this holds no more objects than 31g does, so no heap is suggested in that band',
  ),
  filesMaxPartitionBytes: p(
    128 * MiB,
    'bytes',
    'Spark default of spark.sql.files.maxPartitionBytes (SQLConf.FILES_MAX_PARTITION_BYTES, 128 MiB, since 2.0.0)',
  ),
} as const;

export type PolicyKey = keyof typeof POLICY;
