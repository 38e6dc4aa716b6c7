// The real event logs the remote-source tests serve (from fixtures/real-spark, copied to a
// temporary directory a server is started over): a failed application, one still in progress,
// one with two attempts, a rolling log and a compressed one.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { fixture } from '../../helpers.js';
import type { ScanJsonRow } from './cli.js';

export interface ServedLog {
  /** Path under the served directory. */
  name: string;
  appId: string;
  /** The attempt id Spark wrote in its application start event (YARN cluster mode), else null. */
  attemptId: string | null;
  completed: boolean;
  case: string;
}

export const SERVED: ServedLog[] = [
  { name: 'app-20261129103205-0000', appId: 'app-20261129103205-0000', attemptId: null, completed: true, case: '3.5.6/max-result-size' },
  {
    name: 'app-20261129105607-0000.inprogress',
    appId: 'app-20261129105607-0000',
    attemptId: null,
    completed: false,
    case: '3.3.3/driver-oom-killed',
  },
  {
    name: 'application_1795951409541_0002_1',
    appId: 'application_1795951409541_0002',
    attemptId: '1',
    completed: true,
    case: '3.3.3/yarn-pmem-cluster',
  },
  {
    name: 'eventlog_v2_app-20261129101609-0000',
    appId: 'app-20261129101609-0000',
    attemptId: null,
    completed: true,
    case: '3.5.6/healthy',
  },
  { name: 'app-20261129101711-0000.zstd', appId: 'app-20261129101711-0000', attemptId: null, completed: true, case: '3.5.6/heap-oom' },
];

/**
 * The second attempt of the YARN application: its first attempt's log with the attempt id of its
 * start event changed to 2 (what a second ApplicationMaster writes; Spark names the file by it).
 */
export const SECOND_ATTEMPT: ServedLog = { ...SERVED[2]!, name: 'application_1795951409541_0002_2', attemptId: '2' };

/** A new temporary directory holding every served log (and the second attempt). */
export function servedDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'spark-triage-remote-'));
  for (const log of SERVED) cpSync(path.join(fixture('real-spark'), log.case, log.name), path.join(dir, log.name), { recursive: true });
  const first = readFileSync(path.join(dir, SERVED[2]!.name), 'utf8');
  const second = first.replace('"App Attempt ID":"1"', '"App Attempt ID":"2"');
  if (second === first) throw new Error('the YARN log has no "App Attempt ID":"1" to change');
  writeFileSync(path.join(dir, SECOND_ATTEMPT.name), second);
  return dir;
}

/** What a scan of the served logs under `dir` (a URL) must find of each: the failed, in-progress, rolling and zstd ones. */
export function expectServedRows(rows: ScanJsonRow[], dir: string): void {
  const of = (l: ServedLog): ScanJsonRow | undefined => rows.find((row) => row.path === `${dir}/${l.name}`);
  expect(of(SERVED[0]!)?.verdict?.code).toBe('max-result-size');
  expect(of(SERVED[1]!)?.outcome).toBe('incomplete');
  expect(of(SERVED[3]!)?.outcome).toBe('succeeded');
  expect(of(SERVED[4]!)?.verdict?.code).toBe('heap-oom');
}
