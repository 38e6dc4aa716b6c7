import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diagnosePaths, findingOf, fixture, only } from '../helpers.js';

const cl = (...p: string[]): string => fixture('containerlogs', ...p);

describe('joining inputs of one application (mergeInputs)', () => {
  it('an event log and the YARN logs of the same application become one diagnosis with evidence from both', async () => {
    const eventLog = fixture('diagnose', 'yarn-memory-exceeded', 'spark35-pyspark');
    const yarnLogs = cl('yarn-hadoop3', 'yarn-logs.txt');
    const yaml = cl('kubectl-yaml', 'pod-oomkilled.yaml');
    const { diagnoses } = await diagnosePaths([eventLog, yarnLogs, yaml]);
    expect(diagnoses.map((a) => a.appId)).toEqual(['application_1700000000000_0042', 'spark-5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b']);
    const app = only(diagnoses, (a) => a.appId === 'application_1700000000000_0042', 'YARN application');
    const f = findingOf(app, 'yarn-memory-exceeded');
    expect(new Set(f.evidence.map((e) => e.at?.file))).toEqual(new Set([eventLog, yarnLogs]));
    expect(f.executors).toEqual(['1', '4']);
    // The event log's configuration wins; the layout is computed from it.
    expect(app.memory?.executor.heap).toBe(8192 * 2 ** 20);
    expect(app.outcome).toBe('incomplete');
    expect(app.problems).toContainEqual({
      code: 'joined',
      sources: [
        { path: eventLog, kind: 'event-log' },
        { path: yarnLogs, kind: 'yarn-aggregated-log' },
      ],
    });
  });

  it('text that names no application joins the only application of the batch', async () => {
    const stderr = cl('executor-stderr-onoom', 'stderr');
    const { diagnoses } = await diagnosePaths([fixture('diagnose', 'heap-oom', 'spark16-no-frames'), stderr]);
    const d = only(diagnoses, () => true, 'diagnosis');
    expect(findingOf(d, 'heap-oom').evidence.some((e) => e.at?.file === stderr)).toBe(true);
  });

  it('text that names no application stands alone when the batch holds several', async () => {
    const stderr = cl('executor-stderr-onoom', 'stderr');
    const { diagnoses } = await diagnosePaths([
      fixture('diagnose', 'heap-oom', 'spark16-no-frames'),
      cl('kubectl-yaml', 'pod-oomkilled.yaml'),
      stderr,
    ]);
    expect(diagnoses).toHaveLength(3);
    expect(only(diagnoses, (d) => d.appId === null, 'the stderr on its own').outcome).toBe('unknown');
  });

  describe('a directory of one application with a stray table in it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'st-merge-dir-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('joins its logs, not a TSV that merely lists the application id', async () => {
      copyFileSync(fixture('diagnose', 'yarn-memory-exceeded', 'spark35-pyspark'), path.join(dir, 'application_1700000000000_0042'));
      copyFileSync(cl('yarn-hadoop3', 'yarn-logs.txt'), path.join(dir, 'yarn-logs.txt'));
      copyFileSync(cl('stray-tsv', 'runs.tsv'), path.join(dir, 'runs.tsv'));
      const { reads, diagnoses } = await diagnosePaths([dir]);
      expect(reads.map((r) => [path.basename(r.path), r.kind]).sort()).toEqual([
        ['application_1700000000000_0042', 'event-log'],
        ['runs.tsv', 'unknown'],
        ['yarn-logs.txt', 'yarn-aggregated-log'],
      ]);
      const d = only(diagnoses, () => true, 'the one application');
      expect(d.appId).toBe('application_1700000000000_0042');
      const joined = only(d.problems, (p) => p.code === 'joined', 'joined problem');
      expect(joined.code === 'joined' && joined.sources.map((x) => path.basename(x.path))).toEqual([
        'application_1700000000000_0042',
        'yarn-logs.txt',
      ]);
    });

    it('diagnoses the table on its own when it is all there is', async () => {
      const { diagnoses } = await diagnosePaths([cl('stray-tsv', 'runs.tsv')]);
      const d = only(diagnoses, () => true, 'the table');
      expect([d.verdict, d.findings]).toEqual([null, []]);
    });
  });
});

describe("a driver's main thread that died", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'spark-triage-main-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A run whose event log says nothing failed (a healthy fixture), and the last lines of a log.
  const withLog = async (name: string, lines: string[]): Promise<string> => {
    const log = path.join(dir, name);
    writeFileSync(log, `${lines.join('\n')}\n`);
    const { diagnoses } = await diagnosePaths([fixture('diagnose', 'traps', 'maxresultsize-property'), log]);
    return only(diagnoses, () => true, 'application').outcome;
  };

  it('makes the application failed when it is the driver’s (spark-submit exits 1)', async () => {
    expect(
      await withLog('driver.log', [
        '24/03/01 10:00:00 INFO SparkContext: Running Spark version 3.3.3',
        'Exception in thread "main" org.apache.spark.SparkException: Not enough memory to build and broadcast the table to all worker nodes.',
        '\tat org.apache.spark.sql.execution.exchange.BroadcastExchangeExec.$anonfun$relationFuture$1(BroadcastExchangeExec.scala:185)',
      ]),
    ).toBe('failed');
  });

  it('does not when it is an executor backend’s (an executor that could not start)', async () => {
    expect(
      await withLog('executor-stderr', [
        '24/03/01 10:00:00 INFO CoarseGrainedExecutorBackend: Started daemon with process name: 123@node-2',
        'Exception in thread "main" java.lang.IllegalArgumentException: Executor memory 104857600 must be at least 471859200.',
        '\tat org.apache.spark.memory.UnifiedMemoryManager$.getMaxMemory(UnifiedMemoryManager.scala:226)',
      ]),
    ).toBe('succeeded');
  });
});
