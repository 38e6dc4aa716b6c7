import { defineClassifier } from './define.js';
import { direct, find, reportFrom } from './match.js';
import { fix, keepHeapAdvice, podLimit, roomNeed } from './remedy.js';

// kubelet's termination reason, as Spark prints it in every version (2.4 fabric8 toString,
// 3.x "termination reason: OOMKilled") and as kubectl shows it; and the kernel's own line when a
// memory cgroup (a pod's or a YARN container's) ran out: what OOMKilled reports.
const PATTERN = /\bOOMKilled\b|Memory cgroup out of memory: Kill(?:ed)? process/;

export default defineClassifier({
  code: 'oom-killed',
  meta: {
    kind: 'failure',
    rank: 12,
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const keep = keepHeapAdvice(ctx);
    report(
      reportFrom(matches, 'executor', 'overhead', 'high', {
        needs: [roomNeed(ctx, null, podLimit(ctx))],
        advice: ctx.layout
          ? keep
            ? [keep]
            : []
          : [fix('spark.executor.memoryOverhead', null, null, 'raise-overhead-no-layout', { layout: ctx.layoutProblem! })],
      }),
    );
  },
});
