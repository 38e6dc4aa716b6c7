import { defineClassifier } from './define.js';
import { direct, find, reportFrom, roleOf } from './match.js';
import { POLICY } from './policy.js';
import { fix, roomNeed, settingNeed } from './remedy.js';

const PATTERN = /OutOfMemoryError: Direct buffer memory/;

export default defineClassifier({
  code: 'direct-buffer-oom',
  meta: {
    kind: 'failure',
    rank: 23,
  },
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const l = ctx.layout;
    // Netty's pools grow in chunks per arena: at least POLICY.directBufferExtra more room, or POLICY.overheadGrowth.
    const grown = l ? roomNeed(ctx, l.executor.heap + l.executor.overhead + POLICY.directBufferExtra.value, null) : null;
    report(
      reportFrom(matches, roleOf(matches), 'overhead', 'high', {
        needs: [grown, settingNeed('spark.shuffle.io.preferDirectBufs', 'false', {}, 'heap-shuffle-buffers')],
        advice: l ? [] : [fix('spark.executor.memoryOverhead', null, null, 'raise-overhead-no-layout', { layout: ctx.layoutProblem! })],
      }),
    );
  },
});
