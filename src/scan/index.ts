import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Style } from '../render/style.js';
import type { Problem } from '../errors.js';
import type { Glob } from './filters.js';
import type { ScanFilters } from '../render/html/scan.js';
import {
  prepareRow,
  prepareView,
  RowWriter,
  scanRoot,
  underRoot,
  type RowView,
  type PreparedRow,
  type ScanFormat,
  type TableShape,
} from './output.js';
import { ScanState } from './state.js';
import { decodedBytes, largestFirst } from './decoded.js';
import { scanUnit, type ScanRow } from './row.js';
import { remoteConfig } from '../sources/remote/config.js';
import { isRemote, listRemoteUnits } from '../sources/remote/index.js';
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
  /** --shard k/n: this run's share of the logs (1 ≤ k ≤ n). */
  shard: { k: number; n: number } | null;
  /** --state FILE: what earlier runs diagnosed; null without it. */
  state: string | null;
  /** --new-only: rows only for logs read in this run, not those the state already had. */
  newOnly: boolean;
  /** --for-html: each JSONL row also carries its diagnosis and timeline, for merge --format html. */
  forHtml?: boolean;
  /** --by app-name: rows folded into one summary per application name (./fleet.ts). */
  by?: 'app-name' | null;
  /** The filters as given, for the HTML page to say. */
  filters?: ScanFilters;
}

export interface ScanIo {
  out: (s: string) => void;
  /** Progress on stderr, only when it is a terminal. */
  progress: ((s: string) => void) | null;
  style: Style;
  color: boolean;
  /** The table's width: the terminal's columns, or 80. */
  width: number;
}

/**
 * Decoded bytes of logs that repay one more thread under `--jobs` by default (compressed logs
 * count what they decode to: ./decoded.ts). A worker costs its start and slows the others (V8's
 * compiler and collector threads already keep part of a second core busy with one job). With every
 * module loaded one by one a worker took 0.36 s of CPU to start and 512 MiB was the size that
 * repaid it (`npm run bench`, 2 cores: 1,000 small logs, 80 MB, at 0.93× on two threads; four 1 GiB
 * logs at 1.68×); from the one-file build and its code cache (src/load.cts) it takes 0.10 s
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
  // Rows go to stdout and the progress bar to stderr: on one terminal, the bar is cleared before a row.
  let barShown = false;
  const out = (s: string): void => {
    if (barShown && io.progress) io.progress(CLEAR_LINE);
    barShown = false;
    io.out(s);
  };
  const progress = io.progress
    ? (s: string): void => {
        barShown = true;
        io.progress!(s);
      }
    : null;
  const root = scanRoot(opts.root);
  const writer = new RowWriter(opts.format, out, io.style, { width: io.width, root }, opts.filters ?? null, opts.by ?? null);
  writer.open(); // an unusable $TMPDIR is said before the walk, not after it
  // Rows with the page's data and rows without are not interchangeable: each kind is its own state.
  const state = opts.state !== null ? ScanState.open(opts.state, opts.forHtml === true ? 'for-html' : null) : null;
  try {
    const result = await scanInto(writer, state, opts, root, { ...io, out, progress }, signal);
    state?.commit(result === 'done');
    return result;
  } finally {
    state?.discard();
    writer.cleanup();
  }
}

/** Erases the progress bar's line (carriage return, erase line). */
const CLEAR_LINE = '\r\u001b[K';

/** The share of --shard k/n a log belongs to: FNV-1a of its path under the root, stable as logs come and go. */
export function shardOf(relPath: string, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < relPath.length; i++) {
    h ^= relPath.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % n) + 1;
}

