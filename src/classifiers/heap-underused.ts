import { fmtBytes } from '../render/units.js';
import { GiB } from '../memory/index.js';
import { defineClassifier } from './define.js';
import { fix, maxPeak, roundUp, sizeConf } from './remedy.js';

const USED_SHARE = 0.5; // the busiest executor's heap peak under half of -Xmx
const MIN_HEAP = 4 * GiB; // smaller heaps are not worth trimming

export default defineClassifier({
  code: 'heap-underused',
  meta: {
    title: 'Executors never used most of their heap: memory is over-provisioned',
    kind: 'info',
    rank: 70,
    detects: 'For an application that succeeded: the highest JVMHeapMemory peak of any executor (Task Executor Metrics / StageExecutorMetrics, Spark 3.0+) under half of spark.executor.memory, for heaps of 4 GiB and more.',
    fix: 'Lower spark.executor.memory to the observed peak plus headroom, or run more cores per executor.',
    thresholds: {
      usedShare: { value: USED_SHARE, why: 'peak heap under half of -Xmx' },
      minHeap: { value: MIN_HEAP, why: 'below 4 GiB savings are small' },
    },
  },
  classify(ctx, report) {
    const l = ctx.layout;
    if (!l || ctx.outcome !== 'succeeded' || l.executor.heap < MIN_HEAP) return;
    const peak = maxPeak(ctx.app, 'JVMHeapMemory');
    if (peak === null || peak >= USED_SHARE * l.executor.heap) return;
    const next = Math.max(roundUp(peak * 1.5, GiB), 2 * GiB);
    if (next >= l.executor.heap) return;
    report({
      role: 'executor', region: 'heap', confidence: 'medium', occurrences: 1, executors: [],
      evidence: [{ source: 'executor metrics', text: `highest JVMHeapMemory peak of any executor: ${fmtBytes(peak)} of a ${fmtBytes(l.executor.heap)} heap (${Math.round((peak / l.executor.heap) * 100)}%)` }],
      remediation: [fix('spark.executor.memory', sizeConf(l.executor.heap), sizeConf(next), `the peak plus 50% headroom; saves ${fmtBytes(l.executor.heap - next)} per executor`)],
    });
  },
});
