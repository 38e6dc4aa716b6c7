import type { MemoryData, MemoryErrorCode } from '../memory/index.js';
import type { ClusterManager } from '../state/app.js';

/**
 * Remediation messages: an id and its data (sizes in bytes, shares as fractions). The words are in
 * src/render/words/remedies.ts. A remediation with `conf` null is advice without a setting.
 */
export interface RemedyData {
  /** A bigger executor heap; `why` says what filled it. `container` is the executor container after. */
  /** `container`: the executor container it makes; null without a layout to compute it. */
  'more-heap': { why: HeapWhy; container: number | null };
  /** Fewer cores per executor: `share` is each task's execution memory after, `perTaskMax` before. */
  'fewer-cores': { share: number; perTaskMax: number; outsideHeap: null | { python: boolean } };
  'more-partitions': Record<string, never>;
  'adaptive-skew': Record<string, never>;
  /** Give Python workers spark.executor.pyspark.memory of their own. */
  'pyspark-own-memory': { pyspark: number; container: number };
  /**
   * More room outside the heap: `room` is what the need asks for — `margin` above what the process
   * used outside the heap (`used` − heap) when YARN said, else the room it had grown by `margin` —
   * met by an overhead of `overhead`; `limit` is the limit it ran at (`limitFrom`: stated in the
   * message, or computed from the configuration or a pod's limit).
   */
  'raise-overhead': {
    used: number | null;
    limit: number;
    limitFrom: 'message' | 'configuration' | 'pod';
    outsideHeap: number | null;
    margin: number;
    room: number;
    overhead: number;
    container: number;
  };
  /** The same room taken from a heap the log shows underused: the container stays the same. */
  'shift-heap-to-overhead': { peak: number; heapBefore: number; heap: number; overhead: number; container: number };
  /** Do not raise the heap for a container kill; `factor`: the overhead grows with the heap by this (null: set explicitly). */
  /** factor: the overhead's factor of the heap, null when the overhead is set; minimum/until: the overhead sits at its minimum until the heap reaches `until`. */
  'keep-heap-container-kill': { factor: number | null; minimum: number | null; until: number | null };
  'driver-double-heap': Record<string, never>;
  'local-mode': Record<string, never>;
  'driver-results-hint': Record<string, never>;
  /** The layout could not be computed; the fix is named without values. */
  'raise-heap-no-layout': { layout: LayoutProblem };
  'raise-execution-no-layout': { layout: LayoutProblem };
  'raise-overhead-no-layout': { layout: LayoutProblem };
  'raise-overhead-plain': Record<string, never>;
  'persist-less': Record<string, never>;
  'lower-memory-fraction': { grow: number; userAfter: number };
  'split-huge-record': Record<string, never>;
  'keep-heap-array-limit': Record<string, never>;
  'stop-auto-broadcast': Record<string, never>;
  /** The same without a layout (hence no plan): set spark.sql.autoBroadcastJoinThreshold to -1. */
  'stop-auto-broadcast-plain': Record<string, never>;
  'shuffle-join-hint': Record<string, never>;
  'driver-broadcast-heap': Record<string, never>;
  'overhead-direct-buffers': { container: number };
  'heap-shuffle-buffers': Record<string, never>;
  'find-driver-end': { manager: ClusterManager; appId: string | null };
  'driver-memory-if-oom': Record<string, never>;
  'confirm-sigkill': Record<string, never>;
  'use-g1': { heap: number };
  'shrink-heap': { saves: number };
  'network-timeout': Record<string, never>;
  'spill-task-share': { perTaskMin: number; perTaskMax: number };
  /**
   * `required`: the bytes of the write that did not fit, when the message says; `buffer`: the maximum the
   * buffer ran with and where that figure comes from; `needed`: what the object took at least (the full
   * buffer and that write), when the message says; `basis`: the value is the maximum doubled, or `needed`
   * with POLICY.headroom, whichever is more; `capped`: the value stops at Kryo's cap (2047m).
   */
  'kryo-buffer': {
    required: number | null;
    buffer: number;
    bufferFrom: 'message' | 'configuration' | 'default';
    needed: number | null;
    basis: 'doubled' | 'needed';
    capped: boolean;
  };
  /** The buffer ran at (or the object needs more than) Kryo's cap, `cap`: no setting can hold it. */
  'kryo-at-cap': { buffer: number; required: number | null; cap: number };
  'collect-less': Record<string, never>;
  /** `seen`: the serialized results the message reported. */
  'max-result-size': { seen: number };
  'driver-holds-results': Record<string, never>;
  'metaspace-cap': { doubled: boolean };
  'metaspace-causes': Record<string, never>;
  'thread-limits': Record<string, never>;
  'offheap-grow': { slots: number; container: number };
  'offheap-raise': Record<string, never>;
  /** spark.memory.offHeap.size counts only with the off-heap pool switched on. */
  'offheap-enable': Record<string, never>;
  'pod-request': Record<string, never>;
  'node-reserve': Record<string, never>;
  'pyspark-limit': { doubled: boolean; container: number };
  'arrow-batch': Record<string, never>;
  faulthandler: Record<string, never>;
  'salt-keys': Record<string, never>;
  /** The YARN AM (driver) container was killed; `used` as YARN reported it. */
  'driver-overhead': { used: number | null };
  'vmem-check-off': Record<string, never>;
  'vmem-ratio': Record<string, never>;
  'keep-spark-memory-vmem': Record<string, never>;
  /** Where the exited process's own log is, for this cluster manager. */
  'read-container-log': { manager: ClusterManager; appId: string | null };
  'fetch-failed-cause': Record<string, never>;
  'context-shutdown-cause': Record<string, never>;
  /** A task threw `exception` (a class name): not memory. */
  'task-exception': { exception: string };
  'job-failure-read': { manager: ClusterManager; appId: string | null };
  /** Kyuubi's JVM Quake killed a JVM that spent its time in GC: the heap, like gc-overhead. */
  'quake-threshold': Record<string, never>;
  /** The log is still being written: wait for it, or find out whether the driver still runs. */
  'check-running': { manager: ClusterManager; appId: string | null };
  /** A stated limit below the computed one: the job ran with other settings than the log shows. */
  'check-submitted-settings': Record<string, never>;
  /** A client-mode YARN application master (ExecutorLauncher) ran out of heap: spark.yarn.am.memory, not the driver's. */
  'am-memory': Record<string, never>;
  /** The off-heap pool the message states (Gluten's spark.gluten.memory.offHeap.size.in.bytes) and each task's cap. */
  'offheap-stated': { stated: number; taskCap: number | null };
  /** The driver's own Python process (toPandas, collect) ran out of memory: outside every JVM setting. */
  'driver-python-memory': Record<string, never>;
  /** A Python worker crashed with a faulthandler dump (`fatal`: the signal Python named): a native crash, not memory. */
  'python-native-crash': { fatal: string | null };
  /** A hash join's build side outgrew a task's memory: stop broadcasting it (a sort-merge join spills). */
  'hash-build-side': Record<string, never>;
  /** Spark refuses to start a JVM whose heap is under `minimum` bytes. */
  'heap-minimum': { minimum: number };
  /** A pod that is not Spark's was OOMKilled: its own memory limit, nothing in Spark's settings. */
  'not-spark-pod': Record<string, never>;
  /** The SIGKILL was the JVM's own -XX:OnOutOfMemoryError hook: fix the OutOfMemoryError, not the container. */
  'onoom-explained': Record<string, never>;
  /** RAPIDS: fewer tasks on the GPU at once; `tasks` ran (`set`: by the user, else the plugin's default). */
  'gpu-fewer-tasks': { tasks: number; set: boolean };
  /** RAPIDS: the RMM pool's starting share of GPU memory was set to `fraction`, below the plugin's default. */
  'gpu-pool-fraction': { fraction: number };
  /** RAPIDS: the RMM pool was capped at `fraction` of GPU memory (spark.rapids.memory.gpu.maxAllocFraction). */
  'gpu-pool-max': { fraction: number };
  /** RAPIDS: a file scan could not split its input: smaller file splits than the `splits` bytes it read. */
  'gpu-smaller-splits': { splits: number };
  /** A GPU OOM: the JVM heap is not where it ran out. */
  'keep-heap-gpu': Record<string, never>;
  /**
   * A heap past the compressed-pointer limit gains nothing (plan/oops.ts): kept at `heap`, shared by
   * `cores` tasks instead of `coresBefore`, each has the share a heap of `need` would give the tasks it ran.
   */
  'heap-at-oops-limit': { heap: number; need: number; cores: number; coresBefore: number; limit: number };
  /** Smaller input splits: a stage that reads files, not shuffle output, spilled. */
  'smaller-input-splits': Record<string, never>;
  /** A stage read a shuffle of `partitions` partitions the code chose, not spark.sql.shuffle.partitions (`setting`). */
  'more-partitions-in-code': { stage: string; partitions: number; setting: number };
  /** Only a heap past the band without compressed pointers holds what is needed: `heap`, the container `container`. */
  'heap-past-oops-band': {
    role: 'executor' | 'driver';
    why: HeapWhy | null;
    heap: number;
    need: number;
    limit: number;
    container: number | null;
  };
}

/** What filled the heap, for a "more heap" remediation. */
export type HeapWhy =
  | { kind: 'execution-slots'; slots: number }
  | { kind: 'storage' }
  | { kind: 'user' }
  | { kind: 'peaked'; peak: number; heap: number }
  | { kind: 'filled' }
  | { kind: 'asked'; asked: number; got: number; slots: number; perTaskMin: number; perTaskMax: number }
  | { kind: 'task-share'; slots: number; perTaskMin: number; perTaskMax: number }
  | { kind: 'gc'; share: number }
  | { kind: 'heartbeat' }
  /** Spark's own floor: the heap must be at least `minimum` bytes (1.5 × the 300 MiB it reserves). */
  | { kind: 'minimum'; minimum: number };

/**
 * Why no memory layout could be computed for an application: the heap is unknown (no event log
 * and no -Xmx), or Spark would refuse the configuration (`config`: the memory model's own error).
 */
export type LayoutProblem = { code: 'heap-unknown' } | { code: 'config'; error: { code: MemoryErrorCode; data: MemoryData } };

export type RemedyId = keyof RemedyData;
export type RemedyMessage = { [K in RemedyId]: { messageId: K; data: RemedyData[K] } }[RemedyId];
