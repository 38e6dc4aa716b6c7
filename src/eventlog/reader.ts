import { decode, detectCodec, MAGIC_BYTES, TruncatedInputError, type Codec } from '../codecs/index.js';
import { InputError } from '../errors.js';
import { LineSplitter } from './lines.js';
import { recycleChunk } from '../sources/chunk-pool.js';
import { peek } from '../sources/peek.js';
import { isKnownEvent, SCHEMAS, shortEventName, type KnownEvent, type KnownEventName } from './schemas.js';
import { eventName, fastEnvironment, fastTaskEnd, looksComplete, type MetricsRow } from './fast.js';
import { sniffKind, type InputKind } from '../containerlogs/kinds.js';
import { KubectlDescribeReader } from '../containerlogs/kubectl-describe.js';
import { KubectlJsonReader, KubectlYamlReader } from '../containerlogs/kubectl-json.js';
import { LogScanner } from '../containerlogs/scanner.js';
import { YarnAggregatedReader } from '../containerlogs/yarn-aggregated.js';
import type { AppState } from '../state/app.js';

/** Where a piece of evidence came from: the part file and its 1-based line. */
export interface Location {
  file: string;
  line: number;
}

export interface Diagnostic extends Location {
  message: string;
}

export interface EventVisitor {
  onEvent(event: KnownEvent, at: Location): void;
  /** The fast path's executor metrics of the task just passed to onEvent (instead of its object). */
  onExecutorMetrics?(executorId: string, metrics: MetricsRow): void;
}

/** What reading one input found, besides its events. Bounded: diagnostics keep the first few. */
export class ReadStats {
  static readonly MAX_DIAGNOSTICS = 20;
  compression: Codec | null = null;
  kind: InputKind | null = null;
  lines = 0;
  malformedLines = 0;
  schemaMismatches = 0;
  truncated = false;
  events = 0;
  readonly eventCounts = new Map<string, number>();
  readonly diagnostics: Diagnostic[] = [];

  diagnose(d: Diagnostic): void {
    if (this.diagnostics.length < ReadStats.MAX_DIAGNOSTICS) this.diagnostics.push(d);
  }
}

/** Bytes of decoded text the kind is sniffed from. */
const SNIFF_BYTES = 64 * 1024;

export interface PartOptions {
  /** The writer had not finished the file: a compressed stream cut mid-frame is normal. */
  inProgress?: boolean;
  /** Read container logs, kubectl output and driver/executor logs too (diagnose); else event logs only. */
  acceptText?: boolean;
  /** Parse every line in full (no fast path): what the fast path is tested against. */
  exact?: boolean;
  /** Large compressed parts may be decoded on a helper thread (not when the caller is one of several workers). */
  helperThread?: boolean;
}

/**
 * Reads one part (a file, or one rolled piece of a log): detects its codec by magic bytes and its
 * kind by content, then folds it into `app`: events for an event log, signals and settings for
 * text logs. A bad line is a counted diagnostic and reading goes on; a truncated tail is reported
 * as truncation. Throws InputError when the bytes are neither, or a codec fails mid-stream for a
 * reason other than truncation.
 */
