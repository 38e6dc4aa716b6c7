import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Codec } from '../codecs/index.js';
import { InputError, problemOf, type Problem } from '../errors.js';
import { resolveInputs, type ResolvedInput } from '../sources/resolve.js';
import type { AppLog, Layout } from '../sources/types.js';
import { AppState } from '../state/app.js';
import { readPart } from './part.js';
import { planSplit, readSplit, SPLIT_MIN_BYTES, type InlineSplit } from './split.js';
import type { InputKind } from './sniff.js';
import { ReadStats } from './stats.js';

/** One application log of an input, folded. */
export interface AppRead {
  log: AppLog;
  state: AppState;
  stats: ReadStats;
  /** The failures of this application's parts (also in the input's `failures`): what it lacks. */
  failures: InputFailure[];
}

/** Why (part of) an input could not be read: the part, relative to the input, when not the input itself. */
export interface InputFailure {
  part: string | null;
  problem: Problem;
}

export interface InputRead {
  path: string;
  /** What the content is; for a zip or rolled log, its first part's. */
  kind: InputKind;
  layout: Layout;
  compression: Codec | 'zip' | null;
  apps: AppRead[];
  /** Empty when every part was read. */
  failures: InputFailure[];
}

export interface ReadOptions {
  /** Accept container logs, kubectl output and driver/executor logs besides event logs (diagnose). */
  acceptText?: boolean;
  /** Parse every line in full (tests compare the fast path against it). */
  exact?: boolean;
  /** Decode large compressed parts on a helper thread (diagnose, inspect; not scan's workers). */
  helperThread?: boolean;
  /** Stops reading between chunks (scan's Ctrl-C): the part then fails with 'interrupted'. */
  signal?: AbortSignal;
  /**
   * Threads one large plain log may be read on (diagnose, inspect: --jobs); 1 unless given. 'auto'
   * (diagnose and inspect without --jobs): two when the machine has two cores or more.
   */
  jobs?: number | 'auto';
  /** The size from which a plain log is split for two threads (SPLIT_MIN_BYTES unless given; tests split every log). */
  splitBytes?: number;
  /** Blocks per segment of a split log (src/input/split.ts SEGMENT_BLOCKS unless given; tests make many segments). */
  splitSegment?: number;
  /**
   * Tests: the helper's blocks read on this thread before its own (their digests folded all the
   * same); `true` for the back half of the usual blocks, or the blocks' size and how many the helper takes.
   */
  splitInline?: boolean | InlineSplit;
}

/** `source`, ending with InputError 'interrupted' at the first chunk after `signal` fires. */
async function* stopOn(source: AsyncIterable<Buffer>, signal: AbortSignal): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    if (signal.aborted) throw new InputError('interrupted');
    yield chunk;
  }
}

/** An application log that yielded something: events, or (text inputs) a readable log. */
/**
 * Text of no known kind in which reading recognised nothing: no event, no Spark, YARN or kubectl log, no
 * failure signal (a hostname file, notes). Not an application to diagnose: its input is refused
 * ('not-recognised'), as binary data is, instead of a report of "no memory failure" about nothing.
 */
export const unrecognised = (a: AppRead): boolean =>
  a.stats.events === 0 && a.stats.kind === 'unknown' && !a.state.hasEventLog && a.state.signals.all().length === 0;

export const hasContent = (a: AppRead): boolean => a.stats.events > 0 || (a.stats.kind !== null && a.stats.kind !== 'event-log');

/**
 * The one reading loop: every path (file, directory, zip, `-`) resolved into inputs, each read in
 * turn and handed over before the next is opened, so a batch holds one input's state at a time.
 * An input that cannot be read is yielded with its failures; the batch goes on.
 */
export async function* readAll(paths: string[], opts: ReadOptions = {}): AsyncGenerator<InputRead> {
  for await (const input of resolveInputs(paths)) yield await readInput(input, opts);
}

/**
 * Reads every application log of one input through the state fold. A failure stops that log
 * only; what was read before it stays in the result, and the input's other logs go on.
 */
export async function readInput(input: ResolvedInput, opts: ReadOptions = {}): Promise<InputRead> {
  const result: InputRead = {
    path: input.path,
    kind: 'event-log',
    layout: input.layout,
    compression: input.layout === 'zip' ? 'zip' : null,
    apps: [],
    failures: [],
  };
  if (input.error !== undefined) {
    result.failures.push({ part: null, problem: input.error });
    return result;
  }
  try {
    for (const log of input.apps) {
      const app: AppRead = { log, state: new AppState(), stats: new ReadStats(), failures: [] };
      result.apps.push(app);
      for (const part of log.parts) {
        try {
          if (opts.signal?.aborted) throw new InputError('interrupted');
          const jobs = opts.jobs ?? 1;
          const split = (jobs === 'auto' || jobs > 1) && !opts.exact && !opts.signal;
          const planned = split
            ? planSplit(part, input.layout, opts.splitBytes ?? SPLIT_MIN_BYTES, opts.splitInline, opts.splitSegment)
            : null;
          // Cores are counted only for a log large enough to share (os is loaded at first use: load.test.ts).
          const plan = planned !== null && (jobs !== 'auto' || availableParallelism() > 1) ? planned : null;
          if (plan !== null) {
            await readSplit(plan, part.name, app.state, app.stats, opts.splitInline);
            continue;
          }
          const raw = part.open();
          await readPart(opts.signal ? stopOn(raw, opts.signal) : raw, part.name, app.state, app.stats, {
            inProgress: part.inProgress,
            acceptText: opts.acceptText ?? false,
            exact: opts.exact ?? false,
            helperThread: opts.helperThread ?? false,
          });
        } catch (e) {
          const failure = { part: part.name === input.path ? null : relativePart(input.path, part.name), problem: problemOf(e) };
          result.failures.push(failure);
          app.failures.push(failure);
          break; // the rest of this log would lack what came before; other logs in the input go on
        }
      }
      applyHints(app);
      result.compression ??= app.stats.compression;
    }
  } finally {
    if (result.compression === null) result.compression = result.apps[0]?.stats.compression ?? null;
    result.kind = result.apps.find((a) => a.stats.kind !== null)?.stats.kind ?? 'event-log';
    await input.dispose?.();
  }
  return result;
}

function applyHints(app: AppRead): void {
  const { state, log } = app;
  // Standard input is read as in progress (a piped copy may end mid-frame), but says nothing of the app.
  state.inProgress = log.parts.some((p) => p.inProgress && p.name !== '-') || log.hints.complete === false;
  state.sparkVersion ??= log.hints.sparkVersion ?? null;
  state.appId ??= log.hints.appIdFromName ?? null;
  const missing = log.hints.missingParts;
  if (missing && log.parts[0]) app.stats.diagnose({ file: log.parts[0].name, line: 1, code: 'missing-parts', data: missing });
}

function relativePart(inputPath: string, partName: string): string {
  if (partName.startsWith(`${inputPath}!`)) return partName.slice(inputPath.length + 1);
  const rel = path.relative(inputPath, partName);
  return rel && !rel.startsWith('..') ? rel : partName;
}
