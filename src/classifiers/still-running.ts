import { defineClassifier } from './define.js';
import { fix } from './remedy.js';

// An .inprogress log (or a rolling log not marked complete) without ApplicationEnd: the application is
// still running, or its driver died without closing the log. Either way the log alone cannot tell,
// and nothing here asks for more driver memory (driver-lost is for logs that were closed off).
export default defineClassifier({
  code: 'still-running',
  meta: { kind: 'info', rank: 70 },
  triggers: [],
  classify(ctx, report) {
    const app = ctx.app;
    if (ctx.outcome !== 'incomplete' || !app.inProgress || !app.lastEventAt) return;
    const running = Math.max(0, app.jobsTotal - app.jobsEnded);
    report({
      role: 'driver',
      region: 'none',
      confidence: 'medium',
      occurrences: 1,
      executors: [],
      evidence: [{ at: app.lastEventAt, messageId: 'log-in-progress', data: { running } }],
      needs: [],
      remediation: [fix(null, null, null, 'check-running', { manager: app.clusterManager, appId: app.appId })],
    });
  },
});
