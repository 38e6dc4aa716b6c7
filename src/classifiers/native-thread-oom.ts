import { defineClassifier } from './define.js';
import { direct, find, reportFrom, roleOf } from './match.js';
import { fix } from './remedy.js';

const PATTERN = /OutOfMemoryError: unable to create (?:new )?native thread/;

export default defineClassifier({
  code: 'native-thread-oom',
  meta: {
    kind: 'failure',
    rank: 25,
  },
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    report(reportFrom(matches, roleOf(matches), 'container', 'medium', { needs: [], advice: [fix(null, null, null, 'thread-limits')] }));
  },
});
