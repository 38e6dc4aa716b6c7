import type { Location } from '../input/stats.js';

/** Where a failure text was found in an event log. */
export type SignalSource =
  | 'task-exception' // TaskEnd ExceptionFailure: class, description, stack
  | 'executor-lost' // TaskEnd ExecutorLostFailure: Loss Reason
  | 'executor-removed' // ExecutorRemoved: Removed Reason
  | 'stage-failure' // StageCompleted: Failure Reason
  | 'job-failure' // JobEnd JobFailed: Exception.Message
  | 'sql-failure'; // SQLExecutionEnd: errorMessage

/**
 * One failure text, aggregated over its repeats (same source, same text with numbers masked).
 * Bounded: a few locations, at most MAX_IDS executor and stage ids.
 */
export interface Signal {
  source: SignalSource;
  /** Class and description ("java.lang.OutOfMemoryError: Java heap space") or the reason text. */
  text: string;
  /** Top stack frames as "Declaring.Class.method", task exceptions only. */
  frames: string[];
  /** ExecutorLostFailure's "Exit Caused By App" (1.6+), when known. */
  causedByApp: boolean | null;
  count: number;
  executors: Set<string>;
  stages: Set<string>;
  firstTime: number | null;
  lastTime: number | null;
  /** The first few places it was seen, and the first in each other input file. */
  locations: Location[];
  /**
   * For each location: whether the text's lines are the file's lines from there on (a text log read
   * line by line), so that line i of the text is at location.line + i. False for an event log's
   * JSON line, or text unfolded from one JSON-escaped line.
   */
  lineMapped: boolean[];
  /** What TaskMemoryManager said held the task's memory just before this failure (text logs, INFO level). */
  dump: MemoryDump | null;
}

/**
 * TaskMemoryManager.showMemoryUsage(), printed by MemoryConsumer.throwOom right before
 * "Unable to acquire N bytes of memory" (all versions 2.x–4.1): "Memory used in task N", one
 * "Acquired by <consumer>: <size>" per consumer holding memory, the bytes not tied to a consumer,
 * and the executor's totals ("… used for execution and … for storage", 4.1: "and … of unmanaged memory").
 */
export interface MemoryDump {
  task: string;
  /** The largest consumers, largest first (at most MAX_CONSUMERS), sizes in bytes as printed (rounded by Utils.bytesToString). */
  consumers: Array<{ consumer: string; bytes: number }>;
  /** How many consumers the dump listed. */
  consumerCount: number;
  /** Bytes the task held that no consumer accounts for. */
  unassigned: number | null;
  /** The executor's execution, storage and (4.1+) unmanaged memory in use, all tasks. */
  execution: number | null;
  storage: number | null;
  unmanaged: number | null;
  at: Location;
}

/** Consumers kept per dump: a task rarely holds more than a few; the largest ones are what the plan reads. */
export const MAX_CONSUMERS = 8;

/**
 * The executor id a signal of a client-mode YARN application master (ExecutorLauncher) carries: not
 * the driver (its heap is spark.yarn.am.memory), not an executor.
 */
export const AM_ID = '<am>';
/** The "executor id" of a pod that is not a Spark pod: its name after this prefix (src/containerlogs/pods.ts). */
export const POD_PREFIX = 'pod:';

const MAX_IDS = 200;
const MAX_SIGNALS = 400;
const MAX_TEXT = 4000;
const MAX_FRAMES = 40;
const FIRST_LOCATIONS = 3;
const MAX_LOCATIONS = 8; // beyond the first few, one more for each other input file it appears in

export interface SignalInput {
  source: SignalSource;
  text: string;
  frames?: string[];
  causedByApp?: boolean | null;
  executor?: string | null;
  stage?: string | null;
  time?: number | null;
  at: Location;
  /** Line i of `text` is at at.line + i (see Signal.lineMapped). */
  lineMapped?: boolean;
  dump?: MemoryDump | null;
}

export class SignalBook {
  private readonly byKey = new Map<string, Signal>();
  /** Signals not kept because MAX_SIGNALS distinct texts were already held. */
  dropped = 0;

