import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryReport, peaksAgainstLimits } from '../../src/memory/index.js';
import { readInput } from '../../src/read.js';
import { resolveInputs } from '../../src/sources/resolve.js';
import type { AppState } from '../../src/state/app.js';
import { EVENTLOGS, hasShared } from '../helpers.js';

const stateOf = async (rel: string): Promise<AppState> => {
  for await (const input of resolveInputs([path.join(EVENTLOGS, rel)])) return (await readInput(input)).apps[0]!.state;
  throw new Error('no input');
};

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
    expect(report.notes).toContain('8 executors: the logged on-heap Maximum Memory equals the formula\'s unified pool to the byte (25581060096)');
  });

  it('explains a Maximum Memory below the formula by Runtime.maxMemory < -Xmx', async () => {
    const state = await stateOf('apache-spark/core/src/test/resources/spark-events/application_1553914137147_0018');
    const { report } = memoryReport(state, {});
    expect(report.notes.find((n) => n.includes('below the formula'))).toMatch(/Runtime\.maxMemory ≈ \d+, \d+ bytes under -Xmx/);
  });

  it('sets each peak against its region', async () => {
    const state = await stateOf('spark-rapids-tools/core/src/test/resources/spark-events-qualification/nds_q72_dataproc_2_2.zstd');
    const { report } = memoryReport(state, {});
    const peaks = peaksAgainstLimits(report.executor, report.observed!.executors['6']!.peaks);
    const exec = peaks.find((p) => p.metric === 'OnHeapExecutionMemory')!;
    expect(exec.region).toBe('unified');
    expect(exec.limit).toBe(report.executor.unified);
    expect(exec.percent).toBe(Math.round((exec.value / exec.limit) * 1000) / 10);
    expect(peaks.find((p) => p.metric === 'DirectPoolMemory')!.region).toBe('overhead');
    expect(peaks.some((p) => p.metric === 'MinorGCCount')).toBe(false);
  });

  it('--conf overrides the log', async () => {
    const state = await stateOf('spark-rapids-tools/core/src/test/resources/spark-events-qualification/nds_q72_dataproc_2_2.zstd');
    const { report } = memoryReport(state, { overrides: { 'spark.executor.memoryOverhead': '12g' } });
    expect(report.executor.overhead).toBe(12 * 1024 ** 3);
  });
});
