import { defineClassifier } from './define.js';
import { direct, find, reportFrom } from './match.js';
import { containerFixes, fix } from './remedy.js';

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
    const l = ctx.layout;
    report(
      reportFrom(
        matches,
        'executor',
        'overhead',
        'high',
        l
          ? containerFixes(l, ctx.app, null, ctx.python)
          : [fix('spark.executor.memoryOverhead', null, null, 'raise-overhead-no-layout', { layout: ctx.layoutProblem! })],
      ),
    );
  },
});