export async function readPart(raw: AsyncIterable<Buffer>, file: string, app: AppState, stats: ReadStats, opts: PartOptions = {}): Promise<InputKind> {
  const { head: magic, stream } = await peek(raw, MAGIC_BYTES);
  if (magic.length === 0) throw new InputError('empty file');
  const codec = detectCodec(magic);
  stats.compression ??= codec;
  const decoded = decode(codec, stream, { helperThread: opts.helperThread ?? false });
  const sniffed = await peek(decoded, SNIFF_BYTES);
  const body = sniffed.stream;
  const text = sniffed.head.toString('utf8');
  if (text.trim() === '' && sniffed.head.length < SNIFF_BYTES) {
    // Nothing before the end, or before a codec error: let that error speak if there was one.
    for await (const _ of body) void _;
    throw new InputError(codec === 'none' ? 'no content: the file holds only blank lines' : `no content: the ${codec} stream decodes to blank lines or nothing`);
  }
  const kind = sniffKind(text);
  if (kind === null) throw new InputError(`binary data: not a Spark event log${opts.acceptText ? ' nor a text log' : ''}`);
  if (kind !== 'event-log' && !opts.acceptText) {
    throw new InputError(`not a Spark event log: line 1 is not a JSON event${kind !== 'unknown' ? ` (it reads as ${kind}; diagnose takes it)` : ''}`);
  }
  stats.kind ??= kind;
  if (kind === 'event-log') {
    const before = stats.events;
    await readEventLines(body, file, app, stats, opts.inProgress ?? false, opts.exact ?? false);
    if (stats.events > before) app.hasEventLog = true;
  } else {
    await readTextLines(body, file, app, stats, kind, opts.inProgress ?? true);
  }
  return kind;
}

async function readEventLines(body: AsyncIterable<Buffer>, file: string, visitor: EventVisitor, stats: ReadStats, inProgress: boolean, exact: boolean): Promise<void> {
  const before = stats.events;
  // One entry per distinct event name (a few dozen per log): its short name, whether the product
  // uses it, and its count, flushed into stats at the end; cheaper than map updates per line.
  type NameEntry = { type: string; known: boolean; n: number };
  const names = new Map<string, NameEntry>();
  const info = (name: string): NameEntry => {
    let e = names.get(name);
    if (!e) {
      const type = shortEventName(name);
      e = { type, known: isKnownEvent(type), n: 0 };
      names.set(name, e);
    }
    return e;
  };
  const tally = (e: NameEntry): void => {
    stats.events++;
    e.n++;
  };
  const handle = (line: Buffer, lineNo: number, last: boolean): void => {
    let start = 0;
    while (start < line.length && (line[start] === 0x20 || line[start] === 0x09)) start++;
    if (start === line.length) return;
    if (!exact && start === 0 && !last) {
      // Fast path (fast.ts): events we do not use are counted by name; successful tasks read in place.
      const name = eventName(line);
      if (name !== null && looksComplete(line)) {
        const e = info(name);
        if (!e.known) {
          tally(e);
          return;
        }
        // The commonest known line first: tasks outnumber every other event.
        if (e.type === 'SparkListenerTaskEnd') {
          const fast = fastTaskEnd(line);
          if (fast && (fast.peaks === null || visitor.onExecutorMetrics)) {
            tally(e);
            visitor.onEvent({ type: 'SparkListenerTaskEnd', data: fast.data }, { file, line: lineNo });
            if (fast.peaks) visitor.onExecutorMetrics!(fast.data['Task Info']['Executor ID'], fast.peaks);
            return;
          }
        }
        if (e.type === 'SparkListenerEnvironmentUpdate') {
          const env = fastEnvironment(line);
          if (env !== null) {
            tally(e);
            dispatch(e.type, env, lineNo);
            return;
          }
        }
      }
    }
    let obj: unknown;
    try {
      obj = JSON.parse(line.toString('utf8'));
    } catch {
      if (last) {
        stats.truncated = true;
        stats.diagnose({ file, line: lineNo, message: 'the log ends in the middle of an event (truncated final line)' });
      } else {
        stats.malformedLines++;
        stats.diagnose({ file, line: lineNo, message: 'not valid JSON' });
      }
      return;
    }
    const name = obj !== null && typeof obj === 'object' ? (obj as { Event?: unknown }).Event : undefined;
    if (typeof name !== 'string') {
      stats.malformedLines++;
      stats.diagnose({ file, line: lineNo, message: 'JSON without an "Event" field' });
      return;
    }
    const e = info(name);
    tally(e);
    if (!e.known) return;
    dispatch(e.type as KnownEventName, obj, lineNo);
  };
  /** Validates a known event against its schema and hands it to the visitor. */
  const dispatch = (type: KnownEventName, obj: unknown, lineNo: number): void => {
    const parsed = SCHEMAS[type].safeParse(obj);
    if (!parsed.success) {
      stats.schemaMismatches++;
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(event)'}: ${issue.message}` : 'does not match';
      stats.diagnose({ file, line: lineNo, message: `${type} does not match its schema (${where})` });
      return;
    }
    visitor.onEvent({ type, data: parsed.data } as KnownEvent, { file, line: lineNo });
  };

  const splitter = new LineSplitter((line, n) => handle(line, n, false));
  let truncation: TruncatedInputError | null = null;
  try {
    try {
      for await (const chunk of body) {
        splitter.push(chunk);
        recycleChunk(chunk);
      }
    } catch (e) {
      if (!(e instanceof TruncatedInputError)) throw e;
      stats.truncated = true;
      stats.diagnose({ file, line: splitter.lines + 1, message: e.message });
      // A finished log is closed properly; one cut mid-frame was damaged (a partial copy).
      if (!inProgress) truncation = e;
    } finally {
      stats.lines += splitter.lines;
    }
    const tail = splitter.end();
    if (tail) {
      stats.lines++;
      handle(tail.line, tail.lineNo, true);
    }
  } finally {
    // Also when a codec fails mid-stream: what was read before stays counted.
    for (const [name, e] of names) if (e.n > 0) stats.eventCounts.set(name, (stats.eventCounts.get(name) ?? 0) + e.n);
  }
  if (truncation) throw new InputError(`${truncation.message}; the file is not marked .inprogress, so it was cut short after it was written`);
  if (stats.events === before && !stats.truncated) {
    throw new InputError('not a Spark event log: no line has an "Event" field');
  }
}

