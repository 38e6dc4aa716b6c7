import type { TailDigest, TailRecord } from '../eventlog/digest.js';
import { readEventLines, type EventVisitor } from '../eventlog/events.js';
import { MAX_METRIC_NAMES, metricName, metricNameCount, type MetricsRow } from '../eventlog/fast.js';
import type { KnownEvent } from '../eventlog/schemas.js';
import { asFolded, MAX_EXECUTORS, MAX_STAGE_ATTEMPTS } from '../state/app.js';
import { TaskBatcher, taskSums } from '../state/batch.js';
import { readFileRange } from '../sources/file-chunks.js';
import type { Location } from './stats.js';
import { ReadStats } from './stats.js';

/**
 * The most JSON the digests of one helper may make in one segment of a log (split.ts SEGMENT_BLOCKS;
 * the events kept as AppState reads them, asFolded, a few hundred bytes per stage attempt and executor
 * of a batch): they wait for the first thread to end its own blocks of the segment, so they are held.
 * Past it the helper stops there and leaves the block it was reading, and those before it, to the
 * first thread. Measured when the whole log was one segment: the helper's ~45% of the bench's 1 GiB log
 * made 13 MB when SQL plans were kept whole (two plans were 10 MB), 6.0 MB with their operators only.
 * Its 4 GiB log makes more than any cap below: with plans' operators only, `--jobs 2` peaked at
 * 221-243 MiB RSS with 16 MiB here and at 168-194 MiB with 8 MiB (3 alternating runs, load 3-4).
 * Our choice: 8 MiB, under which the 1 GiB log is still shared whole, and within issue 17's 200 MiB.
 */
const MAX_DIGEST_JSON = 8 * 1024 * 1024;

/** Thrown to stop reading a block once its digest would not be used (the blocks read before stay digested). */
class GiveUp extends Error {}

/**
 * What the blocks one helper thread has read so far add up to, for the bounds past which their
 * digests would not be folded or could not be held: the blocks are read last first, each its own
 * digest, but they are folded together.
 */
export class TailBudget {
  /** `maxJson`: MAX_DIGEST_JSON but in tests. */
  constructor(readonly maxJson = MAX_DIGEST_JSON) {}
  json = 0;
  others = 0;
  readonly stagesSeen = new Set<string>();
  readonly executorsSeen = new Set<string>();

  get stageBound(): number {
    return this.stagesSeen.size + this.others;
  }

  get executorBound(): number {
    return this.executorsSeen.size + this.others;
  }
}

/** Records the events of one block in order, successful tasks summed into batches (eventlog/digest.ts). */
class Recorder implements EventVisitor {
  readonly records: TailRecord[] = [];
  readonly batcher: TaskBatcher;
  private inBatch = false;
  absSum = 0;

  constructor(private readonly budget: TailBudget) {
    this.batcher = new TaskBatcher(budget.stagesSeen, budget.executorsSeen);
  }

  onEvent(event: KnownEvent, at: Location): void {
    if (event.type === 'SparkListenerTaskEnd') {
      const abs = taskSums(event.data);
      if (Number.isNaN(abs)) throw new GiveUp(); // a sum that would round: only one thread's order gives its result
      this.absSum += abs;
      if (this.batcher.add(event.data, at.line)) {
        this.inBatch = true;
        return this.bound();
      }
    }
    this.flush();
    const folded = asFolded(event);
    this.records.push({ line: at.line, event: folded });
    this.budget.others++;
    this.budget.json += JSON.stringify(folded.data).length;
    this.bound();
  }

  onExecutorMetrics(executorId: string, m: MetricsRow): void {
    if (this.inBatch) this.batcher.peaks(executorId, m.ids, m.vals);
    else this.records.push({ metricsOf: executorId, keys: [...m.keys], vals: Array.from(m.vals.subarray(0, m.keys.length)) });
  }

  /** Ends the current batch of tasks, if any. */
  flush(): void {
    this.inBatch = false;
    const batch = this.batcher.take();
    if (batch) {
      this.records.push({ line: batch.lastLine, tasks: batch });
      // What a batch holds: per stage attempt two histograms of 48 numbers (~1 KiB as JSON), per
      // executor its id and EXECUTOR_NUMS numbers (under 64 bytes), per peak an id and a number.
      this.budget.json += 1024 * batch.stages.length + 64 * batch.executorIds.length + 12 * batch.peakIds.length;
    }
  }

