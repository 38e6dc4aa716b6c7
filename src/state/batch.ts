import type { ExecutorDelta, StageDelta, TaskBatch } from '../eventlog/digest.js';
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
  const add = (v: number | null | undefined): void => {
    if (v === null || v === undefined) return;
    abs = Number.isSafeInteger(v) ? abs + Math.abs(v) : Number.NaN;
  };
  const info = d['Task Info'];
  if (info['Launch Time'] && info['Finish Time']) {
    // The duration is what is summed; its ends must be integers for it to be exact.
    if (!Number.isSafeInteger(info['Launch Time']) || !Number.isSafeInteger(info['Finish Time'])) return Number.NaN;
    add(info['Finish Time'] - info['Launch Time']);
  }
  const m = d['Task Metrics'];
  if (m) {
    add(m['Peak Execution Memory']);
    add(m['Memory Bytes Spilled']);
    add(m['Disk Bytes Spilled']);
    add(m['Executor Run Time']);
    add(m['JVM GC Time']);
    add(m['Result Size']);
    add(m['Input Metrics']?.['Bytes Read']);
  }
  return abs;
}

type StageEntry = StageDelta & { durations: Histogram; peakExecution: Histogram };
/** An executor's part of the batch; its peaks by this thread's metric ids (fast.ts metricId) until taken. */
type ExecutorEntry = Omit<ExecutorDelta, 'peakVals'> & { peakById: number[] };

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
  private executors = new Map<string, ExecutorEntry>();
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
   * By executor, the highest value of each metric (by id) that the batches taken so far carry. A
   * later batch carries a peak only above it: folded in order after those batches, a value not above
   * it cannot raise the state's peak (AppState's raisePeak keeps the highest; nothing lowers it), so
   * leaving it out leaves the state as it was. Most batches then carry a few peaks instead of every
   * metric of every executor (the 1 GiB bench log: 79 batches of 400 executors × 21 metrics, which
   * took most of the time of sending the digest between threads). Bounded as executorsSeen, by the
   * metric names (MAX_METRIC_NAMES).
   */
  private readonly sent = new Map<string, number[]>();

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

  /** The batch so far (null when empty); the next one starts empty. */
  take(): TaskBatch | null {
    if (this.count === 0) return null;
    const batch: TaskBatch = {
      count: this.count,
      lastLine: this.lastLine,
      inputBytes: this.inputBytes,
      stages: [...this.stages.values()],
      executors: [...this.executors.values()].map(({ peakById, peakIds, ...rest }) => {
        let sent = this.sent.get(rest.id);
        if (!sent) this.sent.set(rest.id, (sent = []));
        const ids: number[] = [];
        const vals: number[] = [];
        for (const id of peakIds) {
          const v = peakById[id]!;
          if (v > (sent[id] ?? -Infinity)) {
            ids.push(id);
            vals.push(v);
            sent[id] = v;
          }
        }
        return { ...rest, peakIds: ids, peakVals: vals };
      }),
    };
    this.stages = new Map();
    this.executors = new Map();
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
      e = { id, tasks: 0, runTime: 0, gcTime: 0, peakIds: [], peakById: [] };
      this.executors.set(id, e);
      this.executorsSeen.add(id);
    }
    this.lastExecutor = e;
    return e;
  }
}

/** As AppState's raisePeak: the first value seen makes the key, a higher one replaces it. */
function peak(e: ExecutorEntry, id: number, v: number): void {
  if (id < 0) return; // past MAX_METRIC_NAMES: the digest is not folded (src/input/tail.ts)
  const byId = e.peakById;
  while (byId.length <= id) byId.push(-Infinity);
  if (v > byId[id]!) {
    if (byId[id] === -Infinity) e.peakIds.push(id);
    byId[id] = v;
  }
}
