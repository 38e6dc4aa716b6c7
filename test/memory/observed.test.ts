import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryReport, peaksAgainstLimits, type ReportNote } from '../../src/memory/index.js';
import type { AppState } from '../../src/state/app.js';
import { EVENTLOGS, hasShared, only, readPaths } from '../helpers.js';

const stateOf = async (rel: string): Promise<AppState> => {
  const read = only(await readPaths([path.join(EVENTLOGS, rel)]), () => true, rel);
  return only(read.apps, () => true, `application of ${rel}`).state;
};
/** The memory model's own notes (still worded in src: ReportNote 'model'). */
const modelNotes = (notes: ReportNote[]): string[] => notes.flatMap((n) => (n.kind === 'model' ? [n.text] : []));

describe.skipIf(!hasShared)('the formula against what real logs observed', () => {
  it('YARN, 40G executors on G1 (Dataproc 2.2): unified equals the logged Maximum Memory to the byte', async () => {
    const state = await stateOf('spark-rapids-tools/core/src/test/resources/spark-events-qualification/nds_q72_dataproc_2_2.zstd');
    const { report } = memoryReport(state, {});
    expect(report.clusterManager).toBe('yarn');
    expect(report.executor.heap).toBe(40 * 1024 ** 3);
    expect(report.executor.overhead).toBe(10 * 1024 ** 3); // spark.executor.memoryOverhead=10G
    expect(report.executor.cores).toBe(16);
    const maxima = new Set(Object.values(report.observed!.executors).map((e) => e.maxOnHeap));
    expect([...maxima]).toEqual([report.executor.unified]);
    expect(report.executor.unified).toBe(25581060096);
    expect(modelNotes(report.notes)).toContain('8 executors: the logged on-heap Maximum Memory equals the formula\'s unified pool to the byte (25581060096)');
  });

  it('explains a Maximum Memory below the formula by Runtime.maxMemory < -Xmx', async () => {
    const state = await stateOf('apache-spark/core/src/test/resources/spark-events/application_1553914137147_0018');
    const { report } = memoryReport(state, {});
    expect(modelNotes(report.notes).find((n) => n.includes('below the formula'))).toMatch(/Runtime\.maxMemory ≈ \d+, \d+ bytes under -Xmx/);
  });

  it('sets each peak against its region', async () => {
    const state = await stateOf('spark-rapids-tools/core/src/test/resources/spark-events-qualification/nds_q72_dataproc_2_2.zstd');
    const { report } = memoryReport(state, {});
    const peaks = peaksAgainstLimits(report.executor, report.observed!.executors['6']!.peaks);
    const exec = only(peaks, (p) => p.metric === 'OnHeapExecutionMemory', 'execution peak');
    expect(exec.region).toBe('unified');
    expect(exec.limit).toBe(report.executor.unified);
    expect(exec.percent).toBe(Math.round((exec.value / exec.limit) * 1000) / 10);
    expect(only(peaks, (p) => p.metric === 'DirectPoolMemory', 'direct pool peak').region).toBe('overhead');
    expect(peaks.some((p) => p.metric === 'MinorGCCount')).toBe(false);
  });

  it('--conf overrides the log', async () => {
    const state = await stateOf('spark-rapids-tools/core/src/test/resources/spark-events-qualification/nds_q72_dataproc_2_2.zstd');
    const { report } = memoryReport(state, { overrides: { 'spark.executor.memoryOverhead': '12g' } });
    expect(report.executor.overhead).toBe(12 * 1024 ** 3);
  });
});