  add(s: SignalInput): void {
    const text = s.text.length > MAX_TEXT ? s.text.slice(0, MAX_TEXT) : s.text;
    const key = keyOf(s.source, text);
    let sig = this.byKey.get(key);
    if (!sig) {
      if (this.byKey.size >= MAX_SIGNALS) {
        this.dropped++;
        return;
      }
      sig = {
        source: s.source,
        text,
        frames: (s.frames ?? []).slice(0, MAX_FRAMES),
        causedByApp: s.causedByApp ?? null,
        count: 0,
        executors: new Set(),
        stages: new Set(),
        firstTime: null,
        lastTime: null,
        locations: [],
        lineMapped: [],
        dump: null,
      };
      this.byKey.set(key, sig);
    }
    sig.count++;
    if (s.executor && sig.executors.size < MAX_IDS) sig.executors.add(s.executor);
    if (s.stage && sig.stages.size < MAX_IDS) sig.stages.add(s.stage);
    if (s.time !== null && s.time !== undefined) {
      if (sig.firstTime === null || s.time < sig.firstTime) sig.firstTime = s.time;
      if (sig.lastTime === null || s.time > sig.lastTime) sig.lastTime = s.time;
    }
    if (
      sig.locations.length < FIRST_LOCATIONS ||
      (sig.locations.length < MAX_LOCATIONS && !sig.locations.some((l) => l.file === s.at.file))
    ) {
      sig.locations.push(s.at);
      sig.lineMapped.push(s.lineMapped ?? false);
    }
    // The dump with the largest holder says most about who held the memory.
    if (s.dump && (!sig.dump || (s.dump.consumers[0]?.bytes ?? 0) > (sig.dump.consumers[0]?.bytes ?? 0))) sig.dump = s.dump;
  }

  /** Re-labels an executor once its real id is known (a YARN container whose launch script came later); null forgets it. */
  renameExecutor(from: string, to: string | null): void {
    for (const s of this.byKey.values()) {
      if (s.executors.delete(from) && to !== null) s.executors.add(to);
    }
  }

  /** Forgets the executor ids `drop` picks (placeholders never resolved, such as a container whose launch script was not in the input). */
  forgetExecutors(drop: (id: string) => boolean): void {
    for (const s of this.byKey.values()) for (const id of [...s.executors]) if (drop(id)) s.executors.delete(id);
  }

  /**
   * Folds in a signal another input of the application read. The same text from two inputs is one
   * failure seen twice (an event log's ExecutorRemoved and the driver's "Lost executor", a job's abort
   * in the event log and in the driver's output): its count is the larger of the two, its executors,
   * stages and places are joined. A text only the other input has is added as it was counted there.
   */
  merge(from: Signal): void {
    const key = keyOf(from.source, from.text);
    const sig = this.byKey.get(key);
    if (!sig) {
      if (this.byKey.size >= MAX_SIGNALS) {
        this.dropped++;
        return;
      }
      this.byKey.set(key, {
        ...from,
        frames: [...from.frames],
        executors: new Set(from.executors),
        stages: new Set(from.stages),
        locations: from.locations.slice(0, MAX_LOCATIONS),
        lineMapped: from.lineMapped.slice(0, MAX_LOCATIONS),
      });
      return;
    }
    sig.count = Math.max(sig.count, from.count);
    for (const e of from.executors) if (sig.executors.size < MAX_IDS) sig.executors.add(e);
    for (const st of from.stages) if (sig.stages.size < MAX_IDS) sig.stages.add(st);
    if (from.firstTime !== null && (sig.firstTime === null || from.firstTime < sig.firstTime)) sig.firstTime = from.firstTime;
    if (from.lastTime !== null && (sig.lastTime === null || from.lastTime > sig.lastTime)) sig.lastTime = from.lastTime;
    from.locations.forEach((at, i) => {
      if (sig.locations.length < MAX_LOCATIONS && !sig.locations.some((l) => l.file === at.file)) {
        sig.locations.push(at);
        sig.lineMapped.push(from.lineMapped[i] ?? false);
      }
    });
    if (from.dump && (!sig.dump || (from.dump.consumers[0]?.bytes ?? 0) > (sig.dump.consumers[0]?.bytes ?? 0))) sig.dump = from.dump;
  }

  all(): Signal[] {
    return [...this.byKey.values()];
  }
}

/** One failure text, whatever its numbers: the source and the first 400 characters with digits masked. */
function keyOf(source: SignalSource, text: string): string {
  return `${source}\u0000${text.slice(0, 400).replace(/\d+/g, '#')}`;
}

/** Folds another book's signals into `into`: several inputs of one application (SignalBook.merge). */
export function absorbSignals(into: SignalBook, from: SignalBook): void {
  for (const s of from.all()) into.merge(s);
}