  /** Past a cap the digest could not be folded exactly, or held: stop. */
  private bound(): void {
    const b = this.budget;
    // Past MAX_METRIC_NAMES a name has no id (fast.ts metricId): its peaks would be lost here.
    if (metricNameCount() >= MAX_METRIC_NAMES || b.json > b.maxJson || b.stageBound > MAX_STAGE_ATTEMPTS || b.executorBound > MAX_EXECUTORS)
      throw new GiveUp();
  }
}

/**
 * Reads bytes `start`..`end` of a plain event log (`start` just after a LF, `end` just after one or
 * the end of the file) as a block the helper thread reads; null when its digest would not be used
 * or could not be held (a sum that could round, a cap near, the digests too large, counting the
 * blocks read before with the same `budget`). Throws what reading throws.
 */
export async function digestBlock(
  fsPath: string,
  file: string,
  start: number,
  end: number,
  budget: TailBudget,
): Promise<TailDigest | null> {
  const rec = new Recorder(budget);
  const stats = new ReadStats();
  try {
    await readEventLines(readFileRange(fsPath, start, end - start, true), file, rec, stats, false, false, { continues: true, more: true });
  } catch (e) {
    if (e instanceof GiveUp) return null;
    throw e;
  }
  rec.flush();
  if (metricNameCount() >= MAX_METRIC_NAMES) return null;
  return {
    records: rec.records,
    names: [...stats.eventCounts],
    lines: stats.lines,
    malformedLines: stats.malformedLines,
    longLines: stats.longLines,
    schemaMismatches: stats.schemaMismatches,
    truncated: stats.truncated,
    diagnostics: stats.diagnostics,
    stageBound: budget.stageBound,
    executorBound: budget.executorBound,
    metricNames: Array.from({ length: metricNameCount() }, (_, id) => metricName(id)),
    absSum: rec.absSum,
    otherEvents: stats.otherEvents,
  };
}

/**
 * The digests of consecutive blocks, in file order, as one: each block's line numbers moved past the
 * lines of the blocks before it, event names in the order first read. The bounds and metric names
 * are those of the block read last (the first in the file): a helper's budget and metric ids only grow.
 */
export function joinDigests(parts: readonly TailDigest[]): TailDigest {
  const names = new Map<string, number>();
  const records: TailRecord[] = [];
  const diagnostics: TailDigest['diagnostics'] = [];
  let lines = 0;
  const out = {
    malformedLines: 0,
    longLines: 0,
    schemaMismatches: 0,
    truncated: false,
    absSum: 0,
    otherEvents: 0,
    stageBound: 0,
    executorBound: 0,
    metricNames: [] as string[],
  };
  for (const d of parts) {
    for (const r of d.records) {
      if ('event' in r) records.push({ line: lines + r.line, event: r.event });
      else if ('tasks' in r) records.push({ line: lines + r.line, tasks: { ...r.tasks, lastLine: lines + r.tasks.lastLine } });
      else records.push(r);
    }
    for (const [name, n] of d.names) names.set(name, (names.get(name) ?? 0) + n);
    // Each block kept its first diagnostics: together they hold the first ReadStats.MAX_DIAGNOSTICS of all.
    for (const x of d.diagnostics) diagnostics.push({ ...x, line: lines + x.line });
    lines += d.lines;
    out.malformedLines += d.malformedLines;
    out.longLines += d.longLines;
    out.schemaMismatches += d.schemaMismatches;
    out.truncated ||= d.truncated;
    out.absSum += d.absSum;
    out.otherEvents += d.otherEvents;
    out.stageBound = Math.max(out.stageBound, d.stageBound);
    out.executorBound = Math.max(out.executorBound, d.executorBound);
    if (d.metricNames.length > out.metricNames.length) out.metricNames = d.metricNames;
  }
  return { ...out, records, names: [...names], lines, diagnostics };
}
