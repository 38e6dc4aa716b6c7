import type { SignalSource } from '../state/signals.js';
import type { ExitCause, MemoryLikelihood } from './exit-codes.js';

/**
 * Evidence messages: an id and its data. The words are in src/render/words/evidence.ts; sizes are
 * bytes, times epoch milliseconds, durations milliseconds, shares fractions.
 */
export interface EvidenceData {
  /** A failure text where it was first seen, with how often and where it recurred. */
  matched: {
    text: string;
    source: SignalSource;
    count: number;
    executors: string[];
    stages: string[];
    firstTime: number | null;
    lastTime: number | null;
  };
  /** The same text in another input of the application (a YARN log beside the event log). */
  'also-in': { text: string };
  /** A stage failure that quotes the finding's own evidence. */
  'caused-stage-failure': { stages: string[]; text: string };
  /** Job failures that quote it. */
  'caused-job-failure': { jobs: number; text: string };
  /** Where an event log stops without ApplicationEnd while jobs ran. */
  'log-ends': { running: number };
  /** GC time over task run time, for the application and its executors at or above `severe`. */
  'gc-share': { share: number; gcMs: number; runMs: number; heavyExecutors: number; severe: number };
  'stage-skew': { stage: number; attempt: number; name: string | null; maxMs: number; medianMs: number; tasks: number };
  'stage-spill': {
    stage: number;
    attempt: number;
    name: string | null;
    spilled: number;
    diskSpilled: number;
    tasks: number;
    /** Null when no task reported Peak Execution Memory. */
    largestPeak: number | null;
  };
  'heap-peak': { peak: number; heap: number };
  /** What an exit code means (exit-codes.ts), and how many executors ended with it. */
  'exit-decoded': { code: number; cause: ExitCause; memory: MemoryLikelihood; executors: number; badNode: boolean };
  /** The log is still being written (.inprogress): `running` jobs had not ended when it was read. */
  'log-in-progress': { running: number };
  /** A limit a message states for a container, against the one the log's configuration computes. */
  'limit-stated': { stated: number; computed: number; role: 'executor' | 'driver' };
  /**
   * What the process was, when the role alone would mislead: local mode's one JVM (role driver), a
   * client-mode YARN application master (role driver: ExecutorLauncher, sized by spark.yarn.am.*), pods
   * that are not Spark pods (no spark-role label, no Spark container).
   */
  process: { kind: 'local-mode' } | { kind: 'yarn-am'; mode: 'client' } | { kind: 'pod'; pods: string[] };
  /**
   * The largest holder in TaskMemoryManager's dump before the failure: its class (`consumer`, without
   * the @hash), what kind of operator it is, its bytes, and the task's consumers and their total.
   */
  'memory-holder': { task: string; consumer: string; kind: HolderKind; bytes: number; consumers: number; taskBytes: number };
  /**
   * Gluten/Velox's memory-consumer tree on an off-heap refusal: the task's use and cap, the pool, the
   * largest node under the task and the largest Velox operator (op.*), sizes in bytes.
   */
  'native-memory': {
    task: string | null;
    used: number | null;
    taskCap: number | null;
    pool: number | null;
    largest: string | null;
    largestBytes: number | null;
    operator: string | null;
    operatorBytes: number | null;
  };
  /** The JVM's -XX:OnOutOfMemoryError hook ran "kill -9": the SIGKILL (exit 137) followed a heap OutOfMemoryError. */
  'onoom-kill': { signal: 'kill -9' };
  /** A faulthandler dump in a Python worker's crash: the worker caught a fatal signal (named when Python says), which the OOM killer's SIGKILL never allows. */
  'python-dump': { fatal: string | null };
}

/**
 * The kind of memory consumer (MemoryConsumer subclasses in spark-core/spark-sql 3.5–4.1): sorters
 * (UnsafeExternalSorter, ShuffleExternalSorter, ExternalSorter), hash maps (BytesToBytesMap,
 * ExternalAppendOnlyMap), hash-join build sides (LongToUnsafeRowMap, UnsafeHashedRelation), a Python
 * UDF's input queue (HybridRowQueue), a native engine's (Gluten's TreeMemoryConsumer), or another.
 */
export type HolderKind = 'sorter' | 'hash-map' | 'hash-relation' | 'python-queue' | 'native' | 'other';

export type EvidenceId = keyof EvidenceData;
export type EvidenceMessage = { [K in EvidenceId]: { messageId: K; data: EvidenceData[K] } }[EvidenceId];
