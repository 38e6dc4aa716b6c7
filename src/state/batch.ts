import { EXEC_GC_TIME, EXEC_PEAKS, EXEC_RUN_TIME, EXEC_TASKS, EXECUTOR_NUMS, type StageDelta, type TaskBatch } from '../eventlog/digest.js';
import type { EventOf } from '../eventlog/schemas.js';
import { metricId } from '../eventlog/fast.js';
import { addTaskSums, newTaskSums, type Histogram } from './stages.js';

type TaskEnd = EventOf<'SparkListenerTaskEnd'>;

/**
 * The magnitudes of the numbers AppState.onEvent adds to a sum for this task (its duration and its Task
 * Metrics), or NaN when one of them is not a safe integer. Integers below 2^53 add up to the same total
 * in any order, so a run of tasks may be summed apart and added at once; a fraction or a larger number
 * rounds, and then only the order of one thread gives the one-thread result.
 */
export function taskSums(d: TaskEnd): number {
  let abs = 0;
  const info = d['Task Info'];
  if (info['Launch Time'] && info['Finish Time']) {
    // The duration is what is summed; its ends must be integers for it to be exact.
    if (!Number.isSafeInteger(info['Launch Time']) || !Number.isSafeInteger(info['Finish Time'])) return Number.NaN;
    abs += magnitude(info['Finish Time'] - info['Launch Time']);
  }
  const m = d['Task Metrics'];
  if (m) {
    abs +=
      magnitude(m['Peak Execution Memory']) +
      magnitude(m['Memory Bytes Spilled']) +
      magnitude(m['Disk Bytes Spilled']) +
      magnitude(m['Executor Run Time']) +
      magnitude(m['JVM GC Time']) +
      magnitude(m['Result Size']) +
      magnitude(m['Input Metrics']?.['Bytes Read']);
  }
  return abs;
}

/** A summed number's magnitude (none: 0), NaN when it is not a safe integer (NaN stays in any sum it is added to). */
function magnitude(v: number | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return Number.isSafeInteger(v) ? Math.abs(v) : Number.NaN;
}

type StageEntry = StageDelta & { durations: Histogram; peakExecution: Histogram };

/**
 * An executor as this batcher knows it, kept from batch to batch (so that a batch of hundreds of
 * executors allocates nothing per executor): its sums in the current batch, and by metric id (fast.ts
 * metricId) the highest value seen in any batch and the highest one a batch taken so far carried.
 * Bounded as executorsSeen (the digest's executor bound, src/input/tail.ts), each by the metric names
 * (MAX_METRIC_NAMES).
 */
interface ExecutorEntry {
  id: string;
  /** Whether the current batch names it (it is in TaskBatcher.batchExecutors). */
  inBatch: boolean;
  tasks: number;
  runTime: number;
  gcTime: number;
  high: number[];
  sent: number[];
  /** The metric ids whose value rose above `sent` in the current batch, in the order each first rose. */
  rose: number[];
}

/**
 * Successful tasks read one after another, summed into a TaskBatch as AppState.onEvent folds each one
 * (its SparkListenerTaskEnd case with reason Success: counts, sums and histograms per stage attempt,
 * counts, sums and metric peaks per executor; nothing else changes for such a task), so that
 * AppState.onTasks leaves the state as the tasks one by one would. Stage attempts and executors are
 * listed in the order each first appeared, and an executor's metrics in the order each was first
 * seen: the order the fold makes its records and their keys in. Like the fold, it keeps the last
 * stage attempt and executor at hand (tasks come grouped) and peaks in arrays by metric id.
 */
export class TaskBatcher {
  private stages = new Map<string, StageEntry>();
  /** Every executor named since this batcher began; those of the current batch in the order each first appeared in it. */
  private readonly executors = new Map<string, ExecutorEntry>();
  private batchExecutors: ExecutorEntry[] = [];
  private lastStage: StageEntry | null = null;
  private lastExecutor: ExecutorEntry | null = null;
  private count = 0;
  private lastLine = 0;
  private inputBytes: number | null = null;
  /**
   * Stage attempts and executors named since the digest began, for its bounds; shared by the batchers
   * of one helper thread's blocks (src/input/tail.ts), so that an executor named in every block counts once.
   */
  constructor(
    readonly stagesSeen = new Set<string>(),
    readonly executorsSeen = new Set<string>(),
  ) {}

