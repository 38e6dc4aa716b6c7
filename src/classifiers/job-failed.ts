import { defineClassifier } from './define.js';
import { find, reportFrom } from './match.js';
import { fix } from './remedy.js';

// The last resort for a failed application: the failure text of its jobs or SQL executions, when no
// other finding names what failed. Dropped as soon as another failure is found (meta.fallback).
const ANY = /\S/;

export default defineClassifier({
  code: 'job-failed',
  meta: { kind: 'failure', memory: false, rank: 99, fallback: true },
  triggers: [],
  classify(ctx, report) {
    if (ctx.outcome !== 'failed') return;
    const matches = find(ctx, ANY, ['job-failure', 'sql-failure', 'stage-failure']);
    if (matches.length === 0) return;
    report(
      reportFrom(matches, 'driver', 'none', 'low', {
        needs: [],
        advice: [fix(null, null, null, 'job-failure-read', { manager: ctx.app.clusterManager, appId: ctx.app.appId })],
      }),
    );
  },
});
