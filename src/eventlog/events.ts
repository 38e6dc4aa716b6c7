import { InputError, TruncatedInputError } from '../errors.js';
import type { Location, ReadStats } from '../input/stats.js';
import { feedChunks } from '../sources/chunk-pool.js';
import type { TaskBatch, TailDigest } from './digest.js';
import { eventName, fastEnvironment, fastTaskEnd, looksComplete, metricId, type MetricsRow } from './fast.js';
import { LineSplitter, MAX_LINE_BYTES } from './lines.js';
import { PLAN_LINE_BYTES, planOperatorsLine } from './plan-line.js';
import { MAX_JSON_DEPTH, MAX_JSON_VALUES, SHAPE_CHECK_BYTES, shapeExcess } from './shape.js';
import { checkEvent, NO } from './check.js';
import { isKnownEvent, schemaOf, shortEventName, type KnownEvent, type KnownEventName } from './schemas.js';

/**
 * Distinct event names counted one by one. Spark's own are about 40 (JsonProtocol and the SQL, streaming
 * and plugin listeners); 1,000 leaves room for any listener a platform adds, while a log inventing a
 * name per line (one million took 547 MiB) is counted under "other".
 */
export const MAX_EVENT_NAMES = 1_000;

/** What folds the events of one application (src/state/app.ts). */
export interface EventVisitor {
  onEvent(event: KnownEvent, at: Location): void;
  /** The fast path's executor metrics of the task just passed to onEvent (instead of its object). */
  onExecutorMetrics?(executorId: string, metrics: MetricsRow): void;
  /** Successful tasks another thread summed (eventlog/digest.ts); without it, no digest is folded. */
  onTasks?(batch: TaskBatch, at: Location, metricIds: readonly number[]): void;
}

/** Reading one part of a file split for two threads (src/input/split.ts). */
export interface Piece {
  /** The body continues the file after a LF line end (a block after the first): lines counted from there. */
  continues?: boolean;
  /** More of the file follows (later blocks): no verdict on whether it had events. */
  more?: boolean;
}

/**
 * In a body, between the chunks read here, bytes another thread read (src/input/split.ts), at a line
 * end: `digest` gives what it read of them (null when that cannot be folded exactly: it failed, or a
 * cap is near), asked once every chunk before has been read; `bytes` the same bytes, to read here
 * instead, as one thread would.
 */
export interface ReadElsewhere {
  digest(): Promise<TailDigest | null>;
  bytes(): AsyncIterable<Buffer>;
}

/**
 * Reads the decoded lines of one event-log part into `visitor`: events the product does not use
 * are counted by name, known ones validated against their schema. A bad line is a counted
 * diagnostic and reading goes on; a truncated tail is reported as truncation, and is an error only
 * when the part was finished (`inProgress` false) yet its compressed stream ends mid-frame.
 */
