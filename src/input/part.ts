import { isAscii } from 'node:buffer';
import { decode, detectCodec, MAGIC_BYTES } from '../codecs/index.js';
import { KubectlDescribeReader } from '../containerlogs/kubectl-describe.js';
import { KubectlJsonReader, KubectlYamlReader, MAX_POD_CHARS } from '../containerlogs/kubectl-json.js';
import { LogScanner } from '../containerlogs/scanner.js';
import { YarnAggregatedReader } from '../containerlogs/yarn-aggregated.js';
import { InputError, TruncatedInputError } from '../errors.js';
import { readEventLines } from '../eventlog/events.js';
import { LineSplitter, MAX_LINE_BYTES } from '../eventlog/lines.js';
import { MAX_JSON_DEPTH } from '../eventlog/shape.js';
import { feedChunks } from '../sources/chunk-pool.js';
import { peek } from '../sources/peek.js';
import type { AppState } from '../state/app.js';
import { sniffKind, type InputKind } from './sniff.js';
import type { ReadStats } from './stats.js';

/** Bytes of decoded text the kind is sniffed from. */
const SNIFF_BYTES = 64 * 1024;
/**
 * An event log is told by its first bytes (`{"Event":`), and sniffKind looks at 4,096 characters
 * for binary data: a head whose first 4,096 bytes are ASCII (one character each) and sniff as an
 * event log would sniff so whole, so the rest of the 64 KiB is not decoded (it was the whole of a
 * small log, decoded and copied once more by trim, for every log of a scan).
 */
const QUICK_SNIFF_BYTES = 4096;

/** Whether the decoded head settles, from its first QUICK_SNIFF_BYTES, that the part is an event log. */
function quickEventLog(head: Buffer): boolean {
  return (
    head.length > QUICK_SNIFF_BYTES &&
    head[0] === 0x7b &&
    isAscii(head.subarray(0, QUICK_SNIFF_BYTES)) &&
    sniffKind(head.toString('latin1', 0, QUICK_SNIFF_BYTES)) === 'event-log'
  );
}

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
export async function readPart(
  raw: AsyncIterable<Buffer>,
  file: string,
  app: AppState,
  stats: ReadStats,
  opts: PartOptions = {},
): Promise<InputKind> {
  const { head: magic, stream } = await peek(raw, MAGIC_BYTES);
  if (magic.length === 0) throw new InputError('empty-file');
  const codec = detectCodec(magic);
  stats.compression ??= codec;
  const decoded = decode(codec, stream, { helperThread: opts.helperThread ?? false });
  const head = await peek(decoded, SNIFF_BYTES);
  const body = head.stream;
  const quick = quickEventLog(head.head);
  const text = quick ? '' : head.head.toString('utf8');
  if (!quick && text.trim() === '' && head.head.length < SNIFF_BYTES) {
    // Nothing before the end, or before a codec error: let that error speak if there was one.
    for await (const _ of body) void _;
    throw new InputError('no-content', { codec });
  }
  const kind = quick ? 'event-log' : sniffKind(text);
  if (kind === null || (kind !== 'event-log' && !opts.acceptText)) {
    // Given up after 64 KiB: close the stream so its file, decoder thread session and buffers go now.
    await body[Symbol.asyncIterator]().return?.();
    if (kind === null) throw new InputError('binary-data', { acceptText: opts.acceptText ?? false });
    throw new InputError('not-an-event-log', { readsAs: kind !== 'unknown' ? kind : null });
  }
  stats.kind ??= kind;
  if (kind === 'event-log') {
    const before = stats.events;
    // A log cut short or corrupt past its start is still an event log for the events before the fault:
    // its application is incomplete, not "no event log" (whose layout and outcome would be unknown).
    try {
      await readEventLines(body, file, app, stats, opts.inProgress ?? false, opts.exact ?? false);
    } finally {
      if (stats.events > before) app.hasEventLog = true;
    }
  } else if (kind === 'kubectl-json' && /^\uFEFF?\s*[{[]/.test(text)) {
    await readKubectlJson(body, file, app, stats, opts.inProgress ?? true);
  } else {
    await readTextLines(body, file, app, stats, kind, opts.inProgress ?? true);
  }
  return kind;
}

/** Text logs: container logs, kubectl output, driver/executor logs, pasted errors. */
async function readTextLines(
  body: AsyncIterable<Buffer>,
  file: string,
  app: AppState,
  stats: ReadStats,
  kind: Exclude<InputKind, 'event-log'>,
  tolerateTruncation: boolean,
): Promise<void> {
  const reader = textReader(kind, app, file);
  const splitter = new LineSplitter((line, n) => reader.line(line.toString('utf8'), n), {
    onLongLine: (line, bytes) => {
      stats.longLines++;
      stats.diagnose({ file, line, code: 'line-too-long', data: { bytes, limit: MAX_LINE_BYTES } });
    },
  });
  try {
    await feedChunks(body, (chunk) => splitter.push(chunk));
  } catch (e) {
    if (!(e instanceof TruncatedInputError) || !tolerateTruncation) throw e;
    stats.streamCut(file, splitter.lines + 1, e.problem);
  } finally {
    stats.lines += splitter.lines;
  }
  const counted = splitter.lines;
  const tail = splitter.end();
  stats.lines += splitter.lines - counted; // the last line, read or skipped for its length
  if (tail) {
    reader.line(tail.line.toString('utf8'), tail.lineNo);
  }
  reader.end();
}

/**
 * `kubectl get pods -o json`: the bytes go to the JSON reader as they come, never gathered into
 * lines, so a pod list on one line of any length is read in the memory of one pod.
 */
async function readKubectlJson(
  body: AsyncIterable<Buffer>,
  file: string,
  app: AppState,
  stats: ReadStats,
  tolerateTruncation: boolean,
): Promise<void> {
  const reader = new KubectlJsonReader(app, file, (line, chars) =>
    stats.diagnose({ file, line, code: 'pod-too-large', data: { chars, limit: MAX_POD_CHARS } }),
  );
  try {
    await feedChunks(body, (chunk) => reader.chunk(chunk));
  } catch (e) {
    if (!(e instanceof TruncatedInputError) || !tolerateTruncation) throw e;
    stats.streamCut(file, reader.lines + 1, e.problem);
  } finally {
    stats.lines += reader.lines;
  }
  reader.end();
  if (reader.tooDeep !== null) throw new InputError('kubectl-json-depth', { line: reader.tooDeep, max: MAX_JSON_DEPTH });
  if (reader.failed) throw new InputError('kubectl-json', reader.failed);
}

function textReader(kind: Exclude<InputKind, 'event-log'>, app: AppState, file: string): { line(t: string, n: number): void; end(): void } {
  switch (kind) {
    case 'yarn-aggregated-log':
      return new YarnAggregatedReader(app, file);
    case 'kubectl-describe':
      return new KubectlDescribeReader(app, file);
    case 'kubectl-json':
      return new KubectlYamlReader(app, file); // JSON is read by readKubectlJson
    default:
      // spark-log, yarn-diagnostics and unknown text: one scanner, no container context.
      if (kind === 'yarn-diagnostics') app.clusterManagerHint ??= 'yarn';
      return new LogScanner(app, { file, role: null, executorId: null, containerId: null, containerExecutors: new Map() });
  }
}
