import { GiB } from '../memory/index.js';
import { defineClassifier } from './define.js';
import { POLICY } from './policy.js';
import { maxPeak, roundUp } from './remedy.js';

const USED_SHARE = 0.5; // the busiest executor's heap peak under half of -Xmx
const MIN_HEAP = 4 * GiB;
/** gc-pressure's own bar (GC time over task time): at or above it the heap is not trimmed. */
const GC_PRESSURE = 0.1; // smaller heaps are not worth trimming

export default defineClassifier({
  code: 'heap-underused',
  meta: {
    kind: 'info',
    rank: 70,
    thresholds: {
      usedShare: { value: USED_SHARE, why: 'peak heap under half of -Xmx' },
      minHeap: { value: MIN_HEAP, why: 'below 4 GiB savings are small' },
      gcPressure: { value: GC_PRESSURE, why: "no trim at or above gc-pressure's bar: a heap busy collecting is under pressure" },
    },
  },
  triggers: [],
  classify(ctx, report) {
    const l = ctx.layout;
    if (!l || ctx.outcome !== 'succeeded' || l.executor.heap < MIN_HEAP) return;
    const peak = maxPeak(ctx.app, 'JVMHeapMemory');
    if (peak === null || peak >= USED_SHARE * l.executor.heap) return;
    // A heap that spends its time in GC is under pressure, however empty it looks at its peak: no trim.
    const run = [...ctx.app.executors.values()].reduce((n, e) => n + e.runTime, 0);
    const gc = [...ctx.app.executors.values()].reduce((n, e) => n + e.gcTime, 0);
    if (run > 0 && gc / run >= GC_PRESSURE) return;
    const next = Math.max(roundUp(peak * POLICY.underusedHeadroom.value, POLICY.heapStep.value), POLICY.underusedFloor.value);
    if (next >= l.executor.heap) return;
    report({
      role: 'executor',
      region: 'heap',
      confidence: 'medium',
      occurrences: 1,
      executors: [],
      evidence: [{ at: null, metrics: 'executor', messageId: 'heap-peak', data: { peak, heap: l.executor.heap } }],
      needs: [{ kind: 'heap-trim', heap: next, peak }],
      remediation: [],
    });
  },
});
