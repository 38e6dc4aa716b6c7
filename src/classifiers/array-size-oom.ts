import { defineClassifier } from './define.js';
import { direct, find, reportFrom, roleOf } from './match.js';
import { fix, morePartitions } from './remedy.js';

const PATTERN = /OutOfMemoryError: Requested array size exceeds VM limit/;

export default defineClassifier({
  code: 'array-size-oom',
  meta: {
    title: 'A single array would exceed 2^31 elements (OutOfMemoryError: Requested array size exceeds VM limit)',
    kind: 'failure',
    rank: 26,
    detects: 'java.lang.OutOfMemoryError: Requested array size exceeds VM limit: one buffer (a serialized partition, record or result) passed 2 GB. More heap does not help.',
    fix: 'Make the single thing smaller: more partitions, smaller records or collected results.',
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    report(reportFrom(matches, roleOf(matches), 'user', 'high', [
      morePartitions(ctx.app),
      fix(null, null, null, 'a single serialized block, record or task result reached 2 GB: split it (repartition, avoid collect_list of huge groups, write instead of collect)'),
      fix('spark.executor.memory', null, null, 'do not raise the heap: a Java array cannot exceed 2^31 elements however big the heap is'),
    ]));
  },
});
