import { describe, expect, it } from 'vitest';
import { metricId } from '../../src/eventlog/fast.js';
import type { KnownEvent } from '../../src/eventlog/schemas.js';
import { AppState, asFolded } from '../../src/state/app.js';

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

describe('asFolded: a SQL execution start as a split helper keeps it', () => {
  const start = (plan: string | undefined): KnownEvent => ({
    type: 'SparkListenerSQLExecutionStart',
    data: {
      executionId: 7,
      description: 'count at <stdin>:1',
      details: 'org.apache.spark.sql.Dataset.count(Dataset.scala:3615)',
      time: 1,
      ...(plan !== undefined && { physicalPlanDescription: plan }),
    },
  });
  const plansOf = (events: KnownEvent[]): AppState['plans'] => {
    const s = new AppState();
    for (const e of events) s.onEvent(e, at);
    return s.plans;
  };
  const PLANS = [
    // Operators as Spark names them in a plan's text (SparkPlan.nodeName), among others and near misses.
    '== Physical Plan ==\n*(2) Project [x#1, pythonUDF0#5 AS y#3]\n+- BatchEvalPython [f(x#1)#2], [pythonUDF0#5]\n   +- *(1) Scan ExistingRDD[x#1]',
    'AdaptiveSparkPlan isFinalPlan=true\n+- ArrowEvalPython [g(a)], [p#9], 200\n   +- MapInPandas h(a), [a#1]\n      +- FlatMapGroupsInPandas [k], f(k, v), [k, v]\n+- ArrowEvalPython [g(b)], [q#9], 200',
    '+- BroadcastHashJoin [a], [b], Inner, BuildRight\n   :- BroadcastExchange HashedRelationBroadcastMode\n+- BroadcastNestedLoopJoin BuildLeft',
    'BatchEvalPythonExec and MapInPandasX and xArrowEvalPython are not operators; WindowInPandas is; BroadcastHashJoinExec is not',
    '',
  ];

  it('counts the same Python, Arrow and broadcast operators as the whole event', () => {
    for (const plan of [...PLANS, undefined]) expect(plansOf([start(plan)].map(asFolded))).toEqual(plansOf([start(plan)]));
    const all = PLANS.map(start);
    expect(plansOf(all.map(asFolded))).toEqual(plansOf(all));
    expect(plansOf(all)).toEqual({ pythonUdf: 6, pandasOrArrowUdf: 5, broadcastJoin: 1 });
  });

  it('keeps a long plan’s operators only, and any other event as it is', () => {
    const plan = `${PLANS[1]!}\n${'   +- Project [c#1, d#2]\n'.repeat(100_000)}`;
    const folded = asFolded(start(plan));
    expect(JSON.stringify(folded).length).toBeLessThan(200);
    expect(folded.data).toEqual({
      executionId: 7,
      time: 1,
      physicalPlanDescription: 'ArrowEvalPython\nMapInPandas\nFlatMapGroupsInPandas\nArrowEvalPython',
    });
    const other = stageMetrics('1', { JVMHeapMemory: 1 });
    expect(asFolded(other)).toBe(other);
  });
});