/** Text logs: container logs, kubectl output, driver/executor logs, pasted errors. */
async function readTextLines(body: AsyncIterable<Buffer>, file: string, app: AppState, stats: ReadStats, kind: Exclude<InputKind, 'event-log'>, tolerateTruncation: boolean): Promise<void> {
  const reader = textReader(kind, app, file);
  const splitter = new LineSplitter((line, n) => reader.line(line.toString('utf8'), n));
  try {
    for await (const chunk of body) {
      splitter.push(chunk);
      recycleChunk(chunk);
    }
  } catch (e) {
    if (!(e instanceof TruncatedInputError) || !tolerateTruncation) throw e;
    stats.truncated = true;
    stats.diagnose({ file, line: splitter.lines + 1, message: e.message });
  } finally {
    stats.lines += splitter.lines;
  }
  const tail = splitter.end();
  if (tail) {
    stats.lines++;
    reader.line(tail.line.toString('utf8'), tail.lineNo);
  }
  reader.end();
}

function textReader(kind: Exclude<InputKind, 'event-log'>, app: AppState, file: string): { line(t: string, n: number): void; end(): void } {
  switch (kind) {
    case 'yarn-aggregated-log':
      return new YarnAggregatedReader(app, file);
    case 'kubectl-describe':
      return new KubectlDescribeReader(app, file);
    case 'kubectl-json':
      return new KubectlPodReader(app, file);
    default:
      // spark-log, yarn-diagnostics and unknown text: one scanner, no container context.
      if (kind === 'yarn-diagnostics') app.clusterManagerHint ??= 'yarn';
      return new LogScanner(app, { file, role: null, executorId: null, containerId: null, containerExecutors: new Map() });
  }
}

/** JSON or YAML, told apart on the first line. */
class KubectlPodReader {
  private inner: KubectlJsonReader | KubectlYamlReader | null = null;
  constructor(private readonly app: AppState, private readonly file: string) {}
  line(t: string, n: number): void {
    if (!this.inner) {
      if (t.trim() === '') return;
      this.inner = /^\s*[{[]/.test(t) ? new KubectlJsonReader(this.app, this.file) : new KubectlYamlReader(this.app, this.file);
    }
    this.inner.line(t, n);
  }
  end(): void {
    this.inner?.end();
    if (this.inner instanceof KubectlJsonReader && this.inner.failed) throw new InputError(this.inner.failed);
  }
}
