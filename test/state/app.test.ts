import { describe, expect, it } from 'vitest';
import { metricId } from '../../src/eventlog/fast.js';
import type { KnownEvent } from '../../src/eventlog/schemas.js';
import { AppState } from '../../src/state/app.js';

const at = { file: 'x', line: 1 };
const stageMetrics = (exec: string, metrics: Record<string, number>): KnownEvent => ({
  type: 'SparkListenerStageExecutorMetrics',
  data: { 'Executor ID': exec, 'Stage ID': 0, 'Stage Attempt ID': 0, 'Executor Metrics': metrics },
});
const row = (metrics: Record<string, number>) => ({
  keys: Object.keys(metrics),
  ids: Object.keys(metrics).map(metricId),
  vals: Float64Array.from(Object.values(metrics)),
});

describe('executor peaks', () => {
  it('keep the maximum whichever path a value came by', () => {
    const s = new AppState();
    s.onEvent(stageMetrics('1', { JVMHeapMemory: 500, MinorGCCount: 3 }), at);
    s.onExecutorMetrics('1', row({ JVMHeapMemory: 400, MinorGCCount: 7, OnHeapExecutionMemory: 0 }));
    s.onEvent(stageMetrics('1', { JVMHeapMemory: 450, MinorGCCount: 9 }), at);
    s.onExecutorMetrics('2', row({ JVMHeapMemory: -1 }));
    expect(s.executors.get('1')!.peaks).toEqual({ JVMHeapMemory: 500, MinorGCCount: 9, OnHeapExecutionMemory: 0 });
    expect(s.executors.get('2')!.peaks).toEqual({ JVMHeapMemory: -1 });
  });

  it('ignore the driver', () => {
    const s = new AppState();
    s.onExecutorMetrics('driver', row({ JVMHeapMemory: 1 }));
    s.onEvent(stageMetrics('driver', { JVMHeapMemory: 2 }), at);
    expect(s.executors.has('driver')).toBe(false);
  });
});
