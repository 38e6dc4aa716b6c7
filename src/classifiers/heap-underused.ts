import { GiB } from '../memory/index.js';
import { POLICY } from './policy.js';
import { defineClassifier } from './define.js';
import { fix, maxPeak, roundUp, sizeConf } from './remedy.js';

const USED_SHARE = 0.5; // the busiest executor's heap peak under half of -Xmx
const MIN_HEAP = 4 * GiB; // smaller heaps are not worth trimming

export default defineClassifier({
  code: 'heap-underused',
  meta: {
    kind: 'info',
    rank: 70,
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
    const next = Math.max(roundUp(peak * POLICY.underusedHeadroom.value, POLICY.heapStep.value), POLICY.underusedFloor.value);
    if (next >= l.executor.heap) return;
    report({
      role: 'executor',
      region: 'heap',
      confidence: 'medium',
      occurrences: 1,
      executors: [],
      evidence: [{ at: null, metrics: 'executor', messageId: 'heap-peak', data: { peak, heap: l.executor.heap } }],
      remediation: [
        fix('spark.executor.memory', sizeConf(l.executor.heap), sizeConf(next), 'shrink-heap', { saves: l.executor.heap - next }),
      ],
    });
  },
});
