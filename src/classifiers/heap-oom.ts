import { defineClassifier } from './define.js';
import { heapFixes } from './heap-fixes.js';
import { heapRegion } from './heap-region.js';
import { direct, find, reportFrom, roleOf } from './match.js';

// HotSpot's message; GPU OOMs (com.nvidia.spark.rapids…GpuRetryOOM) do not carry it.
const PATTERN = /java\.lang\.OutOfMemoryError: Java heap space/;

export default defineClassifier({
  code: 'heap-oom',
  meta: {
    title: 'A JVM ran out of heap (java.lang.OutOfMemoryError: Java heap space)',
    kind: 'failure',
    rank: 20,
    detects: 'java.lang.OutOfMemoryError: Java heap space in a task failure (ExceptionFailure) or in stage, job or SQL failure text. The innermost recognisable stack frame tells the region: Tungsten sorters and hash maps → execution, MemoryStore and broadcasts → storage, serializer buffers → user.',
    fix: 'Give each task more heap or less data: more shuffle partitions, AQE skew-join handling, fewer cores per executor, or a bigger spark.executor.memory (spark.driver.memory for the driver).',
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const role = roleOf(matches);
    const region = heapRegion(matches);
    report(reportFrom(matches, role, region, region === 'heap' ? 'medium' : 'high', heapFixes(ctx, role, region)));
  },
});
