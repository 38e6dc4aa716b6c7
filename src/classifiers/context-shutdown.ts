import { defineClassifier } from './define.js';
import { find, reportFrom } from './match.js';
import { fix } from './remedy.js';

// DAGScheduler cancels every job when the SparkContext stops under it: "Job N cancelled because
// SparkContext was shut down", "SparkContext has been shutdown" (Ctrl-C, spark-submit killed, sc.stop()).
const PATTERN = /cancelled because SparkContext was shut down|SparkContext was shut down|SparkContext has been shutdown/;

export default defineClassifier({
  code: 'context-shutdown',
  meta: { kind: 'failure', memory: false, rank: 48 },
  triggers: [PATTERN],
  classify(ctx, report) {
    if (ctx.outcome === 'succeeded') return;
    const matches = find(ctx, PATTERN);
    if (matches.length === 0) return;
    report(reportFrom(matches, 'driver', 'none', 'medium', { needs: [], advice: [fix(null, null, null, 'context-shutdown-cause')] }));
  },
});
