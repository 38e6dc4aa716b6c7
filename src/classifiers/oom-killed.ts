import { POD_PREFIX } from '../state/signals.js';
import { defineClassifier } from './define.js';
import { direct, find, processEvidence, reportFrom, roleOf } from './match.js';
import { driverRoomNeed, fix, keepHeapAdvice, podLimit, roomNeed } from './remedy.js';

// kubelet's termination reason, as Spark prints it in every version (2.4 fabric8 toString,
// 3.x "termination reason: OOMKilled") and as kubectl shows it; and the kernel's own line when a
// memory cgroup (a pod's or a YARN container's) ran out: what OOMKilled reports. A driver pod is
// OOMKilled too (its kubectl output, or its own log's context).
const PATTERN = /\bOOMKilled\b|Memory cgroup out of memory: Kill(?:ed)? process/;

export default defineClassifier({
  code: 'oom-killed',
  meta: {
    kind: 'failure',
    rank: 12,
  },
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const role = roleOf(matches);
    if (matches.every((x) => x.signal.executors.size > 0 && [...x.signal.executors].every((e) => e.startsWith(POD_PREFIX)))) {
      // Another workload's pod on the node, not this application's: its own limit, no Spark setting.
      report(
        reportFrom(
          matches,
          'executor',
          'container',
          'high',
          { needs: [], advice: [fix(null, null, null, 'not-spark-pod')] },
          processEvidence(ctx, matches, role),
        ),
      );
      return;
    }
    if (role === 'driver') {
      report(
        reportFrom(
          matches,
          'driver',
          'overhead',
          'high',
          {
            needs: [driverRoomNeed(ctx, null, null)],
            advice: ctx.layout
              ? []
              : [fix('spark.driver.memoryOverhead', null, null, 'raise-overhead-no-layout', { layout: ctx.layoutProblem! })],
          },
          processEvidence(ctx, matches, role),
        ),
      );
      return;
    }
    const keep = keepHeapAdvice(ctx);
    report(
      reportFrom(
        matches,
        'executor',
        'overhead',
        'high',
        {
          needs: [roomNeed(ctx, null, podLimit(ctx))],
          advice: ctx.layout
            ? keep
              ? [keep]
              : []
            : [fix('spark.executor.memoryOverhead', null, null, 'raise-overhead-no-layout', { layout: ctx.layoutProblem! })],
        },
        processEvidence(ctx, matches, role),
      ),
    );
  },
});
