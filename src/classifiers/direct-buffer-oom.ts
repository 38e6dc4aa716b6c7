import { defineClassifier } from './define.js';
import { direct, find, reportFrom, roleOf } from './match.js';
import { containerWith, fix, roundUp, sizeConf } from './remedy.js';
import { POLICY } from './policy.js';

const PATTERN = /OutOfMemoryError: Direct buffer memory/;

export default defineClassifier({
  code: 'direct-buffer-oom',
  meta: {
    kind: 'failure',
    rank: 23,
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const l = ctx.layout;
    const remediation = [];
    if (l) {
      const next = roundUp(
        Math.max(l.executor.overhead * POLICY.overheadGrowth.value, l.executor.overhead + POLICY.directBufferExtra.value),
        POLICY.overheadStep.value,
      );
      remediation.push(
        fix('spark.executor.memoryOverhead', sizeConf(l.executor.overhead), sizeConf(next), 'overhead-direct-buffers', {
          container: containerWith(l, { overhead: next }),
        }),
      );
    }
    remediation.push(
      fix(
        'spark.shuffle.io.preferDirectBufs',
        ctx.app.sparkProperties['spark.shuffle.io.preferDirectBufs'] ?? null,
        'false',
        'heap-shuffle-buffers',
      ),
    );
    report(reportFrom(matches, roleOf(matches), 'overhead', 'high', remediation));
  },
});
