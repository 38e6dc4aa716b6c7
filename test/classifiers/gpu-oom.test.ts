import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diagnosePath, findingOf, fixture, only } from '../helpers.js';

/**
 * GPU OOM under the RAPIDS Accelerator, in an executor's own log (log4j 2, Spark 3.3's layout). The
 * plugin logs the retries it handles at INFO (RmmRapidsRetryIterator.scala: "splitReason is set to …,
 * related exception:" with the exception); only Spark's "Exception in task" is the task failing.
 */
const RETRY_INFO = [
  '25/03/05 19:29:08 INFO RmmRapidsRetryIterator: splitReason is set to GPU_OOM after checking isRetryOrSplitAndRetry, related exception:',
  'com.nvidia.spark.rapids.jni.GpuSplitAndRetryOOM: GPU OutOfMemory',
  '\tat com.nvidia.spark.rapids.jni.RmmSpark.blockThreadUntilReady(Native Method)',
  '\tat com.nvidia.spark.rapids.RmmRapidsRetryIterator$RmmRapidsRetryIterator.next(RmmRapidsRetryIterator.scala:612)',
  '25/03/05 19:29:08 DEBUG RmmRapidsRetryIterator: got a throwable in RmmRapidsRetryIterator.next():',
  'com.nvidia.spark.rapids.jni.GpuRetryOOM: GPU OutOfMemory',
  '\tat com.nvidia.spark.rapids.RmmRapidsRetryIterator$RmmRapidsRetryIterator.next(RmmRapidsRetryIterator.scala:625)',
];
const TASK_FAILED = [
  '25/03/05 19:29:09 ERROR Executor: Exception in task 51.0 in stage 34.0 (TID 12001)',
  'com.nvidia.spark.rapids.jni.GpuSplitAndRetryOOM: GPU OutOfMemory: could not split inputs and retry. The current attempt: {HostMemoryBuffer{address=0x7fac24b85210, length=729491223, id=974}}',
  '\tat com.nvidia.spark.rapids.RmmRapidsRetryIterator$AutoCloseableAttemptSpliterator.split(RmmRapidsRetryIterator.scala:468)',
  '\tat com.nvidia.spark.rapids.MultiFileCoalescingPartitionReaderBase.readBatch(GpuMultiFileReader.scala:988)',
  '\tat com.nvidia.spark.rapids.shims.GpuDataSourceRDD$$anon$1.hasNext(GpuDataSourceRDD.scala:78)',
];
const START = '25/03/05 19:20:00 INFO CoarseGrainedExecutorBackend: Started daemon with process name: 4242@gpu-node-1';

describe('gpu-oom in an executor log', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'st-gpu-oom-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, lines: string[]): string => {
    const file = path.join(dir, name);
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  };

  it('reads the retries the plugin logs at INFO and DEBUG as no failure', async () => {
    const d = await diagnosePath(write('retries.log', [START, ...RETRY_INFO]));
    expect(d.findings.map((f) => f.code)).not.toContain('gpu-oom');
  });

  it('reads a task that failed of it as a GPU OOM of the executor, its scan asking for smaller splits, not more heap', async () => {
    const d = await diagnosePath(write('failed.log', [START, ...RETRY_INFO, ...TASK_FAILED]));
    const f = findingOf(d, 'gpu-oom');
    expect({ role: f.role, region: f.region }).toEqual({ role: 'executor', region: 'gpu' });
    const matched = only(f.evidence, (e) => e.messageId === 'matched', 'matched evidence');
    // The failure is cited at the exception's own line, not at a retry's.
    expect(matched.at).toEqual({ file: path.join(dir, 'failed.log'), line: 10 });
    expect(f.remediation.map((r) => r.messageId)).toContain('keep-heap-gpu');
    // Its frames are a multi-file scan's: half of the splits it read (the log names none: Spark's 128 MiB).
    expect(f.needs).toContainEqual(
      expect.objectContaining({
        kind: 'setting',
        key: 'spark.sql.files.maxPartitionBytes',
        value: String(64 * 2 ** 20),
        compare: 'at-most',
      }),
    );
  });
});

describe('gpu-oom fixtures', () => {
  it('asks a pool capped by the user back first, then fewer GPU tasks, then smaller file splits for a scan', async () => {
    const d = await diagnosePath(fixture('diagnose', 'gpu-oom', 'spark33-rapids-split-scan'));
    const needs = findingOf(d, 'gpu-oom').needs.map((n) => (n.kind === 'setting' ? [n.key, n.value, n.compare] : [n.kind]));
    expect(needs).toEqual([
      ['spark.rapids.memory.gpu.maxAllocFraction', '1', 'at-least'],
      ['spark.rapids.memory.gpu.allocFraction', '0.9', 'at-least'],
      ['spark.rapids.sql.concurrentGpuTasks', '2', 'at-most'],
      ['spark.sql.files.maxPartitionBytes', String(5 * 2 ** 30), 'at-most'],
    ]);
  });

  it('halves the plugin default of concurrent GPU tasks, and asks for more shuffle partitions when no scan failed', async () => {
    const d = await diagnosePath(fixture('diagnose', 'gpu-oom', 'spark35-cudf-rmm-shuffle'));
    const needs = findingOf(d, 'gpu-oom').needs.map((n) => (n.kind === 'setting' ? [n.key, n.value, n.compare] : [n.kind]));
    expect(needs).toEqual([
      ['spark.rapids.sql.concurrentGpuTasks', '1', 'at-most'],
      ['spark.sql.shuffle.partitions', '400', 'at-least'],
    ]);
    // A GPU OOM never asks the planner for JVM memory.
    expect(d.plan?.changes.map((c) => c.key) ?? []).not.toContain('spark.executor.memory');
  });
});
