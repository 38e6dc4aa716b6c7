import { defineClassifier } from './define.js';
import { direct, find, reportFrom } from './match.js';
import { fix } from './remedy.js';

// kubelet eviction (pkg/kubelet/eviction/helpers.go): pod status.reason "Evicted", message "The node
// was low on resource: memory. … Container X was using Y, request is Z …" (older: "which exceeds its
// request of Z"); kubectl describe shows it among the Events.
const PATTERN = /\bevicted\b[\s\S]*?low on resource: memory|The node was low on resource: memory/i;

export default defineClassifier({
  code: 'pod-evicted',
  meta: {
    kind: 'failure',
    rank: 14,
  },
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    // An eviction is the node running short, not the pod passing its own limit: no container change.
    report(
      reportFrom(
        matches,
        matches.every((x) => [...x.signal.executors].every((e) => e === 'driver')) && matches.some((x) => x.signal.executors.size > 0)
          ? 'driver'
          : 'executor',
        'container',
        'medium',
        { needs: [], advice: [fix(null, null, null, 'pod-request'), fix(null, null, null, 'node-reserve')] },
      ),
    );
  },
});
