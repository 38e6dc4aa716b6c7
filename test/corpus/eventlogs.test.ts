import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InputRead } from '../../src/input/read.js';
import { applicationJson, inputJson } from '../../src/render/json.js';
import { EVENTLOGS, hasShared, only, readPaths } from '../helpers.js';
import { readManifest, type ManifestRow } from './manifest.js';

/**
 * Every real log in ../shared/eventlogs, read as one directory walk: nothing crashes, every file is
 * accounted for, and the event and malformed-line counts equal the counts MANIFEST.tsv's collector
 * made independently.
 */
describe.skipIf(!hasShared)('the shared corpus of real event logs', async () => {
  const manifest = hasShared ? readManifest() : [];
  const byPath = new Map(manifest.map((r) => [r.path, r]));
  const reads: InputRead[] = hasShared ? await readPaths([EVENTLOGS]) : [];
  const readable = reads.filter((r) => r.failures.length === 0);

  const partsOf = (r: InputRead): ManifestRow[] => {
    const rows = manifest.filter((m) => m.path === r.path || m.path.startsWith(r.path + path.sep));
    return rows.filter((m) => m.compression !== 'empty');
  };

  it('reads every file the manifest lists, and nothing else', () => {
    const covered = new Set<string>();
    for (const r of reads) for (const m of manifest) if (m.path === r.path || m.path.startsWith(r.path + path.sep)) covered.add(m.path);
    const missing = manifest.filter((m) => !covered.has(m.path)).map((m) => m.path);
    expect(missing).toEqual([]);
    expect(reads.length).toBeGreaterThan(90);
  });

  it('fails only the files that are not event logs, each with its coded reason', () => {
    const errors = reads.filter((r) => r.failures.length > 0).map((r) => [path.relative(EVENTLOGS, r.path), r.failures]);
    const notAnEventLog = (readsAs: string | null) => [{ part: null, problem: { code: 'not-an-event-log', data: { readsAs } } }];
    expect(errors).toEqual([
      ['MANIFEST.tsv', notAnEventLog(null)],
      ['NOT_COLLECTED.tsv', notAnEventLog(null)],
      ['spark-rapids-tools/core/src/test/resources/spark-events-profiling/driverlog', notAnEventLog('spark-log')],
      ['sparklint/src/test/resources/file_event_log_empty_test', [{ part: null, problem: { code: 'empty-file', data: {} } }]],
      ['sparklint/src/test/resources/invalid_log_file', notAnEventLog(null)],
    ]);
    for (const r of reads.filter((x) => x.failures.length > 0 && byPath.has(x.path))) {
      const row = byPath.get(r.path)!;
      expect(['empty', 'other-text']).toContain(row.compression);
    }
  });

  it('counts the same events and malformed lines as the manifest, file by file', () => {
    const mismatches: string[] = [];
    for (const r of readable) {
      const rows = partsOf(r);
      const expected = rows.reduce((n, m) => n + (m.events ?? 0), 0);
      const got = r.apps.reduce((n, a) => n + a.stats.events, 0);
      const malformed = rows.reduce((n, m) => n + m.unparseable, 0);
      const gotMalformed = inputJson(r).malformedLines;
      if (got !== expected || gotMalformed !== malformed)
        mismatches.push(`${r.path}: events ${got}/${expected}, malformed ${gotMalformed}/${malformed}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('finds the compression and layout of each log', () => {
    const wrong: string[] = [];
    for (const r of readable) {
      const s = inputJson(r);
      // README: `compression` is the codec of the first part read.
      const [firstPart] = r.apps.flatMap((a) => a.log.parts.map((p) => p.name));
      const [first] = r.layout === 'zip' ? partsOf(r) : [byPath.get(firstPart!)!];
      const expected = r.layout === 'zip' ? 'zip' : first!.compression === 'plain-json' ? 'none' : first!.compression;
      if (s.compression !== expected) wrong.push(`${r.path}: ${s.compression} != ${expected}`);
    }
    expect(wrong).toEqual([]);
    const layouts = (l: string): string[] => reads.filter((r) => r.layout === l).map((r) => path.basename(r.path));
    expect(layouts('rolling')).toEqual(['eventlog_v2_local-1623876083964']);
    expect(layouts('databricks-rolled')).toEqual(['db_sim_eventlog']);
    expect(layouts('zip')).toEqual(['eventLogs-application_1489705648216_1600.zip']);
    expect(layouts('legacy-dir')).toHaveLength(5);
  });

  it('says incomplete exactly when the log has no ApplicationEnd', () => {
    const wrong: string[] = [];
    for (const r of readable) {
      const rows = partsOf(r);
      const last = rows.at(-1)!;
      // A rolled log is complete when any part holds ApplicationEnd.
      const complete = rows.some((m) => m.complete === true);
      for (const a of r.apps) {
        const outcome = applicationJson(a).outcome;
        if (last.complete === null) continue;
        if ((outcome === 'incomplete') !== !complete) wrong.push(`${r.path}: ${outcome}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('takes the Spark version from the log, or from the legacy SPARK_VERSION_ file', () => {
    const wrong: string[] = [];
    for (const r of readable) {
      const expected = partsOf(r).find((m) => m.sparkVersion)?.sparkVersion;
      for (const a of r.apps)
        if (expected && a.state.sparkVersion !== expected) wrong.push(`${r.path}: ${String(a.state.sparkVersion)} != ${expected}`);
    }
    expect(wrong).toEqual([]);
    const legacy = reads.filter((r) => r.layout === 'legacy-dir').flatMap((r) => r.apps.map((a) => a.state));
    expect(legacy.map((a) => a.sparkVersion)).toEqual(['1.2.0', '1.2.0', '1.2.0', '1.2.0', '1.2.0']);
    for (const a of legacy) expect(a.appId).toMatch(/^local-\d+$/);
  });

  it('counts failed tasks as Spark does, and executors without the driver', () => {
    const appOf = (p: string) =>
      applicationJson(only(only(reads, (r) => r.path === path.join(EVENTLOGS, p), p).apps, () => true, `${p} application`));
    const yarnLost = appOf('apache-spark/_historical/26d03b62e2/core/src/test/resources/spark-events/application_1538416563558_0014');
    expect(yarnLost.tasks.failed).toBeGreaterThanOrEqual(8); // ExecutorLostFailure ×8 in the manifest
    expect(yarnLost.clusterManager).toBe('yarn');
    const killed = appOf('apache-spark/core/src/test/resources/spark-events/application_1628109047826_1317105');
    expect(killed.tasks.killed).toBe(1);
  });
});
