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
    title: 'The kernel killed a container for exceeding its memory cgroup limit (Kubernetes OOMKilled)',
    kind: 'failure',
    rank: 12,
    detects: 'Termination reason OOMKilled in an executor loss or removal reason (ExecutorPodsLifecycleManager), kubectl output, or pod JSON. The pod limit is heap + overhead (+ pyspark, + off-heap from 3.0); the heap cannot pass -Xmx, so the rest overflowed.',
    fix: 'Raise spark.executor.memoryOverhead (or spark.kubernetes.memoryOverheadFactor), cap Python workers with spark.executor.pyspark.memory; not the heap.',
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const l = ctx.layout;
    report(reportFrom(matches, 'executor', 'overhead', 'high', l ? containerFixes(l, ctx.app, null, ctx.python) : [fix('spark.executor.memoryOverhead', null, null, `raise the overhead (layout unknown: ${ctx.layoutError})`)]));
  },
});
