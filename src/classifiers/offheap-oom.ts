import { fmtBytes } from '../render/units.js';
import { defineClassifier } from './define.js';
import { direct, find, reportFrom, roleOf } from './match.js';
import { containerWith, fix, roundUp, sizeConf } from './remedy.js';
import { GiB } from '../memory/index.js';

// Gluten/Velox (ThrowOnOomMemoryTarget) and Spark's own off-heap pool refusals.
const PATTERN = /Not enough spark off-heap execution memory|ThrowOnOomMemoryTarget\$OutOfMemoryException|Unable to acquire \d+ bytes of off-?heap memory/i;

export default defineClassifier({
  code: 'offheap-oom',
  meta: {
    title: 'The off-heap execution pool (spark.memory.offHeap.size) was exhausted',
    kind: 'failure',
    rank: 27,
    detects: 'Native engines (Gluten/Velox) or Tungsten off-heap allocations refused: "Not enough spark off-heap execution memory".',
    fix: 'Raise spark.memory.offHeap.size (it is added to the container from Spark 3.0) or give each task more of it (fewer cores).',
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const l = ctx.layout;
    const remediation = [];
    if (l && l.executor.offHeap > 0) {
      const next = roundUp(l.executor.offHeap * 1.5, GiB);
      remediation.push(fix('spark.memory.offHeap.size', sizeConf(l.executor.offHeap), sizeConf(next), `the off-heap pool is shared by ${l.params.slots} concurrent tasks; container becomes ${fmtBytes(containerWith(l, {}) - l.executor.offHeap + next)}`));
    } else {
      remediation.push(fix('spark.memory.offHeap.size', null, null, 'raise the off-heap pool the native engine allocates from'));
    }
    report(reportFrom(matches, roleOf(matches), 'offHeap', 'high', remediation));
  },
});
