import { decode, detectCodec, MAGIC_BYTES, TruncatedInputError, type Codec } from '../codecs/index.js';
import { InputError } from '../errors.js';
import { LineSplitter } from './lines.js';
import { isKnownEvent, SCHEMAS, shortEventName, type KnownEvent } from './schemas.js';

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
}

/** What reading one input found, besides its events. Bounded: diagnostics keep the first few. */
export class ReadStats {
  static readonly MAX_DIAGNOSTICS = 20;
  compression: Codec | null = null;
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

/** Returns the first n bytes of a stream and a stream that still yields everything. */
export async function peek(source: AsyncIterable<Buffer>, n: number): Promise<{ head: Buffer; stream: AsyncIterable<Buffer> }> {
  const it = source[Symbol.asyncIterator]();
  const taken: Buffer[] = [];
  let len = 0;
  let ended = false;
  while (len < n) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    taken.push(r.value);
    len += r.value.length;
  }
  const head = Buffer.concat(taken, len).subarray(0, n);
  async function* stream(): AsyncGenerator<Buffer> {
    yield* taken;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, stream: stream() };
}

/**
 * Reads one event-log part (a file, or one rolled piece of a log): detects its codec by magic
 * bytes, splits lines, parses each as JSON and checks the events we use against their schema.
 * A bad line is a counted diagnostic and reading goes on; a truncated tail is reported as
 * truncation. Throws InputError only when the bytes are not an event log at all or a codec fails
 * mid-stream for a reason other than truncation.
 */
export async function readEventLogPart(
  raw: AsyncIterable<Buffer>,
  file: string,
  visitor: EventVisitor,
  stats: ReadStats,
  inProgress = false,
): Promise<void> {
  const { head, stream } = await peek(raw, MAGIC_BYTES);
  if (head.length === 0) throw new InputError('empty file');
  const codec = detectCodec(head);
  stats.compression ??= codec;
  const before = stats.events;
  let firstChecked = false;

  const handle = (line: Buffer, lineNo: number, last: boolean): void => {
    let start = 0;
    while (start < line.length && (line[start] === 0x20 || line[start] === 0x09)) start++;
    if (start === line.length) return;
    if (!firstChecked) {
      firstChecked = true;
      if (line[start] !== 0x7b /* { */) {
        throw new InputError(`not a Spark event log: line ${lineNo} is not a JSON event`);
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
    stats.events++;
    stats.eventCounts.set(name, (stats.eventCounts.get(name) ?? 0) + 1);
    const type = shortEventName(name);
    if (!isKnownEvent(type)) return;
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
    for await (const chunk of decode(codec, stream)) splitter.push(chunk);
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
  if (truncation) throw new InputError(`${truncation.message}; the file is not marked .inprogress, so it was cut short after it was written`);
  if (!firstChecked) throw new InputError(codec === 'none' ? 'no events: the file holds only blank lines' : `no events: the ${codec} stream decodes to nothing`);
  if (stats.events === before && !stats.truncated) {
    throw new InputError('not a Spark event log: no line has an "Event" field');
  }
}