async function scanInto(
  writer: RowWriter,
  state: ScanState | null,
  given: ScanOptions,
  root: string,
  io: ScanIo,
  signal: AbortSignal,
): Promise<'done' | 'interrupted'> {
  // Grouped, rows are read only as JSON: they are made as JSONL (the cheapest), the groups in the format asked.
  const opts: ScanOptions = given.by ? { ...given, format: 'jsonl' } : given;
  let units: Unit[] = [];
  const listing = isRemote(opts.root) ? listRemoteUnits(opts.root, { since: opts.since }) : walkLogDir(opts.root);
  for await (const u of listing) {
    // Time first (an unreadable path too, when its time is known), then the name when a listing
    // gives it (a History Server's: logs --app-name drops are never downloaded), then the shard.
    if (opts.since !== null && u.mtime > 0 && u.mtime < opts.since) continue;
    if (opts.appName && u.error === undefined && typeof u.appName === 'string' && !opts.appName.test(u.appName)) continue;
    if (opts.shard && shardOf(underRoot(root, u.path), opts.shard.n) !== opts.shard.k) continue;
    units.push(u);
  }
  // A URL whose listing failed names nothing to scan: one line and exit 2, as a missing directory.
  const only = units.length === 1 ? units[0]! : null;
  if (only?.error !== undefined && isRemote(opts.root)) throw new ListingError(opts.root, only.error);
  // Newest first when --limit counts: without --app-name the N newest logs; with it, logs are read
  // newest first until N of them have a row whose name matches (the name is known only once a log is read).
  if (opts.limit !== null) units = units.sort(newestFirst);
  if (opts.limit !== null && opts.appName === null) units = units.slice(0, opts.limit);
  const total = units.length;
  /** Logs that wrote rows: --limit counts logs, each with all its rows (a zip of three attempts is one log, three rows). */
  let accepted = 0;
  /** Logs read, with rows to write, held back until those before them in `units` are written (--limit). */
  let heldWithRows = 0;
  /** No log past those taken can be among the N: stop taking more. */
  const full = (): boolean => opts.limit !== null && accepted + heldWithRows >= opts.limit;
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
  const shape = { width: io.width, root };
  /** A log's rows the filters show, written whole: a log counts once towards --limit, or is left out whole. */
  const write = (shown: PreparedRow[]): void => {
    if (shown.length === 0 || (opts.limit !== null && accepted >= opts.limit)) return;
    for (const row of shown) writer.add(row);
    accepted++;
  };
  // With --limit, logs are written in the order of `units` whatever order they finish in (several are
  // read at once from a URL, and on threads): the N kept are the newest, not the first read.
  const position = opts.limit !== null ? new Map(units.map((u, i) => [u, i])) : null;
  const held = new Map<number, PreparedRow[]>();
  let nextToWrite = 0;
  const inOrder = (at: number, shown: PreparedRow[]): void => {
    held.set(at, shown);
    if (shown.length > 0) heldWithRows++;
    for (let next = held.get(nextToWrite); next !== undefined; next = held.get(nextToWrite)) {
      held.delete(nextToWrite++);
      if (next.length > 0) heldWithRows--;
      write(next);
    }
  };
  const accept = (u: Unit, rows: PreparedRow[], stored = false): void => {
    // A log's rows are remembered whole, whatever the filters show of them.
    if (!stored) state?.record(u.path, ...stateKey(u), rows);
    if (stored && opts.newOnly) rows = [];
    const shown = rows.filter(
      (row) => !(opts.failedOnly && !row.failed) && !(opts.appName && (row.error || !opts.appName.test(row.appName ?? ''))),
    );
    if (position) inOrder(position.get(u)!, shown);
    else write(shown);
    done++;
    draw();
  };
  /** The rows a state file holds for an unchanged log, made ready again; null: read the log. */
  const storedRows = (u: Unit): PreparedRow[] | null => {
    // The HTML page is drawn from the diagnosis and its timeline, which a state does not keep: read again.
    if (!state || opts.format === 'html') return null;
    if (opts.newOnly) return state.carry(u.path, ...stateKey(u)) ? [] : null;
    const stored = state.rowsOf(u.path, ...stateKey(u));
    if (stored === null) return null;
    const rows: PreparedRow[] = [];
    for (const r of stored) {
      // As JSONL, a stored row is copied as it is; other formats are made from it again.
      if (opts.format === 'jsonl') {
        rows.push({ ...r, json: `${r.json}\n`, text: `${r.json}\n` });
        continue;
      }
      // Written by this very build (the state checks): its shape is the contract's, not checked again.
      const raw = parseRow(r.json);
      if (raw === null) return null; // a line that is not a row: read the log again
      rows.push(prepareView(raw, `${r.json}\n`, opts.format, io.color, shape));
    }
    state.record(u.path, ...stateKey(u), rows, true);
    return rows;
  };
  try {
    // Files are weighed only until the cores are all repaid: a directory of 60,000 logs is not opened twice.
    // Only the logs to be read are weighed: those a state file answers are never opened.
    const toRead = state && opts.format !== 'html' ? units.filter((u) => !state.holds(u.path, ...stateKey(u))) : units;
    const jobs = opts.jobs === 'auto' ? autoJobs(decodedBytes(toRead, (availableParallelism() - 1) * AUTO_BYTES_PER_THREAD)) : opts.jobs;
    const threads = Math.min(jobs, Math.max(1, total)) - 1;
    // Threads sharing the logs take the largest first, so that no large log is left to one thread at
    // the end while the others idle (longest first: the finish is at most the largest log's time past
    // the even share). The rows of two threads come in the order they end either way; one thread keeps
    // the listing's order. With --limit the order is its own (newest first), kept whoever ends first (inOrder).
    if (threads > 0 && opts.limit === null) units = largestFirst(units);
    const queue = units.values();
    // Logs a state file already holds are answered here, in order, without a thread.
    const next = (): Unit | undefined => {
      for (;;) {
        if (signal.aborted || full()) return undefined;
        const u = queue.next().value;
        if (!u) return undefined;
        const stored = storedRows(u);
        if (stored === null) return u;
        accept(u, stored, true);
      }
    };
    const page = opts.forHtml === true;
    const withTimeline = opts.format === 'html' || page;
    const prep = (rows: ScanRow[]): PreparedRow[] => rows.map((r, i) => prepareRow(r, opts.format, io.color, shape, i, page));
    // The main thread is one of the N: it only orders and writes rows besides, and on a machine of
    // N cores an extra thread would compete with the workers (and V8's own background work).
    const local = async (): Promise<void> => {
      for (let u = next(); u; u = next()) {
        const rows = u.error !== undefined ? [unreadable(u.path, u.error)] : await scanUnit(u, signal, withTimeline);
        if (rows.some(cutShort)) break; // a log cut short by Ctrl-C is not a row
        accept(u, prep(rows));
      }
    };
    // Logs from a server wait on the network more than on the CPU: the main thread keeps a few in
    // flight, so one request's round trip overlaps another's reading.
    const lanes = isRemote(opts.root) ? REMOTE_IN_FLIGHT : 1;
    await Promise.all([
      ...Array.from({ length: lanes }, local),
      threads > 0
        ? pool(threads, next, accept, prep, signal, { format: opts.format, page, color: io.color, shape, remote: remoteConfig() })
        : Promise.resolve(),
    ]);
    // Interrupted, a log cut short is never written: those read after it are, in their order.
    for (const at of [...held.keys()].sort((a, b) => a - b)) write(held.get(at)!);
  } finally {
    if (io.progress) io.progress(CLEAR_LINE);
  }
  // Not in `finally`: after a failure (the temporary file unwritable) the rows are not printed.
  writer.finish(signal.aborted ? `interrupted after ${done} of ${total}` : undefined);
  return signal.aborted ? 'interrupted' : 'done';
}

