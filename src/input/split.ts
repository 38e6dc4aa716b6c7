import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { detectCodec, MAGIC_BYTES } from '../codecs/index.js';
import type { TailDigest } from '../eventlog/digest.js';
import { readEventLines } from '../eventlog/events.js';
import { MAX_METRIC_NAMES, metricNameCount } from '../eventlog/fast.js';
import type { Layout, Part } from '../sources/types.js';
import { MAX_EXECUTORS, MAX_STAGE_ATTEMPTS, type AppState } from '../state/app.js';
import { readFileRange } from '../sources/file-chunks.js';
import { digestTail } from './tail.js';
import { sniffKind } from './sniff.js';
import type { ReadStats } from './stats.js';

/**
 * Plain event logs at least this large are read on two threads (diagnose, inspect; `--jobs 1`: one).
 * The helper thread costs CPU the one thread does not spend: its start from the code cache
 * (src/load.ts), its own warm-up of the reader, the digest's copy and fold. Measured with the built
 * CLI (`diagnose --format json`, bench-shaped logs, medians of 3, this 2-core machine at load average
 * 13-18): user + system CPU 0.43 → 0.63 s at 16 MiB, 0.48 → 0.73 s at 32 MiB, 0.55 → 0.87 s at
 * 64 MiB, 2.46 → 3.33 s at 1 GiB (split forced against `--jobs 1`). A second core saves at most half
 * of the one-thread time, so below ~128 MiB the saving is of the order of that cost. Our choice:
 * 128 MiB, so that no smaller log can be slower for the second thread.
 */
export const SPLIT_MIN_BYTES = 128 * 1024 * 1024;

/**
 * The share of a split log the helper thread reads (the end of it); this thread reads the rest. The
 * helper starts later and pays what this thread does not: its start (a new isolate loading the
 * bundle: ~0.1 s to a digest of nothing, measured at load average 9) and sending its digest (tens
 * of ms on the 1 GiB bench log). At ~1.25 s of CPU per GiB on one thread (the same bench log), those
 * ~0.13 s are ~10% of the file: a helper reading 45% ends about when this thread ends its 55%. Our
 * choice, from those measurements; the halves a log is cut into do not change what is read (the
 * split test cuts every log).
 */
export const TAIL_SHARE = 0.45;

/** Bytes sniffed at the start, as readPart does (SNIFF_BYTES there) and as the line splitter decides its line end (CR_SNIFF_BYTES). */
const HEAD_BYTES = 64 * 1024;
const LF = 10;

/** A plain event log cut in two after a LF: bytes 0..cut on this thread, cut..size on a helper. */
export interface SplitPlan {
  fsPath: string;
  size: number;
  cut: number;
}

/**
 * The module a helper thread starts from: load.js, beside the one-file build (where every module's
 * URL is the bundle's) or one folder up (the modules tsc wrote); none when running from sources (tests).
 */
function loaderUrl(): string | null {
  for (const rel of ['./load.js', '../load.js']) {
    const url = new URL(rel, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url.href;
  }
  return null;
}

/**
 * Whether (and where) to cut a part in two: a local, finished, plain event log of at least
 * `minBytes` whose line ends are LF (the splitter decides from the first 64 KiB: a LF there), cut
 * just after the first LF at or after 1 - TAIL_SHARE of its size. Null for anything else: zips, standard input,
 * URLs, compressed, in-progress, text logs, or no helper thread to start.
 */
export function planSplit(part: Part, layout: Layout, minBytes: number, inline = false): SplitPlan | null {
  if (layout === 'zip' || part.inProgress || part.name === '-' || part.name.includes('://')) return null;
  if (!inline && loaderUrl() === null) return null;
  const fsPath = part.name;
  let size: number;
  try {
    const st = statSync(fsPath);
    if (!st.isFile()) return null;
    size = st.size;
  } catch {
    return null; // a shown name that is not the path (escaped bytes): read on one thread
  }
  if (size < Math.max(minBytes, 2)) return null;
  const fd = openSync(fsPath, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    if (readSync(fd, head, 0, head.length, 0) !== head.length) return null;
    if (detectCodec(head.subarray(0, MAGIC_BYTES)) !== 'none' || head.indexOf(LF) < 0) return null;
    if (sniffKind(head.toString('utf8')) !== 'event-log') return null;
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let pos = Math.floor(size * (1 - TAIL_SHARE)); pos < size;) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, size - pos), pos);
      if (n === 0) return null;
      const lf = buf.subarray(0, n).indexOf(LF);
      if (lf >= 0) return pos + lf + 1 < size ? { fsPath, size, cut: pos + lf + 1 } : null;
      pos += n;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * Starts the helper thread on the second half; its digest, or null when it failed or gave up.
 * `inline` (tests): read on this thread once asked, the digest cloned as a thread's message is.
 */
function startTail(plan: SplitPlan, file: string, inline: boolean): { digest(): Promise<TailDigest | null>; stop(): void } {
  if (inline) {
    const digest = async (): Promise<TailDigest | null> => structuredClone(await digestTail(plan.fsPath, file, plan.cut, plan.size));
    return { digest, stop: () => undefined };
  }
  const worker = new Worker(`import(${JSON.stringify(loaderUrl())}).then((m) => m.load('split-worker'))`, {
    eval: true,
    workerData: { fsPath: plan.fsPath, file, start: plan.cut, end: plan.size },
  });
  const digest = new Promise<TailDigest | null>((resolve) => {
    worker.once('message', (d: TailDigest | null) => {
      resolve(d);
      void worker.terminate(); // its heap goes before the digest is folded
    });
    worker.once('error', () => resolve(null));
    worker.once('exit', () => resolve(null));
  });
  return { digest: () => digest, stop: () => void worker.terminate() };
}

/** Whether the digest folds into `app` exactly as reading on would: no cap can be reached, every sum stays exact. */
function fits(d: TailDigest, app: AppState): boolean {
  return (
    app.stages.size + d.stageBound <= MAX_STAGE_ATTEMPTS &&
    app.executors.size + d.executorBound <= MAX_EXECUTORS &&
    metricNameCount() + d.metricNames.length <= MAX_METRIC_NAMES &&
    app.sumsStayExact(d.absSum)
  );
}

/**
 * Reads a part as planned: the first half here while a helper thread reads the second, then what the
 * helper read folded in after the first half, in order (eventlog/digest.ts); when the helper failed,
 * gave up, or its digest would not fold exactly, the second half is read here, as one thread would.
 * Either way the state and statistics are those of reading the part on one thread (what readPart
 * does for a plain event log; test/input/split.test.ts holds it to that).
 */
export async function readSplit(plan: SplitPlan, file: string, app: AppState, stats: ReadStats, inline = false): Promise<void> {
  stats.compression ??= 'none';
  stats.kind ??= 'event-log';
  const before = stats.events;
  const tail = startTail(plan, file, inline);
  try {
    await readEventLines(readFileRange(plan.fsPath, 0, plan.cut, true), file, app, stats, false, false, {
      rest: {
        digest: async () => {
          const d = await tail.digest();
          return d !== null && fits(d, app) ? d : null;
        },
        bytes: () => readFileRange(plan.fsPath, plan.cut, plan.size - plan.cut, true),
      },
    });
  } finally {
    tail.stop();
  }
  if (stats.events > before) app.hasEventLog = true;
}