  /**
   * Adds a task read at `line` whose summed numbers are all safe integers (taskSums not NaN); false
   * when it is not a success, which a batch does not hold.
   */
  add(d: TaskEnd, line: number): boolean {
    if (d['Task End Reason'].Reason !== 'Success') return false;
    const st = this.stage(d['Stage ID'], d['Stage Attempt ID'] ?? 0);
    const info = d['Task Info'];
    const m = d['Task Metrics'];
    st.tasks++;
    addTaskSums(st, info, m);
    const e = this.executor(info['Executor ID']);
    const input = m?.['Input Metrics']?.['Bytes Read'];
    if (typeof input === 'number') this.inputBytes = (this.inputBytes ?? 0) + input;
    e.tasks++;
    e.runTime += m?.['Executor Run Time'] ?? 0;
    e.gcTime += m?.['JVM GC Time'] ?? 0;
    const metrics = d['Task Executor Metrics'];
    if (metrics) for (const k in metrics) peak(e, metricId(k), metrics[k]!);
    this.count++;
    this.lastLine = line;
    return true;
  }

  /** The executor metrics read in place for the task just added (EventVisitor.onExecutorMetrics). */
  peaks(executorId: string, ids: readonly number[], vals: Float64Array): void {
    const e = this.executor(executorId);
    for (let i = 0; i < ids.length; i++) peak(e, ids[i]!, vals[i]!);
  }

  /**
   * The batch so far (null when empty); the next one starts empty. An executor's peaks are those that
   * rose above what the batches taken before carried: folded in order after those batches, a value not
   * above them cannot raise the state's peak (AppState's raisePeak keeps the highest; nothing lowers
   * it), so leaving it out leaves the state as it was. Most batches then carry a few peaks instead of
   * every metric of every executor. They are listed in the order each first rose in the batch: a
   * metric the state does not have yet is new to this batcher (every one seen before was carried, and
   * folded), and its first rise is its first sight, so the keys it adds to the state come in the order
   * the tasks one by one would add them; where a key already is, the order of raising it changes nothing.
   */
  take(): TaskBatch | null {
    if (this.count === 0) return null;
    const execs = this.batchExecutors;
    const nums = new Float64Array(execs.length * EXECUTOR_NUMS);
    let peaks = 0;
    for (const e of execs) peaks += e.rose.length;
    const peakIds = new Int32Array(peaks);
    const peakVals = new Float64Array(peaks);
    let p = 0;
    for (let i = 0; i < execs.length; i++) {
      const e = execs[i]!;
      const at = i * EXECUTOR_NUMS;
      nums[at + EXEC_TASKS] = e.tasks;
      nums[at + EXEC_RUN_TIME] = e.runTime;
      nums[at + EXEC_GC_TIME] = e.gcTime;
      nums[at + EXEC_PEAKS] = e.rose.length;
      for (const id of e.rose) {
        const v = e.high[id]!;
        peakIds[p] = id;
        peakVals[p++] = v;
        e.sent[id] = v;
      }
      e.rose.length = 0;
      e.inBatch = false;
      e.tasks = 0;
      e.runTime = 0;
      e.gcTime = 0;
    }
    const batch: TaskBatch = {
      count: this.count,
      lastLine: this.lastLine,
      inputBytes: this.inputBytes,
      stages: [...this.stages.values()],
      executorIds: execs.map((e) => e.id),
      executorNums: nums,
      peakIds,
      peakVals,
    };
    this.stages = new Map();
    this.batchExecutors = [];
    this.lastStage = null;
    this.lastExecutor = null;
    this.count = 0;
    this.inputBytes = null;
    return batch;
  }

  private stage(id: number, attempt: number): StageEntry {
    const last = this.lastStage;
    if (last && last.id === id && last.attempt === attempt) return last;
    const key = `${id}.${attempt}`;
    let st = this.stages.get(key);
    if (!st) {
      st = { id, attempt, tasks: 0, ...newTaskSums() };
      this.stages.set(key, st);
      this.stagesSeen.add(key);
    }
    this.lastStage = st;
    return st;
  }

  private executor(id: string): ExecutorEntry {
    const last = this.lastExecutor;
    if (last && last.id === id) return last;
    let e = this.executors.get(id);
    if (!e) {
      e = { id, inBatch: false, tasks: 0, runTime: 0, gcTime: 0, high: [], sent: [], rose: [] };
      this.executors.set(id, e);
      this.executorsSeen.add(id);
    }
    if (!e.inBatch) {
      e.inBatch = true;
      this.batchExecutors.push(e);
    }
    this.lastExecutor = e;
    return e;
  }
}

/** As AppState's raisePeak: a higher value replaces the highest; the first to rise in a batch is listed. */
function peak(e: ExecutorEntry, id: number, v: number): void {
  if (id < 0) return; // past MAX_METRIC_NAMES: the digest is not folded (src/input/tail.ts)
  const high = e.high;
  while (high.length <= id) {
    high.push(-Infinity);
    e.sent.push(-Infinity);
  }
  if (v > high[id]!) {
    if (high[id] === e.sent[id]) e.rose.push(id); // highest = sent: not risen in this batch yet
    high[id] = v;
  }
}
