import { defineClassifier } from './define.js';
import { direct, find, reportFrom } from './match.js';
import { fix, moreHeap } from './remedy.js';

// HeartbeatReceiver: "Executor heartbeat timed out after N ms" (loss reason) and
// "Removing executor N with no recent heartbeats" (driver log).
const PATTERN = /Executor heartbeat timed out after (\d+) ms|with no recent heartbeats/;
const GC_SHARE = 0.1; // Dr. Elephant ExecutorGcHeuristic "severe" GC/run-time ratio

export default defineClassifier({
  code: 'heartbeat-timeout',
  meta: {
    title: 'An executor stopped heartbeating (usually frozen in full GC, sometimes a lost node)',
    kind: 'failure',
    rank: 40,
    detects: '"Executor heartbeat timed out after N ms" in an executor loss or removal reason. Confidence rises when the same executors spent a large share of task time in GC.',
    fix: 'Relieve heap pressure (more heap per task, fewer cores, more partitions); longer timeouts only hide it.',
    thresholds: { gcShare: { value: GC_SHARE, why: 'Dr. Elephant ExecutorGcHeuristic: GC time / run time ≥ 0.10 is severe' } },
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const gcHeavy = [...ctx.app.executors.values()].some((e) => e.runTime > 0 && e.gcTime / e.runTime >= GC_SHARE);
    const remediation = [];
    if (ctx.layout) remediation.push(moreHeap(ctx.layout, ctx.app, 'long GC pauses stop the heartbeat thread'));
    remediation.push(fix('spark.network.timeout', ctx.app.sparkProperties['spark.network.timeout'] ?? '120s', '300s', 'only buys time while the memory pressure is fixed; if the node itself was lost, this is not a memory problem'));
    report(reportFrom(matches, 'executor', 'heap', gcHeavy ? 'medium' : 'low', remediation));
  },
});
