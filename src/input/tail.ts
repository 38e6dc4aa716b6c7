import type { TailDigest, TailRecord } from '../eventlog/digest.js';
import { readEventLines, type EventVisitor } from '../eventlog/events.js';
import { MAX_METRIC_NAMES, metricName, metricNameCount, type MetricsRow } from '../eventlog/fast.js';
import type { KnownEvent } from '../eventlog/schemas.js';
import { MAX_EXECUTORS, MAX_STAGE_ATTEMPTS } from '../state/app.js';
import { TaskBatcher, taskSums } from '../state/batch.js';
import { readFileRange } from '../sources/file-chunks.js';
import type { Location } from './stats.js';
import { ReadStats } from './stats.js';

/**
 * The most JSON the events kept whole may make (their parsed, schema-trimmed data, as JSON): they wait
 * for the first half to be read, so they are held. Spark's logs hold few such events besides tasks
 * (the bench's 1 GiB log: ~1,500, 20 MB of them four SQL plans); a log of nothing else is read on one
 * thread instead. Our choice: 32 MiB, which holds with the rest of the reading under the 200 MiB bound.
 */
const MAX_DIGEST_JSON = 32 * 1024 * 1024;

/** Thrown to stop reading once the digest would not be used. */
class GiveUp extends Error {}

/** Records the events of the second half in order, successful tasks summed into batches (eventlog/digest.ts). */
class Recorder implements EventVisitor {
  readonly records: TailRecord[] = [];
  readonly batcher = new TaskBatcher();
  private inBatch = false;
  private json = 0;
  private others = 0;
  absSum = 0;

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
    this.records.push({ line: at.line, event });
    this.others++;
    this.json += JSON.stringify(event.data).length;
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
      // A batch is a few hundred bytes per stage attempt and executor in it.
      this.json += 256 * (batch.stages.length + batch.executors.length);
    }
  }

  get stageBound(): number {
    return this.batcher.stagesSeen.size + this.others;
  }

  get executorBound(): number {
    return this.batcher.executorsSeen.size + this.others;
  }

  /** Past a cap the digest could not be folded exactly, or held: stop. */
  private bound(): void {
    // Past MAX_METRIC_NAMES a name has no id (fast.ts metricId): its peaks would be lost here.
    if (
      metricNameCount() >= MAX_METRIC_NAMES ||
      this.json > MAX_DIGEST_JSON ||
      this.stageBound > MAX_STAGE_ATTEMPTS ||
      this.executorBound > MAX_EXECUTORS
    )
      throw new GiveUp();
  }
}

/**
 * Reads bytes `start`..`end` of a plain event log (`start` just after a LF) as the second half of
 * the file; null when the digest would not be used (too large, or near a cap). Throws what reading throws.
 */
export async function digestTail(fsPath: string, file: string, start: number, end: number): Promise<TailDigest | null> {
  const rec = new Recorder();
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
    stageBound: rec.stageBound,
    executorBound: rec.executorBound,
    metricNames: Array.from({ length: metricNameCount() }, (_, id) => metricName(id)),
    absSum: rec.absSum,
    otherEvents: stats.otherEvents,
  };
}
