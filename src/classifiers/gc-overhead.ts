import { defineClassifier } from './define.js';
import { heapFixes } from './heap-fixes.js';
import { heapRegion } from './heap-region.js';
import { direct, find, reportFrom, roleOf } from './match.js';

const PATTERN = /OutOfMemoryError: GC overhead limit exceeded/;

export default defineClassifier({
  code: 'gc-overhead',
  meta: {
    title: 'A JVM spent over 98% of its time in GC for under 2% of heap back (GC overhead limit exceeded)',
    kind: 'failure',
    rank: 21,
    detects: 'java.lang.OutOfMemoryError: GC overhead limit exceeded (HotSpot UseGCOverheadLimit) in task, stage, job or SQL failure text.',
    fix: 'The heap is nearly full of live objects: the same fixes as heap-oom (more partitions, fewer cores, more heap).',
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const role = roleOf(matches);
    const region = heapRegion(matches);
    report(reportFrom(matches, role, region, 'high', heapFixes(ctx, role, region)));
  },
});
