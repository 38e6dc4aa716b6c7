import { defineClassifier } from './define.js';
import { direct, find, processEvidence, reportFrom, roleOf } from './match.js';
import { heapNeed, settingNeed } from './remedy.js';

// HeartbeatReceiver (driver side): "Executor heartbeat timed out after N ms" (loss reason) and
// "Removing executor N with no recent heartbeats" (driver log). The opposite direction — an executor
// that could not reach the driver and exited 56 ("Exit as unable to send heartbeats to driver") — is
// not the executor's memory: executor-exit decodes it.
const PATTERN = /Executor heartbeat timed out after (\d+) ms|with no recent heartbeats/;
// GC time over task run time that Spark's Executors page shades red (SPARK-12149): with it, a lost
// heartbeat more likely came from GC pauses than from a lost node.
const GC_SHARE = 0.1;

export default defineClassifier({
  code: 'heartbeat-timeout',
  meta: {
    kind: 'failure',
    rank: 40,
    thresholds: {
      gcShare: {
        value: GC_SHARE,
        why: "GC time over task time that Spark's Executors page shades red (SPARK-12149): medium confidence from here, else low",
      },
    },
  },
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const gcHeavy = [...ctx.app.executors.values()].some((e) => e.runTime > 0 && e.gcTime / e.runTime >= GC_SHARE);
    // More heap only when GC explains the lost heartbeats; a timeout alone may be a lost node.
    const needs = [
      gcHeavy ? heapNeed(ctx, { kind: 'heartbeat' }) : null,
      settingNeed('spark.network.timeout', '300s', { compare: 'equals', unit: 'text' }, 'network-timeout'),
    ];
    // In local mode the one JVM (executor driver) stopped answering itself: its heap is the driver's.
    const role = roleOf(matches);
    report(reportFrom(matches, role, 'heap', gcHeavy ? 'medium' : 'low', { needs, advice: [] }, processEvidence(ctx, matches, role)));
  },
});
