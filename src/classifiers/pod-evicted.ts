import { defineClassifier } from './define.js';
import { direct, find, reportFrom } from './match.js';
import { containerFixes, fix } from './remedy.js';

// kubelet eviction (pkg/kubelet/eviction/helpers.go): pod status.reason "Evicted", message "The node
// was low on resource: memory. … Container X was using Y, request is Z …" (older: "which exceeds its
// request of Z"); kubectl describe shows it among the Events.
const PATTERN = /\bevicted\b[\s\S]*?low on resource: memory|The node was low on resource: memory/i;

export default defineClassifier({
  code: 'pod-evicted',
  meta: {
    title: 'Kubernetes evicted a pod because its node ran low on memory',
    kind: 'failure',
    rank: 14,
    detects: 'Pod status reason Evicted with "The node was low on resource: memory" (kubectl describe Events, pod JSON/YAML). The kubelet evicts pods using more memory than they requested first.',
    fix: 'Keep memory requests equal to limits (Spark sets both to the container size unless a pod template lowers the request), size the overhead to real use, and reserve node memory for the system (kubelet --system-reserved, eviction thresholds).',
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const l = ctx.layout;
    const remediation = [
      fix(null, null, null, 'check the pod template: a memory request below the limit makes Spark pods the first evicted under node pressure'),
      ...(l ? containerFixes(l, ctx.app, null, ctx.python).filter((r) => r.conf === 'spark.executor.memoryOverhead' || r.conf === 'spark.executor.pyspark.memory') : []),
      fix(null, null, null, 'other pods on the node may be the cause: reserve memory for the system and daemons (kubelet --system-reserved, --eviction-hard)'),
    ];
    report(reportFrom(matches, matches.every((x) => [...x.signal.executors].every((e) => e === 'driver')) && matches.some((x) => x.signal.executors.size > 0) ? 'driver' : 'executor', 'container', 'medium', remediation));
  },
});
