import { defineClassifier } from './define.js';
import { heapFixes } from './heap-fixes.js';
import { heapRegion } from './heap-region.js';
import { direct, find, processEvidence, reportFrom, roleOf, stagesOf } from './match.js';

const PATTERN = /OutOfMemoryError: GC overhead limit exceeded/;

export default defineClassifier({
  code: 'gc-overhead',
  meta: {
    kind: 'failure',
    rank: 21,
  },
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const role = roleOf(matches);
    const region = heapRegion(matches);
    report(
      reportFrom(
        matches,
        role,
        region,
        'high',
        heapFixes(ctx, role, region, stagesOf(matches), matches),
        processEvidence(ctx, matches, role),
      ),
    );
  },
});
