import { defineClassifier } from './define.js';
import { POLICY } from './policy.js';
import { fix, roundUp, sizeConf } from './remedy.js';

// A driver that dies (killed by its container, an OutOfMemoryError, a lost node) stops writing
// its event log mid-job: no SparkListenerApplicationEnd, jobs started and never ended. The log
// cannot say why; the driver's own log and its container's status can.
export default defineClassifier({
  code: 'driver-lost',
  meta: {
    kind: 'warning',
    rank: 50,
  },
  classify(ctx, report) {
    const app = ctx.app;
    if (ctx.outcome !== 'incomplete' || app.jobsTotal <= app.jobsEnded || !app.lastEventAt) return;
    const running = app.jobsTotal - app.jobsEnded;
    const heap = ctx.layout?.driver.heap ?? null;
    report({
      role: 'driver',
      region: 'heap',
      confidence: 'low',
      occurrences: running,
      executors: [],
      evidence: [{ at: app.lastEventAt, messageId: 'log-ends', data: { running } }],
      remediation: [
        fix(null, null, null, 'find-driver-end', { manager: app.clusterManager, appId: app.appId }),
        fix(
          'spark.driver.memory',
          heap !== null ? sizeConf(heap) : null,
          heap !== null ? sizeConf(roundUp(heap * POLICY.driverGrowth.value, POLICY.heapStep.value)) : null,
          'driver-memory-if-oom',
        ),
      ],
    });
  },
});
