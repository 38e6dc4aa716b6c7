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
    kind: 'failure',
    rank: 40,
    thresholds: { gcShare: { value: GC_SHARE, why: 'Dr. Elephant ExecutorGcHeuristic: GC time / run time ≥ 0.10 is severe' } },
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const gcHeavy = [...ctx.app.executors.values()].some((e) => e.runTime > 0 && e.gcTime / e.runTime >= GC_SHARE);
    const remediation = [];
    if (ctx.layout) remediation.push(moreHeap(ctx.layout, ctx.app, { kind: 'heartbeat' }));
    remediation.push(fix('spark.network.timeout', ctx.app.sparkProperties['spark.network.timeout'] ?? '120s', '300s', 'network-timeout'));
    report(reportFrom(matches, 'executor', 'heap', gcHeavy ? 'medium' : 'low', remediation));
  },
});
