import { describe, expect, it } from 'vitest';
import { EXEC_PEAKS, EXECUTOR_NUMS } from '../../src/eventlog/digest.js';
import { metricId, metricNameCount } from '../../src/eventlog/fast.js';
import type { EventOf, KnownEvent } from '../../src/eventlog/schemas.js';
import { AppState } from '../../src/state/app.js';
import { TaskBatcher } from '../../src/state/batch.js';

const at = { file: 'x', line: 1 };
const task = (exec: string, id: number): EventOf<'SparkListenerTaskEnd'> => ({
  'Stage ID': 0,
  'Stage Attempt ID': 0,
  'Task End Reason': { Reason: 'Success' },
  'Task Info': { 'Task ID': id, 'Executor ID': exec, 'Launch Time': 100, 'Finish Time': 150 + id },
  'Task Metrics': { 'Executor Run Time': 40, 'JVM GC Time': 2 },
});
const stageMetrics = (exec: string, metrics: Record<string, number>): KnownEvent => ({
  type: 'SparkListenerStageExecutorMetrics',
  data: { 'Executor ID': exec, 'Stage ID': 0, 'Stage Attempt ID': 0, 'Executor Metrics': metrics },
});

describe('a batch of tasks (the helper thread’s digest)', () => {
  // Each run of tasks with its executor metrics; between runs, another event (it ends a batch).
  const runs: Array<Array<[string, Record<string, number>]>> = [
    [
      ['1', { BatchHeap: 500, BatchGC: 3 }],
      ['2', { BatchHeap: 10 }],
    ],
    [
      ['1', { BatchHeap: 400, BatchGC: 9, BatchOffHeap: 0 }],
      ['2', { BatchHeap: 9 }],
    ],
    [
      ['1', { BatchHeap: 501 }],
      ['2', { BatchHeap: 10, BatchGC: 1 }],
      ['1', { BatchHeap: 502 }],
    ],
  ];
  const between = (i: number): KnownEvent => stageMetrics('2', { BatchOffHeap: i });

  it('carries only the peaks above those of the batches before it, and folds as the tasks one by one', () => {
    const one = new AppState();
    const folded = new AppState();
    const batcher = new TaskBatcher();
    const carried: Array<Array<[string, number[]]>> = [];
    let id = 0;
    runs.forEach((run, i) => {
      for (const [exec, metrics] of run) {
        const t = task(exec, id++);
        const ids = Object.keys(metrics).map(metricId);
        const vals = Float64Array.from(Object.values(metrics));
        one.onEvent({ type: 'SparkListenerTaskEnd', data: t }, at);
        one.onExecutorMetrics(exec, { keys: Object.keys(metrics), ids, vals });
        expect(batcher.add(t, id)).toBe(true);
        batcher.peaks(exec, ids, vals);
      }
      const batch = batcher.take()!;
      let p = 0;
      carried.push(
        batch.executorIds.map((id, i) => {
          const n = batch.executorNums[i * EXECUTOR_NUMS + EXEC_PEAKS]!;
          return [id, Array.from(batch.peakVals.subarray(p, (p += n)))];
        }),
      );
      folded.onTasks(
        batch,
        at,
        Array.from({ length: metricNameCount() }, (_, k) => k),
      );
      one.onEvent(between(i), at);
      folded.onEvent(between(i), at);
    });
    // The second run raises only BatchGC and BatchOffHeap on 1 and nothing on 2; the third only BatchHeap on 1 (twice: carried once, the highest), BatchGC on 2.
    expect(carried).toEqual([
      [
        ['1', [500, 3]],
        ['2', [10]],
      ],
      [
        ['1', [9, 0]],
        ['2', []],
      ],
      [
        ['1', [502]],
        ['2', [1]],
      ],
    ]);
    for (const exec of ['1', '2']) {
      const [a, b] = [one.executors.get(exec)!, folded.executors.get(exec)!];
      expect(Object.entries(b.peaks)).toEqual(Object.entries(a.peaks)); // the same keys in the same order
      expect([b.tasks, b.runTime, b.gcTime]).toEqual([a.tasks, a.runTime, a.gcTime]);
    }
    expect(one.executors.get('2')!.peaks).toEqual({ BatchHeap: 10, BatchOffHeap: 2, BatchGC: 1 });
  });
});
