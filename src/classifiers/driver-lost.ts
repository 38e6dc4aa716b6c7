import { defineClassifier } from './define.js';
import { fix } from './remedy.js';

// A driver that dies (killed by its container, an OutOfMemoryError, a lost node) stops writing
// its event log mid-job: no SparkListenerApplicationEnd, jobs started and never ended. The log
// cannot say why; the driver's own log and its container's status can.
export default defineClassifier({
  code: 'driver-lost',
  meta: {
    kind: 'warning',
    rank: 50,
  },
  triggers: [],
  classify(ctx, report) {
    const app = ctx.app;
    if (ctx.outcome !== 'incomplete' || app.jobsTotal <= app.jobsEnded || !app.lastEventAt || app.inProgress) return;
    const running = app.jobsTotal - app.jobsEnded;
    // No driver-memory need: the log cannot say the driver ran out of memory; its own log can.
    report({
      role: 'driver',
      region: 'heap',
      confidence: 'low',
      occurrences: running,
      executors: [],
      evidence: [{ at: app.lastEventAt, messageId: 'log-ends', data: { running } }],
      needs: [],
      remediation: [
        fix(null, null, null, 'find-driver-end', { manager: app.clusterManager, appId: app.appId }),
        fix('spark.driver.memory', null, null, 'driver-memory-if-oom'),
      ],
    });
  },
});
