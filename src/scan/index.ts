import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Style } from '../render/style.js';
import type { Problem } from '../errors.js';
import type { Glob } from './filters.js';
import { decodedBytes } from './decoded.js';
import { prepareRow, RowWriter, type PreparedRow, type ScanFormat } from './output.js';
import { scanUnit, type ScanRow } from './row.js';
import { walkLogDir, type Unit } from '../sources/walk.js';

export interface ScanOptions {
  root: string;
  format: ScanFormat;
  /** Threads, the main one included; 'auto': the cores, as far as the bytes to read repay them. */
  jobs: number | 'auto';
  failedOnly: boolean;
  since: number | null;
  appName: Glob | null;
  limit: number | null;
}

export interface ScanIo {
  out: (s: string) => void;
  /** Progress on stderr, only when it is a terminal. */
  progress: ((s: string) => void) | null;
  style: Style;
  color: boolean;
}

/**
 * Decoded bytes of logs that repay one more thread under `--jobs` by default (compressed logs
 * count what they decode to: ./decoded.ts). A worker costs its start and slows the others (V8's
 * compiler and collector threads already keep part of a second core busy with one job). With every
 * module loaded one by one a worker took 0.36 s of CPU to start and 512 MiB was the size that
 * repaid it (`npm run bench`, 2 cores: 1,000 small logs, 80 MB, at 0.93× on two threads; four 1 GiB
 * logs at 1.68×); from the one-file build and its code cache (src/load.ts) it takes 0.10 s
 * (two tiny logs, `--jobs 2` against `--jobs 1`, median CPU of 9), so the size is scaled by the
 * same 3.6 and rounded down: the real corpus (25 MB on disk, 348 MiB decoded) gets both cores.
 */
export const AUTO_BYTES_PER_THREAD = 128 * 1024 * 1024;

/** The threads a scan of logs decoding to `bytes` uses when `--jobs` is not given. */
export const autoJobs = (bytes: number): number =>
  Math.max(1, Math.min(availableParallelism(), 1 + Math.floor(bytes / AUTO_BYTES_PER_THREAD)));

/**
 * Scans a log directory: lists units (no file opened), filters by time, then reads and diagnoses
 * them on a pool of worker threads (in-process with --jobs 1), writing rows as they finish.
 * Resolves to 'done' or 'interrupted'.
 */
export async function runScan(opts: ScanOptions, io: ScanIo, signal: AbortSignal): Promise<'done' | 'interrupted'> {
  const writer = new RowWriter(opts.format, io.out, io.style);
  writer.open(); // an unusable $TMPDIR is said before the walk, not after it
  try {
    return await scanInto(writer, opts, io, signal);
  } finally {
    writer.cleanup();
  }
}

async function scanInto(writer: RowWriter, opts: ScanOptions, io: ScanIo, signal: AbortSignal): Promise<'done' | 'interrupted'> {
  let units: Unit[] = [];
  for await (const u of walkLogDir(opts.root)) {
    if (opts.since !== null && u.error === undefined && u.mtime < opts.since) continue;
    units.push(u);
  }
  if (opts.limit !== null) units = units.sort((a, b) => b.mtime - a.mtime).slice(0, opts.limit);
  const total = units.length;
  let done = 0;
  const started = Date.now();
  let lastDraw = 0;
  const draw = (force = false): void => {
    if (!io.progress) return;
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    const rate = done / Math.max(0.001, (now - started) / 1000);
    const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    const width = 24;
    const filled = total ? Math.round((done / total) * width) : width;
    io.progress(
      `\r[${'='.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} apps · ${rate.toFixed(1)}/s · ETA ${Math.floor(eta / 60)}:${String(eta % 60).padStart(2, '0')} `,
    );
  };
  const accept = (rows: PreparedRow[]): void => {
    for (const row of rows) {
      if (opts.failedOnly && !row.failed) continue;
      if (opts.appName && !row.error && !opts.appName.test(row.appName ?? '')) continue;
      writer.add(row);
    }
    done++;
    draw();
  };
  try {
    const queue = units.values();
    const next = (): Unit | undefined => (signal.aborted ? undefined : queue.next().value);
    const prep = (rows: ScanRow[]): PreparedRow[] => rows.map((r) => prepareRow(r, opts.format, io.color));
    // The main thread is one of the N: it only orders and writes rows besides, and on a machine of
    // N cores an extra thread would compete with the workers (and V8's own background work).
    const local = async (): Promise<void> => {
      for (let u = next(); u; u = next()) {
        const rows = u.error !== undefined ? [unreadable(u.path, u.error)] : await scanUnit(u.path, signal);
        if (rows.some(cutShort)) break; // a log cut short by Ctrl-C is not a row
        accept(prep(rows));
      }
    };
    // Files are weighed only until the cores are all repaid: a directory of 60,000 logs is not opened twice.
    const jobs = opts.jobs === 'auto' ? autoJobs(decodedBytes(units, (availableParallelism() - 1) * AUTO_BYTES_PER_THREAD)) : opts.jobs;
    const threads = Math.min(jobs, Math.max(1, total)) - 1;
    await Promise.all([
      local(),
      threads > 0 ? pool(threads, next, accept, prep, signal, { format: opts.format, color: io.color }) : Promise.resolve(),
    ]);
  } finally {
    if (io.progress) io.progress(`\r${' '.repeat(72)}\r`);
  }
  // Not in `finally`: after a failure (the temporary file unwritable) the rows are not printed.
  writer.finish(signal.aborted ? `interrupted after ${done} of ${total}` : undefined);
  return signal.aborted ? 'interrupted' : 'done';
}

const unreadable = (path: string, problem: Problem): ScanRow => ({ path, failures: [{ part: null, problem }] });
const cutShort = (r: ScanRow): boolean => 'failures' in r && r.failures.some((f) => f.problem.code === 'interrupted');

const PREFETCH = 2;

/** N worker threads, each fed the next unit when it answers; a slow log holds one worker only. */
async function pool(
  n: number,
  next: () => Unit | undefined,
  accept: (rows: PreparedRow[]) => void,
  prep: (rows: ScanRow[]) => PreparedRow[],
  signal: AbortSignal,
  workerData: { format: ScanFormat; color: boolean },
): Promise<void> {
  const url = new URL('./worker.js', import.meta.url);
  const workers = Array.from({ length: n }, () => new Worker(url, { workerData }));
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            let id = 0;
            let inFlight = 0;
            let drained = false;
            // Two units queued per worker, so it never waits for the next path between units.
            const feed = (): void => {
              while (!drained && inFlight < PREFETCH) {
                let u = next();
                while (u?.error !== undefined) {
                  accept(prep([unreadable(u.path, u.error)]));
                  u = next();
                }
                if (!u) drained = true;
                else {
                  inFlight++;
                  w.postMessage({ id: ++id, path: u.path });
                }
              }
              if (drained && inFlight === 0) resolve();
            };
            w.on('message', (msg: { rows: PreparedRow[] }) => {
              inFlight--;
              try {
                accept(msg.rows);
                feed();
              } catch (e) {
                reject(e instanceof Error ? e : new Error(String(e))); // the rows' temporary file unwritable: the scan ends with one line, no stack
              }
            });
            w.on('error', reject);
            signal.addEventListener('abort', () => resolve(), { once: true });
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
