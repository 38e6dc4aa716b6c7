import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInput, type InputRead } from '../../src/read.js';
import { summarizeApp, summarizeInput } from '../../src/inspect.js';
import { resolveInputs } from '../../src/sources/resolve.js';
import { EVENTLOGS, hasShared } from '../helpers.js';
import { readManifest, type ManifestRow } from './manifest.js';

/**
 * Every real log in ../shared/eventlogs, read as one directory walk: nothing crashes, every file is
 * accounted for, and the event and malformed-line counts equal the counts MANIFEST.tsv's collector
 * made independently.
 */
describe.skipIf(!hasShared)('the shared corpus of real event logs', async () => {
  const manifest = hasShared ? readManifest() : [];
  const byPath = new Map(manifest.map((r) => [r.path, r]));
  const reads: InputRead[] = [];
  if (hasShared) for await (const input of resolveInputs([EVENTLOGS])) reads.push(await readInput(input));

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

  it('fails only the files that are not event logs, each with a one-line reason', () => {
    const errors = reads.filter((r) => r.error !== undefined).map((r) => [path.relative(EVENTLOGS, r.path), r.error]);
    expect(errors).toEqual([
      ['MANIFEST.tsv', 'not a Spark event log: line 1 is not a JSON event'],
      ['NOT_COLLECTED.tsv', 'not a Spark event log: line 1 is not a JSON event'],
      ['spark-rapids-tools/core/src/test/resources/spark-events-profiling/driverlog', 'not a Spark event log: line 1 is not a JSON event (it reads as spark-log; diagnose takes it)'],
      ['sparklint/src/test/resources/file_event_log_empty_test', 'empty file'],
      ['sparklint/src/test/resources/invalid_log_file', 'not a Spark event log: line 1 is not a JSON event'],
    ]);
    for (const r of reads.filter((x) => x.error !== undefined && byPath.has(x.path))) {
      const row = byPath.get(r.path)!;
      expect(['empty', 'other-text']).toContain(row.compression);
    }
  });

  it('counts the same events and malformed lines as the manifest, file by file', () => {
    const mismatches: string[] = [];
    for (const r of reads.filter((x) => x.error === undefined)) {
      const rows = partsOf(r);
      const expected = rows.reduce((n, m) => n + (m.events ?? 0), 0);
      const got = r.apps.reduce((n, a) => n + a.stats.events, 0);
      const malformed = rows.reduce((n, m) => n + m.unparseable, 0);
      const gotMalformed = summarizeInput(r).malformedLines;
      if (got !== expected || gotMalformed !== malformed) mismatches.push(`${r.path}: events ${got}/${expected}, malformed ${gotMalformed}/${malformed}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('finds the compression and layout of each log', () => {
    const wrong: string[] = [];
    for (const r of reads.filter((x) => x.error === undefined)) {
      const s = summarizeInput(r);
      const firstPart = r.apps[0]!.log.parts[0]!.name;
      const first = r.layout === 'zip' ? partsOf(r)[0]! : byPath.get(firstPart)!;
      const expected = r.layout === 'zip' ? 'zip' : first.compression === 'plain-json' ? 'none' : first.compression;
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
    for (const r of reads.filter((x) => x.error === undefined)) {
      const rows = partsOf(r);
      const last = rows[rows.length - 1]!;
      // A rolled log is complete when any part holds ApplicationEnd.
      const complete = rows.some((m) => m.complete === true);
      for (const a of r.apps) {
        const outcome = summarizeApp(a).outcome;
        if (last.complete === null) continue;
        if ((outcome === 'incomplete') !== !complete) wrong.push(`${r.path}: ${outcome}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('takes the Spark version from the log, or from the legacy SPARK_VERSION_ file', () => {
    const wrong: string[] = [];
    for (const r of reads.filter((x) => x.error === undefined)) {
      const expected = partsOf(r).find((m) => m.sparkVersion)?.sparkVersion;
      const got = r.apps[0]!.state.sparkVersion;
      if (expected && got !== expected) wrong.push(`${r.path}: ${got} != ${expected}`);
    }
    expect(wrong).toEqual([]);
    const legacy = reads.find((r) => r.layout === 'legacy-dir')!;
    expect(legacy.apps[0]!.state.sparkVersion).toBe('1.2.0');
    expect(legacy.apps[0]!.state.appId).toMatch(/^local-\d+$/);
  });

  it('counts failed tasks as Spark does, and executors without the driver', () => {
    const rel = (p: string): InputRead => reads.find((r) => r.path === path.join(EVENTLOGS, p))!;
    const yarnLost = summarizeApp(rel('apache-spark/_historical/26d03b62e2/core/src/test/resources/spark-events/application_1538416563558_0014').apps[0]!);
    expect(yarnLost.tasks.failed).toBeGreaterThanOrEqual(8); // ExecutorLostFailure ×8 in the manifest
    expect(yarnLost.clusterManager).toBe('yarn');
    const killed = summarizeApp(rel('apache-spark/core/src/test/resources/spark-events/application_1628109047826_1317105').apps[0]!);
    expect(killed.tasks.killed).toBe(1);
  });
});
