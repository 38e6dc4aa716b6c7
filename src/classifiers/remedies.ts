import type { MemoryData, MemoryErrorCode } from '../memory/index.js';
import type { ClusterManager } from '../state/app.js';

/**
 * Remediation messages: an id and its data (sizes in bytes, shares as fractions). The words are in
 * src/render/words/remedies.ts. A remediation with `conf` null is advice without a setting.
 */
export interface RemedyData {
  /** A bigger executor heap; `why` says what filled it. `container` is the executor container after. */
  'more-heap': { why: HeapWhy; container: number };
  /** Fewer cores per executor: `share` is each task's execution memory after, `perTaskMax` before. */
  'fewer-cores': { share: number; perTaskMax: number; outsideHeap: null | { python: boolean } };
  'more-partitions': Record<string, never>;
  'adaptive-skew': Record<string, never>;
  /** Give Python workers spark.executor.pyspark.memory of their own. */
  'pyspark-own-memory': { pyspark: number; container: number };
  /**
   * Raise the overhead to what the process used outside the heap plus headroom. `used` is the
   * container usage YARN reported (null when unknown), `limit` the computed container.
   */
  'raise-overhead': {
    used: number | null;
    limit: number;
    outsideHeap: number | null;
    headroom: number;
    overhead: number;
    container: number;
  };
  'keep-heap-container-kill': Record<string, never>;
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
  /** `required`: the buffer one object needed (bytes), when the message says. */
  'kryo-buffer': { required: number | null };
  'collect-less': Record<string, never>;
  /** `seen`: the serialized results the message reported. */
  'max-result-size': { seen: number };
  'driver-holds-results': Record<string, never>;
  'metaspace-cap': { doubled: boolean };
  'metaspace-causes': Record<string, never>;
  'thread-limits': Record<string, never>;
  'offheap-grow': { slots: number; container: number };
  'offheap-raise': Record<string, never>;
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
  | { kind: 'heartbeat' };

/**
 * Why no memory layout could be computed for an application: the heap is unknown (no event log
 * and no -Xmx), or Spark would refuse the configuration (`config`: the memory model's own error).
 */
export type LayoutProblem = { code: 'heap-unknown' } | { code: 'config'; error: { code: MemoryErrorCode; data: MemoryData } };

export type RemedyId = keyof RemedyData;
export type RemedyMessage = { [K in RemedyId]: { messageId: K; data: RemedyData[K] } }[RemedyId];
