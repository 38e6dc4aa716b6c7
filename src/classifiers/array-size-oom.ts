import { defineClassifier } from './define.js';
import { direct, find, reportFrom, roleOf, stagesOf } from './match.js';
import { fix, partitionsNeed } from './remedy.js';

const PATTERN = /OutOfMemoryError: Requested array size exceeds VM limit/;

export default defineClassifier({
  code: 'array-size-oom',
  meta: {
    kind: 'failure',
    rank: 26,
  },
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    report(
      reportFrom(matches, roleOf(matches), 'user', 'high', {
        needs: [partitionsNeed(ctx.app, stagesOf(matches))],
        advice: [fix(null, null, null, 'split-huge-record'), fix('spark.executor.memory', null, null, 'keep-heap-array-limit')],
      }),
    );
  },
});
