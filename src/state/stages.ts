import type { HistogramData } from '../eventlog/digest.js';
import type { EventOf } from '../eventlog/schemas.js';

/**
 * Per stage-attempt task statistics, constant size per stage: duration and peak-execution-memory
 * histograms in power-of-two buckets give a median within a factor of two, enough to grade skew.
 */
const BUCKETS = 48;
/** A packed array of zeros copied for each histogram: a copy is one memcpy, `new Array(n).fill(0)` a runtime call (two per stage). */
const ZEROS: readonly number[] = Array.from({ length: BUCKETS }, () => 0);

export class Histogram {
  readonly counts = ZEROS.slice();
  n = 0;
  max = 0;
  sum = 0;

  add(v: number): void {
    const x = Math.max(0, v);
    this.counts[x < 1 ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log2(x)) + 1)]!++;
    this.n++;
    this.sum += x;
    if (x > this.max) this.max = x;
  }

  /** Adds another histogram's values (as if each had been added here; sums of integers stay exact). */
  merge(h: HistogramData): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += h.counts[i]!;
    this.n += h.n;
    this.sum += h.sum;
    if (h.max > this.max) this.max = h.max;
  }

  /** Upper bound of the bucket holding quantile q (0..1). */
  quantile(q: number): number {
    if (this.n === 0) return 0;
    const target = Math.ceil(q * this.n);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= target) return i === 0 ? 1 : Math.min(this.max, 2 ** i);
    }
    return this.max;
  }
}

export interface StageStats {
  stageId: number;
  attempt: number;
  /** "stage.attempt", as Spark prints a stage attempt. */
  key: string;
  name: string | null;
  numTasks: number | null;
  failureReason: string | null;
  /** StageCompleted was read for this attempt. */
  completed: boolean;
  /** Whether it reads shuffle output (Stage Info's "Parent IDs" not empty); null when the log does not say. */
  readsShuffle: boolean | null;
  tasks: number;
  failedTasks: number;
  durations: Histogram;
  peakExecution: Histogram;
  memorySpilled: number;
  diskSpilled: number;
  runTime: number;
  gcTime: number;
  resultSize: number;
}

export function newStage(stageId: number, attempt: number): StageStats {
  return {
    stageId,
    attempt,
    key: `${stageId}.${attempt}`,
    name: null,
    numTasks: null,
    completed: false,
    readsShuffle: null,
    failureReason: null,
    tasks: 0,
    failedTasks: 0,
    ...newTaskSums(),
  };
}

/** Sums no task has added to yet (a stage attempt's, or a TaskBatcher's run of tasks). */
export function newTaskSums(): TaskSums {
  return {
    durations: new Histogram(),
    peakExecution: new Histogram(),
    memorySpilled: 0,
    diskSpilled: 0,
    runTime: 0,
    gcTime: 0,
    resultSize: 0,
  };
}

type TaskEnd = EventOf<'SparkListenerTaskEnd'>;

/** The sums a task adds to, per stage attempt (StageStats, and a TaskBatcher's run of tasks). */
export type TaskSums = Pick<
  StageStats,
  'durations' | 'peakExecution' | 'memorySpilled' | 'diskSpilled' | 'runTime' | 'gcTime' | 'resultSize'
>;

/** Adds one task's duration and Task Metrics to its stage attempt's sums (AppState.onEvent, TaskBatcher.add: one fold for both). */
export function addTaskSums(st: TaskSums, info: TaskEnd['Task Info'], m: TaskEnd['Task Metrics']): void {
  if (info['Launch Time'] && info['Finish Time']) st.durations.add(info['Finish Time'] - info['Launch Time']);
  if (m) {
    // Only tasks that reported it (older logs' Task Metrics lack it): n = 0 says it was never seen.
    const peak = m['Peak Execution Memory'];
    if (peak !== undefined && peak !== null) st.peakExecution.add(peak);
    st.memorySpilled += m['Memory Bytes Spilled'] ?? 0;
    st.diskSpilled += m['Disk Bytes Spilled'] ?? 0;
    st.runTime += m['Executor Run Time'] ?? 0;
    st.gcTime += m['JVM GC Time'] ?? 0;
    st.resultSize += m['Result Size'] ?? 0;
  }
}
