import { fmtBytes } from '../render/units.js';
import { defineClassifier } from './define.js';
import { direct, find, reportFrom, roleOf } from './match.js';
import { containerWith, fix, roundUp, sizeConf } from './remedy.js';
import { MiB } from '../memory/index.js';

const PATTERN = /OutOfMemoryError: Direct buffer memory/;

export default defineClassifier({
  code: 'direct-buffer-oom',
  meta: {
    title: 'NIO direct buffers (Netty shuffle and network) ran out (OutOfMemoryError: Direct buffer memory)',
    kind: 'failure',
    rank: 23,
    detects: 'java.lang.OutOfMemoryError: Direct buffer memory. Direct buffers live outside the heap, in the overhead.',
    fix: 'Raise the overhead and cap direct memory explicitly (-XX:MaxDirectMemorySize), or make Netty prefer heap buffers.',
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const l = ctx.layout;
    const remediation = [];
    if (l) {
      const next = roundUp(Math.max(l.executor.overhead * 1.5, l.executor.overhead + 1024 * MiB), 256 * MiB);
      remediation.push(fix('spark.executor.memoryOverhead', sizeConf(l.executor.overhead), sizeConf(next), `direct buffers count against the overhead; container becomes ${fmtBytes(containerWith(l, { overhead: next }))}`));
    }
    remediation.push(fix('spark.shuffle.io.preferDirectBufs', ctx.app.sparkProperties['spark.shuffle.io.preferDirectBufs'] ?? null, 'false', 'Netty allocates shuffle buffers on the heap instead of in direct memory'));
    report(reportFrom(matches, roleOf(matches), 'overhead', 'high', remediation));
  },
});
