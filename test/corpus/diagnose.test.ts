import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnoseApp, isMemoryFinding } from '../../src/diagnose/index.js';
import { readAll } from '../../src/input/read.js';
import { diagnosePath, EVENTLOGS, findingOf, hasShared } from '../helpers.js';

/** The RAPIDS Accelerator's NDS run that died of GPU memory (MANIFEST.tsv: 112 ExceptionFailure, GpuSplitAndRetryOOM). */
const GPU_OOM = 'spark-rapids-tools/core/src/test/resources/spark-events-profiling/gpu_oom_eventlog.zstd';

/**
 * No real log in ../shared/eventlogs holds a JVM or container memory failure (README there): none may get
 * a critical memory finding but the GPU OOM. Failed ones get a critical answer to what did fail (a finding
 * whose region is 'none').
 */
describe.skipIf(!hasShared)('diagnose on the shared corpus', () => {
  it('finds no critical memory finding in any log, names what failed in every failed one, and no classifier throws', async () => {
    const critical: string[] = [];
    const problems: string[] = [];
    const unanswered: string[] = [];
    let apps = 0;
    for await (const read of readAll([EVENTLOGS])) {
      for (const a of read.apps.filter((x) => x.stats.events > 0)) {
        apps++;
        const d = diagnoseApp(a);
        const rel = path.relative(EVENTLOGS, read.path);
        for (const f of d.findings) if (f.severity === 'critical' && isMemoryFinding(f)) critical.push(`${rel}: ${f.code}`);
        if (d.outcome === 'failed' && d.verdict === null && d.failure === null) unanswered.push(rel);
        // A layout Spark would refuse is said, not hidden; anything else (a classifier that threw) is a bug.
        for (const p of d.problems) if (p.code !== 'layout') problems.push(`${rel}: ${p.code}`);
      }
    }
    expect(apps).toBeGreaterThan(100);
    expect(critical).toEqual([`${GPU_OOM}: gpu-oom`]);
    expect(unanswered).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('does not read the EMR -XX:OnOutOfMemoryError option as a heap OOM', async () => {
    const d = await diagnosePath(
      path.join(
        EVENTLOGS,
        'spark-rapids-tools/user_tools/tests/spark_rapids_tools_e2e/resources/event_logs/join_agg_on_yarn_eventlog.zstd',
      ),
    );
    expect(d.findings.map((f) => f.code)).not.toContain('heap-oom');
    expect(d.verdict).toBeNull();
  });

  it('names the GPU OOM of the RAPIDS run, with its failed tasks, and a plan of GPU settings that is a fixed point', async () => {
    const d = await diagnosePath(path.join(EVENTLOGS, GPU_OOM));
    expect(d.verdict).toMatchObject({ code: 'gpu-oom', role: 'executor', region: 'gpu', confidence: 'high' });
    expect(d.findings.map((f) => f.code)).not.toContain('heap-oom');
    const f = findingOf(d, 'gpu-oom');
    // Every failed task's reason (MANIFEST.tsv: ExceptionFailure:112), on both executors.
    expect(f.occurrences).toBe(112);
    expect(f.executors).toEqual(['0', '1']);
    const matched = f.evidence.filter((e) => e.messageId === 'matched');
    expect(matched.length).toBeGreaterThan(0);
    for (const e of matched) {
      expect(e.data.source).toBe('task-exception');
      expect(e.data.text).toMatch(
        /^com\.nvidia\.spark\.rapids\.jni\.GpuSplitAndRetryOOM: GPU OutOfMemory: could not split inputs and retry/,
      );
    }
    expect(f.evidence.map((e) => e.messageId)).toContain('caused-job-failure');
    // The log ran allocFraction 0.1, maxAllocFraction 0.15, concurrentGpuTasks 4, maxPartitionBytes 10gb, and
    // failed in a multi-file Parquet scan: the pool first, then fewer tasks on the GPU, then smaller splits.
    const conf = d.plan?.conf ?? {};
    expect(conf).toMatchObject({
      'spark.rapids.memory.gpu.maxAllocFraction': '1',
      'spark.rapids.memory.gpu.allocFraction': '0.9',
      'spark.rapids.sql.concurrentGpuTasks': '2',
      'spark.sql.files.maxPartitionBytes': String(5 * 2 ** 30),
    });
    expect(Object.keys(conf).slice(0, 3)).toEqual([
      'spark.rapids.memory.gpu.maxAllocFraction',
      'spark.rapids.memory.gpu.allocFraction',
      'spark.rapids.sql.concurrentGpuTasks',
    ]);
    // Not the JVM: no heap, overhead or core change for a GPU OOM.
    for (const k of Object.keys(conf)) expect(k).not.toMatch(/^spark\.(executor|driver)\.(memory|memoryOverhead|cores)$/);
    expect(f.remediation.map((r) => r.messageId)).toContain('keep-heap-gpu');
    // The plan applied asks for nothing more.
    const again = await diagnosePath(path.join(EVENTLOGS, GPU_OOM), conf);
    expect(again.verdict?.code).toBe('gpu-oom');
    expect(again.plan?.changes ?? []).toEqual([]);
    expect(again.plan?.unmet ?? []).toEqual([]);
  });
});
