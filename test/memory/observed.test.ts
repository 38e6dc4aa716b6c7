import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryReport, peaksAgainstLimits } from '../../src/memory/index.js';
import type { AppState } from '../../src/state/app.js';
import type { MemoryNote, MemoryReport } from '../../src/memory/index.js';

/** The model's own notes (codes and data), without the facts text logs revealed. */
const modelNotes = (r: MemoryReport): MemoryNote[] => r.notes.flatMap((n) => (n.kind === 'model' ? [n.note] : []));
import { EVENTLOGS, hasShared, only, readPaths } from '../helpers.js';

const stateOf = async (rel: string): Promise<AppState> => {
  const read = only(await readPaths([path.join(EVENTLOGS, rel)]), () => true, rel);
  return only(read.apps, () => true, `application of ${rel}`).state;
};
const DATAPROC = 'spark-rapids-tools/core/src/test/resources/spark-events-qualification/nds_q72_dataproc_2_2.zstd';

describe.skipIf(!hasShared)('the formula against what real logs observed', () => {
  it('YARN, 40G executors on G1 (Dataproc 2.2, Java 11): unified equals the logged Maximum Memory to the byte', async () => {
    const { report, layout } = memoryReport(await stateOf(DATAPROC), {});
    const { verdicts } = report;
    const notes = modelNotes(report);
    expect(report.clusterManager).toBe('yarn');
    expect(layout.jvm.executor.collector).toMatchObject({ collector: 'g1', reason: 'java-version', javaMajor: 11 });
    expect(report.executor.heap).toBe(40 * 1024 ** 3);
    expect(report.executor.overhead).toBe(10 * 1024 ** 3); // spark.executor.memoryOverhead=10G
    expect(report.executor.cores).toBe(16);
    expect([...new Set(Object.values(report.observed!.executors).map((e) => e.maxOnHeap))]).toEqual([report.executor.unified]);
    expect(report.executor.unified).toBe(25581060096);
    expect(verdicts.find((v) => v.who === 'executors')).toMatchObject({
      kind: 'reproduced',
      ids: expect.arrayContaining(['1']),
      pool: 25581060096,
    });
    expect(notes.find((n) => n.code === 'observed-reproduced' && n.data.who === 'executors')?.data).toMatchObject({
      count: 8,
      pool: 25581060096,
    });
  });

  it('reproduces a Maximum Memory below -Xmx by the Parallel collector of the Java 8 log', async () => {
    const { report, layout } = memoryReport(
      await stateOf('apache-spark/core/src/test/resources/spark-events/application_1553914137147_0018'),
      {},
    );
    const { verdicts } = report;
    expect(layout.jvm.executor.collector).toMatchObject({ collector: 'parallel', reason: 'java-version', javaMajor: 8 });
    // 7g: young align512K(2389.33) = 2389 MiB, survivor align512K(796.33) = 796 MiB: 6372 MiB = 6681526272;
    // floor((6681526272 − 314572800) × 0.6) = 3820172083.
    expect(layout.jvm.executor.maxMemory).toBe(6681526272);
    expect(verdicts.find((v) => v.who === 'executors')).toMatchObject({ kind: 'reproduced', pool: 3820172083 });
  });

  it('sets each peak against its region', async () => {
    const { report } = memoryReport(await stateOf(DATAPROC), {});
    const peaks = peaksAgainstLimits(report.executor, report.observed!.executors['6']!.peaks);
    const exec = peaks.find((p) => p.metric === 'OnHeapExecutionMemory')!;
    expect(exec.region).toBe('unified');
    expect(exec.limit).toBe(report.executor.unified);
    expect(exec.percent).toBe(Math.round((exec.value / exec.limit) * 1000) / 10);
    expect(peaks.find((p) => p.metric === 'DirectPoolMemory')!.region).toBe('overhead');
    expect(peaks.some((p) => p.metric === 'MinorGCCount')).toBe(false);
  });

  it('--conf overrides the log', async () => {
    const { report } = memoryReport(await stateOf(DATAPROC), { overrides: { 'spark.executor.memoryOverhead': '12g' } });
    expect(report.executor.overhead).toBe(12 * 1024 ** 3);
  });

  it("decides Python from Spark's own flag and says how", async () => {
    const { report, layout } = memoryReport(await stateOf(DATAPROC), {});
    const notes = modelNotes(report);
    expect(layout.python).toMatchObject({ app: true, sparkFlag: true });
    expect(notes.find((n) => n.code === 'python-app')?.data).toMatchObject({
      python: true,
      reason: 'spark.yarn.isPython',
      sparkFlag: true,
    });
  });
});
