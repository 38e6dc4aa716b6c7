import { defineClassifier } from './define.js';
import { heapFixes } from './heap-fixes.js';
import { heapRegion } from './heap-region.js';
import { direct, find, reportFrom, roleOf, stagesOf } from './match.js';

// HotSpot's message; GPU OOMs (com.nvidia.spark.rapids…GpuRetryOOM) do not carry it.
const PATTERN = /java\.lang\.OutOfMemoryError: Java heap space/;

export default defineClassifier({
  code: 'heap-oom',
  meta: {
    kind: 'failure',
    rank: 20,
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const role = roleOf(matches);
    const region = heapRegion(matches);
    report(reportFrom(matches, role, region, region === 'heap' ? 'medium' : 'high', heapFixes(ctx, role, region, stagesOf(matches))));
  },
});
