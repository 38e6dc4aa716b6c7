import type { Diagnostic } from '../input/stats.js';
import type { KnownEvent } from './schemas.js';

/**
 * What the helper thread reading a block of a file (src/input/split.ts, blocks.ts) hands back to the
 * main thread: everything the fold needs, in the order it was read, so the main thread folds the
 * blocks in file order and ends exactly where reading the whole file on one thread would. Line numbers
 * are counted from the block's first line; the main thread adds the count of the lines before it.
 *
 * Most lines are successful tasks, and those only add to counts, sums, histograms and peaks: a run of
 * them between two other events travels as one TaskBatch (per stage attempt and executor, in the
 * order each first appeared), which folds into the same state as the tasks one by one (AppState.onTasks).
 * Every other event travels whole, and is folded by the same code as on one thread.
 */
export interface TailDigest {
  records: TailRecord[];
  /** Event names in the order first read, each with how many events had it (ReadStats.eventCounts). */
  names: Array<[string, number]>;
  lines: number;
  malformedLines: number;
  longLines: number;
  schemaMismatches: number;
  truncated: boolean;
  diagnostics: Diagnostic[];
  /** Events counted past MAX_EVENT_NAMES names (the digest is then not folded: where the cap falls depends on every block). */
  otherEvents: number;
  /** At most this many stage attempts and executors the records name (an upper bound: each batch's distinct ones, one per other event). */
  stageBound: number;
  executorBound: number;
  /** The executor metric names the records' peaks refer to, by the reading thread's ids (fast.ts metricId). */
  metricNames: string[];
  /** The sum of the magnitudes of every number the records add to a sum (none of them fractional), for AppState.sumsStayExact. */
  absSum: number;
}

export type TailRecord =
  | { line: number; event: KnownEvent }
  | { line: number; tasks: TaskBatch }
  /** A task's executor metrics read in place (EventVisitor.onExecutorMetrics), when its task is not in a batch. */
  | { metricsOf: string; keys: string[]; vals: number[] };

/** A histogram's data (src/state/stages.ts), added bucket by bucket. */
export interface HistogramData {
  counts: number[];
  n: number;
  sum: number;
  max: number;
}

export interface StageDelta {
  id: number;
  attempt: number;
  tasks: number;
  durations: HistogramData;
  peakExecution: HistogramData;
  memorySpilled: number;
  diskSpilled: number;
  runTime: number;
  gcTime: number;
  resultSize: number;
}

/**
 * Where an executor's numbers sit among its EXECUTOR_NUMS in TaskBatch.executorNums: its tasks, their
 * run time and GC time, and how many of TaskBatch.peakIds / peakVals are its (after the executors' before it).
 */
export const EXEC_TASKS = 0;
export const EXEC_RUN_TIME = 1;
export const EXEC_GC_TIME = 2;
export const EXEC_PEAKS = 3;
export const EXECUTOR_NUMS = 4;

/**
 * Successful tasks read one after another, summed; the line of the last one. Per executor, its numbers
 * and peaks are in typed arrays rather than an object each: a batch names every executor that ran one
 * of its tasks (the 1 GiB bench log: 400 in each of ~140 batches), and as objects copying them between
 * threads and reading them back took ~0.2 s of CPU on that log, more than the rest of the digest.
 */
export interface TaskBatch {
  count: number;
  lastLine: number;
  /** The tasks' `Input Metrics` bytes summed (AppState.inputBytes); null when none had them. */
  inputBytes: number | null;
  stages: StageDelta[];
  /** The executors, in the order each first appeared in the batch. */
  executorIds: string[];
  /** EXECUTOR_NUMS numbers per executor (EXEC_TASKS…), in executorIds' order. */
  executorNums: Float64Array;
  /**
   * The executors' metric peaks, executor after executor (EXEC_PEAKS each): the metrics (indices into
   * TailDigest.metricNames) whose highest value rose in the batch, in the order each first rose, with
   * that value (src/state/batch.ts, TaskBatcher.take, says why this folds as the tasks one by one).
   */
  peakIds: Int32Array;
  peakVals: Float64Array;
}
