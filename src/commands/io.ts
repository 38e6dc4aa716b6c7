import type { InputRead } from '../input/read.js';
import { checkConfValue } from '../memory/conf-types.js';
import { MemoryConfigError } from '../memory/errors.js';
import { escapeControl } from '../render/escape.js';
import { failuresText } from '../render/json.js';
import { memoryErrorText } from '../render/memory-words.js';

/** Where a command writes; tests pass their own. */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** stdout is a terminal: colour by default. */
  isTTY: boolean;
  /** stderr is a terminal: scan draws its progress bar there. */
  errIsTTY?: boolean;
  /** The terminal's width when stdout is one. */
  columns?: number;
  env: NodeJS.ProcessEnv;
}

/**
 * Exit codes, in order of precedence when several apply to one run: an unreadable input (2) wins
 * over a diagnosed critical failure (1), as grep's error status wins over its match status: the
 * result is incomplete (the missing input may hold the root cause), and a script testing for 1
 * must not take a partial run for a complete one. The critical finding is still printed, and the
 * JSON says both (`exit`).
 */
export const EXIT_OK = 0;
export const EXIT_DIAGNOSED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;
/** A bug in spark-triage, not in the input: sysexits' EX_SOFTWARE, which no input and no diagnosis gives (src/cli.ts). */
export const EXIT_INTERNAL = 70;

/** One line on stderr naming an input that could not (all) be read. */
export function reportFailures(read: InputRead, io: Io): void {
  if (read.failures.length > 0) io.err(`spark-triage: ${escapeControl(read.path)}: ${escapeControl(failuresText(read.failures))}\n`);
}

/**
 * `key=value` pairs of --conf, collected. A value that is not of its key's type (a size, a number, a
 * boolean: src/memory/conf-types.ts) is bad usage, named with the flag, before any input is read.
 */
export function collectConf(pair: string, acc: Record<string, string> = {}): Record<string, string> {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new UsageError(`--conf: expected key=value, got "${escapeControl(pair)}"`);
  const key = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1);
  try {
    checkConfValue(key, value);
  } catch (e) {
    if (!(e instanceof MemoryConfigError)) throw e;
    throw new UsageError(`--conf ${escapeControl(memoryErrorText(e))}`);
  }
  return { ...acc, [key]: value };
}

/** Bad usage found by a command itself (after commander's own checks): one line, exit 2. */
/** A positive whole number given on the command line, or null when not given. */
export function positive(v: string | null, name: string): number | null {
  if (v === null) return null;
  if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`${name} ${escapeControl(v)}: not a positive whole number`);
  return Number(v);
}

/**
 * What diagnose and inspect read one log with: `--jobs` threads, by default 'auto' (two for a local
 * plain log of SPLIT_MIN_BYTES or more, src/input/split.ts, when there are two cores), and the split
 * size tests lower through SPARK_TRIAGE_SPLIT_BYTES (an internal setting: every log split, to hold the
 * two-thread reading to the one-thread one), and its segments' blocks through SPARK_TRIAGE_SPLIT_SEGMENT.
 */
export function threadOptions(
  jobs: string | null,
  env: Record<string, string | undefined>,
): { jobs: number | 'auto'; splitBytes?: number; splitSegment?: number } {
  // Two threads unless asked for one. Measured on the bench's 1 GiB plain log, `diagnose --format json`,
  // medians of 5 alternating runs, this 2-core machine: idle, --jobs 2 1.51 s against --jobs 1 1.89 s
  // (CPU 2.71 against 2.04 s; peak RSS 177-183 against 128-132 MiB); with one core held by another
  // process (`yes`), 1.87 against 2.05 s; with both held, 2.43 against 3.05 s. Once the second
  // thread was slower on a busy machine and held 80 MiB more (237 MiB); since the helper's
  // digests were made smaller (tail.ts) it is faster in each case and under 200 MiB.
  const n = positive(jobs, '--jobs') ?? 'auto';
  const split = env.SPARK_TRIAGE_SPLIT_BYTES;
  const segment = env.SPARK_TRIAGE_SPLIT_SEGMENT;
  return {
    jobs: n,
    ...(split !== undefined && /^\d+$/.test(split) ? { splitBytes: Number(split) } : {}),
    ...(segment !== undefined && /^[1-9]\d*$/.test(segment) ? { splitSegment: Number(segment) } : {}),
  };
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The width a table is laid out to: the terminal's, or 80 when stdout is not one (or a narrow one). */
export const tableWidth = (io: Io): number => (io.isTTY && io.columns !== undefined && io.columns >= 40 ? io.columns : 80);