/** A stored row, or null when the line is not one (a truncated or edited state file). */
function parseRow(line: string): RowView | null {
  try {
    const v = JSON.parse(line) as Record<string, unknown> | null;
    if (v === null || typeof v.path !== 'string') return null;
    return Array.isArray(v.findings) || typeof v.error === 'string' ? (v as RowView) : null;
  } catch {
    return null;
  }
}

/**
 * --limit's order: newest first, logs of the same time by path (as code units, the same on every
 * machine). Times tie more often than one would think: a listing may give whole seconds (s3proxy's
 * LastModified does, `.000Z`), and logs copied or uploaded together share their second; the walk's
 * own order (a folder's logs before a sibling file whose name extends the folder's) is not the paths'.
 */
const newestFirst = (a: Unit, b: Unit): number => b.mtime - a.mtime || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The root of a scan (a URL) could not be listed at all. */
export class ListingError extends Error {
  override readonly name = 'ListingError';
  constructor(
    readonly path: string,
    readonly problem: Problem,
  ) {
    super(problem.code);
  }
}

const unreadable = (path: string, problem: Problem): ScanRow => ({ path, failures: [{ part: null, problem }] });

/**
 * What tells a state file that a log is unchanged: its size and time; a path that could not be
 * listed (a dangling link) has neither, and is remembered by its error until it is listed again.
 */