export async function readEventLines(
  body: AsyncIterable<Buffer | ReadElsewhere>,
  file: string,
  visitor: EventVisitor,
  stats: ReadStats,
  inProgress: boolean,
  exact: boolean,
  piece: Piece = {},
): Promise<void> {
  const before = stats.events;
  // One entry per distinct event name (a few dozen per log): its short name, whether the product
  // uses it, and its count, flushed into stats at the end; cheaper than map updates per line.
  type NameEntry = { type: string; known: boolean; n: number };
  const names = new Map<string, NameEntry>();
  // Past MAX_EVENT_NAMES distinct names (a hostile log may invent millions), the rest share one entry.
  const other: NameEntry = { type: '(other)', known: false, n: 0 };
  /** The last name looked up and its entry: most lines are tasks, one name after another. */
  let lastName: string | null = null;
  let lastEntry: NameEntry = other;
  const info = (name: string): NameEntry => {
    if (name === lastName) return lastEntry;
    let e = names.get(name);
    if (e) {
      lastName = name;
      lastEntry = e;
    }
    if (!e) {
      const type = shortEventName(name);
      const known = isKnownEvent(type);
      // Known names always get their entry (there are a few dozen): the events we read are never lost.
      if (!known && names.size >= MAX_EVENT_NAMES) return other;
      e = { type, known, n: 0 };
      names.set(name, e);
    }
    return e;
  };
  const tally = (e: NameEntry): void => {
    stats.events++;
    e.n++;
  };
  /** The line bytes from..end of `buf` (a range: see RangeHandler in lines.ts). */
  const handle = (buf: Buffer, from: number, end: number, lineNo: number, last: boolean): void => {
    let start = from;
    while (start < end && (buf[start] === 0x20 || buf[start] === 0x09)) start++;
    if (start === end) return;
    if (end - from >= SHAPE_CHECK_BYTES) {
      const excess = shapeExcess(buf.subarray(from, end));
      if (excess !== null) {
        stats.longLines++;
        const max = excess.limit === 'depth' ? MAX_JSON_DEPTH : MAX_JSON_VALUES;
        stats.diagnose({ file, line: lineNo, code: 'line-too-complex', data: { bytes: end - from, limit: excess.limit, max } });
        return;
      }
    }
    // Fast path (fast.ts): events we do not use are counted by name; successful tasks read in place.
    const fastName = !exact && start === from && !last ? eventName(buf, from, end) : null;
    if (fastName !== null && looksComplete(buf, from, end)) {
      const e = info(fastName);
      if (!e.known) {
        tally(e);
        return;
      }
      // The commonest known line first: tasks outnumber every other event.
      if (e.type === 'SparkListenerTaskEnd') {
        const fast = fastTaskEnd(buf, from, end);
        if (fast && (fast.peaks === null || visitor.onExecutorMetrics)) {
          tally(e);
          visitor.onEvent({ type: 'SparkListenerTaskEnd', data: fast.data }, { file, line: lineNo });
          if (fast.peaks) visitor.onExecutorMetrics!(fast.data['Task Info']['Executor ID'], fast.peaks);
          return;
        }
      }
      if (e.type === 'SparkListenerEnvironmentUpdate') {
        const env = fastEnvironment(buf.subarray(from, end));
        if (env !== null) {
          tally(e);
          dispatch(e.type, env, lineNo);
          return;
        }
      }
    }
    let obj: unknown;
    try {
      // A long SQL plan's operators are read from its bytes, the plan never made a string (plan-line.ts).
      const planned =
        fastName !== null && end - from >= PLAN_LINE_BYTES && shortEventName(fastName) === 'SparkListenerSQLExecutionStart'
          ? planOperatorsLine(buf, from, end)
          : null;
      obj = JSON.parse(planned ?? buf.toString('utf8', from, end));
    } catch {
      if (last) {
        stats.truncated = true;
        stats.diagnose({ file, line: lineNo, code: 'truncated-line', data: {} });
      } else {
        stats.malformedLines++;
        stats.diagnose({ file, line: lineNo, code: 'invalid-json', data: {} });
      }
      return;
    }
    const name = obj !== null && typeof obj === 'object' ? (obj as { Event?: unknown }).Event : undefined;
    if (typeof name !== 'string') {
      stats.malformedLines++;
      stats.diagnose({ file, line: lineNo, code: 'no-event-field', data: {} });
      return;
    }
    const e = info(name);
    tally(e);
    if (!e.known) return;
    dispatch(e.type as KnownEventName, obj, lineNo);
  };
  /** Validates a known event against its schema and hands it to the visitor. */
  const dispatch = (type: KnownEventName, obj: unknown, lineNo: number): void => {
    // Checked without zod (check.ts) when the line is as JsonProtocol writes it; zod decides, and names the issue, otherwise
    // (and always when `exact`: the full parse tests hold the check to).
    const checked = exact ? NO : checkEvent(type, obj);
    if (checked !== NO) {
      visitor.onEvent({ type, data: checked } as KnownEvent, { file, line: lineNo });
      return;
    }
    const parsed = schemaOf(type).safeParse(obj);
    if (!parsed.success) {
      stats.schemaMismatches++;
      const issue = parsed.error.issues[0];
      stats.diagnose({
        file,
        line: lineNo,
        code: 'schema-mismatch',
        data: { event: type, path: issue?.path.join('.') ?? '', detail: issue?.message ?? '' },
      });
      return;
    }
    visitor.onEvent({ type, data: parsed.data } as KnownEvent, { file, line: lineNo });
  };

  /**
   * Folds what another thread read after line `offset`, in its order, as if read here (see digest.ts);
   * false, having changed nothing, when that could differ from reading on: event names near their cap.
   */
  const fold = (d: TailDigest, offset: number): boolean => {
    if (!visitor.onTasks || !visitor.onExecutorMetrics) return false;
    if (names.size + stats.eventCounts.size + d.names.length >= MAX_EVENT_NAMES || other.n > 0 || d.otherEvents > 0) return false;
    const ids = d.metricNames.map(metricId);
    for (const r of d.records) {
      if ('event' in r) visitor.onEvent(r.event, { file, line: offset + r.line });
      else if ('tasks' in r) visitor.onTasks(r.tasks, { file, line: offset + r.tasks.lastLine }, ids);
      else visitor.onExecutorMetrics(r.metricsOf, { keys: r.keys, ids: r.keys.map(metricId), vals: Float64Array.from(r.vals) });
    }
    for (const [name, n] of d.names) {
      info(name).n += n;
      stats.events += n;
    }
    splitter.skipLines(d.lines);
    stats.malformedLines += d.malformedLines;
    stats.longLines += d.longLines;
    stats.schemaMismatches += d.schemaMismatches;
    stats.truncated ||= d.truncated;
    for (const x of d.diagnostics) stats.diagnose({ ...x, line: offset + x.line });
    return true;
  };

  /**
   * The body's chunks; bytes read elsewhere folded from their digest where they come (every chunk
   * before has been pushed: the generator resumes only once the last was), else read here.
   */
  async function* withFolds(items: AsyncIterable<Buffer | ReadElsewhere>): AsyncGenerator<Buffer> {
    for await (const item of items) {
      if (Buffer.isBuffer(item)) yield item;
      else {
        const digest = await item.digest();
        if (digest === null || !fold(digest, splitter.lines)) yield* item.bytes();
      }
    }
  }

  const splitter = new LineSplitter(
    { range: (buf, from, end, n) => handle(buf, from, end, n, false) },
    {
      continues: piece.continues ?? false,
      onLongLine: (line, bytes) => {
        stats.longLines++;
        stats.diagnose({ file, line, code: 'line-too-long', data: { bytes, limit: MAX_LINE_BYTES } });
      },
    },
  );
  let truncation: TruncatedInputError | null = null;
  try {
    try {
      const push = (chunk: Buffer): void => splitter.push(chunk);
      await feedChunks(withFolds(body), push);
    } catch (e) {
      if (!(e instanceof TruncatedInputError)) throw e;
      stats.streamCut(file, splitter.lines + 1, e.problem);
      // A finished log is closed properly; one cut mid-frame was damaged (a partial copy).
      if (!inProgress) truncation = e;
    } finally {
      stats.lines += splitter.lines;
    }
    const counted = splitter.lines;
    const tail = splitter.end();
    stats.lines += splitter.lines - counted; // the last line, read or skipped for its length
    if (tail) {
      handle(tail.line, 0, tail.line.length, tail.lineNo, true);
    }
  } finally {
    // Also when a codec fails mid-stream: what was read before stays counted.
    for (const [name, e] of names) {
      if (e.n === 0) continue;
      const had = stats.eventCounts.get(name);
      if (had === undefined && !e.known && stats.eventCounts.size >= MAX_EVENT_NAMES) other.n += e.n;
      else stats.eventCounts.set(name, (had ?? 0) + e.n);
    }
    if (other.n > 0) {
      if (stats.otherEvents === 0) stats.diagnose({ file, line: 1, code: 'event-names-capped', data: { limit: MAX_EVENT_NAMES } });
      stats.otherEvents += other.n;
    }
  }
  if (truncation) throw new InputError('cut-short', { cause: truncation.problem });
  if (stats.events === before && !stats.truncated && !piece.more) {
    throw new InputError('no-event-field');
  }
}
