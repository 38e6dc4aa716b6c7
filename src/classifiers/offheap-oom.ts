import { defineClassifier } from './define.js';
import { direct, find, reportFrom, roleOf } from './match.js';
import { POLICY } from './policy.js';
import { fix, roundUp, settingNeed, sizeConf } from './remedy.js';

// Gluten/Velox (ThrowOnOomMemoryTarget) and Spark's own off-heap pool refusals.
const PATTERN =
  /Not enough spark off-heap execution memory|ThrowOnOomMemoryTarget\$OutOfMemoryException|Unable to acquire \d+ bytes of off-?heap memory/i;

export default defineClassifier({
  code: 'offheap-oom',
  meta: {
    kind: 'failure',
    rank: 27,
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const l = ctx.layout;
    const needs = [];
    const advice = [];
    if (l && l.executor.offHeap > 0) {
      const next = roundUp(l.executor.offHeap * POLICY.offHeapGrowth.value, POLICY.heapStep.value);
      needs.push(
        settingNeed('spark.memory.offHeap.size', sizeConf(next), { compare: 'at-least', unit: 'bytes' }, 'offheap-grow', {
          slots: l.params.slots,
          container: l.executor.container - l.executor.offHeap + next,
        }),
      );
    } else {
      advice.push(fix('spark.memory.offHeap.size', null, null, 'offheap-raise'));
    }
    report(reportFrom(matches, roleOf(matches), 'offHeap', 'high', { needs, advice }));
  },
});
