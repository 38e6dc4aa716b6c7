import { stat } from 'node:fs/promises';
import { problemOf } from '../errors.js';
import { escapeControl } from '../render/escape.js';
import type { Style } from '../render/style.js';
import { inputErrorText } from '../render/words/input-errors.js';
import { compileGlob, parseSince, type Glob } from '../scan/filters.js';
import { ListingError, runScan } from '../scan/index.js';
import { isRemote } from '../sources/remote/index.js';
import type { ScanFormat } from '../scan/output.js';
import { EXIT_INTERRUPTED, EXIT_OK, positive, tableWidth, UsageError, type Io } from './io.js';

export interface ScanCommandOptions {
  format: ScanFormat;
  failedOnly: boolean;
  since: string | null;
  appName: string | null;
  limit: string | null;
  jobs: string | null;
  state: string | null;
  newOnly: boolean;
  /** --for-html: rows carry what the HTML page draws (merge --format html). */
  forHtml: boolean;
  shard: string | null;
  by: 'app-name' | null;
  style: Style;
  color: boolean;
}

/** --app-name compiled; a glob a shell would refuse ([z-a]) is bad usage, said in one line. */
function globOrUsage(glob: string): Glob {
  try {
    return compileGlob(glob);
  } catch (e) {
    throw new UsageError(escapeControl(inputErrorText(problemOf(e))));
  }
}

/** The most shards a scan is cut into: our choice, far past any cluster of machines a scan needs. */
const MAX_SHARDS = 10_000;

/**
 * --shard k/n (1 ≤ k ≤ n), or n alone under a Kubernetes Indexed Job: k is JOB_COMPLETION_INDEX + 1
 * (the index counts from 0). Kubernetes gives a pod its index but not the completion count, so n is
 * written beside `completions: n` in the Job.
 */
export function parseShard(v: string, env: NodeJS.ProcessEnv): { k: number; n: number } {
  const m = /^(?:(\d+)\/)?(\d+)$/.exec(v);
  const n = m ? Number(m[2]) : NaN;
  if (!m || !(n >= 1 && n <= MAX_SHARDS)) throw new UsageError(`--shard ${escapeControl(v)}: not k/n with 1 ≤ k ≤ n ≤ ${MAX_SHARDS}`);
  if (m[1] !== undefined) {
    const k = Number(m[1]);
    if (!(k >= 1 && k <= n)) throw new UsageError(`--shard ${escapeControl(v)}: not k/n with 1 ≤ k ≤ n ≤ ${MAX_SHARDS}`);
    return { k, n };
  }
  const index = env.JOB_COMPLETION_INDEX;
  if (index === undefined || !/^\d+$/.test(index) || Number(index) >= n)
    throw new UsageError(
      `--shard ${n}: JOB_COMPLETION_INDEX is ${index === undefined ? 'not set' : escapeControl(index)} (run it in a Kubernetes Indexed Job of ${n} completions, or give --shard k/${n})`,
    );
  return { k: Number(index) + 1, n };
}

/** `scan`: batch-diagnose a log directory, one row per application; Ctrl-C stops cleanly (exit 130). */
export async function scanCommand(dir: string, opts: ScanCommandOptions, io: Io): Promise<number> {
  if (!isRemote(dir)) {
    const st = await stat(dir).catch((e: unknown) => e as Error);
    if (st instanceof Error) throw new UsageError(`${escapeControl(dir)}: ${escapeControl(inputErrorText(problemOf(st)))}`);
    if (!st.isDirectory())
      throw new UsageError(`${escapeControl(dir)}: not a directory (scan takes a log directory; diagnose takes files)`);
  }
  const since = opts.since !== null ? parseSince(opts.since) : null;
  if (opts.since !== null && since === null) throw new UsageError(`--since ${escapeControl(opts.since)}: not a date or a duration like 7d`);
  const limit = positive(opts.limit, '--limit');
  const shard = opts.shard !== null ? parseShard(opts.shard, io.env) : null;
  if (opts.newOnly && opts.state === null) throw new UsageError('--new-only: needs --state (the logs read before are known only from it)');
  const jobs = positive(opts.jobs, '--jobs');
  if (opts.by !== null && opts.format === 'html')
    throw new UsageError('--by app-name: takes --format table, jsonl or csv (the HTML page shows runs, not groups)');
  if (opts.forHtml && (opts.format !== 'jsonl' || opts.by !== null))
    throw new UsageError('--for-html: only with --format jsonl and without --by (it adds to the rows merge --format html reads)');
  const ac = new AbortController();
  // The first Ctrl-C stops cleanly (rows so far, totals); a second one ends the process at once.
  const onSigint = (): void => {
    if (!ac.signal.aborted) return ac.abort();
    process.removeListener('SIGINT', onSigint);
    process.kill(process.pid, 'SIGINT');
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await runScan(
      {
        root: dir,
        format: opts.format,
        jobs: jobs ?? 'auto',
        failedOnly: opts.failedOnly,
        since,
        appName: opts.appName !== null ? globOrUsage(opts.appName) : null,
        limit,
        shard,
        state: opts.state,
        newOnly: opts.newOnly,
        forHtml: opts.forHtml,
        by: opts.by,
        filters: { root: dir, failedOnly: opts.failedOnly, since: opts.since, appName: opts.appName, limit },
      },
      { out: io.out, progress: io.errIsTTY ? io.err : null, style: opts.style, color: opts.color, width: tableWidth(io) },
      ac.signal,
    );
    return result === 'interrupted' ? EXIT_INTERRUPTED : EXIT_OK;
  } catch (e) {
    if (e instanceof ListingError) throw new UsageError(`${escapeControl(e.path)}: ${escapeControl(inputErrorText(e.problem))}`);
    throw e;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
