import { GiB } from '../memory/index.js';
import { defineClassifier } from './define.js';
import { fix, roundUp, sizeConf } from './remedy.js';

// A driver that dies (killed by its container, an OutOfMemoryError, a lost node) stops writing
// its event log mid-job: no SparkListenerApplicationEnd, jobs started and never ended. The log
// cannot say why; the driver's own log and its container's status can.
export default defineClassifier({
  code: 'driver-lost',
  meta: {
    title: 'The event log stops while jobs were running: the driver died (or is still running)',
    kind: 'warning',
    rank: 50,
    detects: 'No SparkListenerApplicationEnd, and jobs started that never ended. A driver killed for memory leaves exactly this; so does one still running, or one lost with its node.',
    fix: "Read the driver's side: its log, the YARN AM container's diagnostics or the driver pod's status, and give them to diagnose with the event log. Driver OOMs come from collect()/toPandas(), broadcasts and too many tasks' results.",
  },
  classify(ctx, report) {
    const app = ctx.app;
    if (ctx.outcome !== 'incomplete' || app.jobsTotal <= app.jobsEnded || !app.lastEventAt) return;
    const running = app.jobsTotal - app.jobsEnded;
    const heap = ctx.layout?.driver.heap ?? null;
    const where =
      app.clusterManager === 'yarn' ? `yarn logs -applicationId ${app.appId ?? '<app id>'} (the AM container ends in _000001), or yarn application -status` :
      app.clusterManager === 'kubernetes' ? 'kubectl describe pod <driver pod> (Last State, Reason: OOMKilled) and kubectl logs <driver pod>' :
      "the driver's log (spark-submit's output in client mode)";
    report({
      role: 'driver', region: 'heap', confidence: 'low', occurrences: running, executors: [],
      evidence: [{ source: `${app.lastEventAt.file}:${app.lastEventAt.line}`, text: `the log ends here, without ApplicationEnd, with ${running} job${running === 1 ? '' : 's'} still running` }],
      remediation: [
        fix(null, null, null, `find out how the driver ended: ${where}; then run diagnose on those with this log`),
        fix('spark.driver.memory', heap !== null ? sizeConf(heap) : null, heap !== null ? sizeConf(roundUp(heap * 2, GiB)) : null, 'only if the driver ran out of memory: it holds collected results, broadcast tables being built, and every task\'s status'),
      ],
    });
  },
});
