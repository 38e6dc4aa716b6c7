import { defineClassifier } from './define.js';
import { reportFrom } from './match.js';
import { isAmKill, VIRTUAL_KILL, yarnKills } from './yarn-kill.js';
import { fix } from './remedy.js';

export default defineClassifier({
  code: 'yarn-vmem-exceeded',
  meta: {
    kind: 'failure',
    rank: 11,
  },
  triggers: [VIRTUAL_KILL],
  classify(ctx, report) {
    const kills = yarnKills(ctx).filter((k) => k.kind === 'virtual');
    if (kills.length === 0) return;
    report(
      reportFrom(kills, kills.every(isAmKill) ? 'driver' : 'executor', 'container', 'high', {
        needs: [
          { kind: 'admin', key: 'yarn.nodemanager.vmem-check-enabled', value: 'false', reason: { messageId: 'vmem-check-off', data: {} } },
          { kind: 'admin', key: 'yarn.nodemanager.vmem-pmem-ratio', value: '5', reason: { messageId: 'vmem-ratio', data: {} } },
        ],
        advice: [fix('spark.executor.memory', null, null, 'keep-spark-memory-vmem')],
      }),
    );
  },
});