const stateKey = (u: Unit): [bytes: number, mtime: number] => (u.error !== undefined ? [-1, 0] : [u.bytes, u.mtime]);
const cutShort = (r: ScanRow): boolean => ('failures' in r ? r.failures : r.readFailures).some((f) => f.problem.code === 'interrupted');

const PREFETCH = 2;

/**
 * A scan worker's young generation (MiB; V8 makes a third of it each semi-space). Left to V8, each
 * worker's grows to the main thread's size on a large log, and memory is the scan's bound (issue
 * 18: ≤ 300 MiB). Measured with `--jobs 2`, 3 alternating runs, 2 cores: the real corpus
 * (../shared/eventlogs) peaked at 308–312 MiB RSS, 287–298 with this limit; four 300 MB logs at
 * 210–212 MiB, 181–192 with it, for the same CPU time (2.55–2.78 s against 2.52–2.60 s).
 * Our choice: 6 measured no slower; 3 saved a little more on the corpus but is less tried on large logs.
 */
const WORKER_YOUNG_MB = 6;

/**
 * Logs the main thread reads at once from a remote listing. Our choice: enough to hide a round
 * trip of tens of milliseconds behind the reading of small logs; each holds one application's
 * state (bounded by its caps), so memory stays flat.
 */
const REMOTE_IN_FLIGHT = 4;

/** N worker threads, each fed the next unit when it answers; a slow log holds one worker only. */
async function pool(
  n: number,
  next: () => Unit | undefined,
  accept: (u: Unit, rows: PreparedRow[]) => void,
  prep: (rows: ScanRow[]) => PreparedRow[],
  signal: AbortSignal,
  workerData: { format: ScanFormat; page: boolean; color: boolean; shape: TableShape; remote: ReturnType<typeof remoteConfig> },
): Promise<void> {
  const url = new URL('./worker.js', import.meta.url);
  const workers = Array.from(
    { length: n },
    () => new Worker(url, { workerData, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } }),
  );
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            let id = 0;
            let inFlight = 0;
            const sent = new Map<number, Unit>();
            let drained = false;
            // Two units queued per worker, so it never waits for the next path between units.
            const feed = (): void => {
              while (!drained && inFlight < PREFETCH) {
                let u = next();
                while (u?.error !== undefined) {
                  accept(u, prep([unreadable(u.path, u.error)]));
                  u = next();
                }
                if (!u) drained = true;
                else {
                  inFlight++;
                  sent.set(++id, u);
                  w.postMessage({ id, unit: u });
                }
              }
              if (drained && inFlight === 0) resolve();
            };
            w.on('message', (msg: { id: number; rows: PreparedRow[] }) => {
              inFlight--;
              const u = sent.get(msg.id)!;
              sent.delete(msg.id);
              try {
                accept(u, msg.rows);
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
