import { defineClassifier } from './define.js';
import { reportFrom } from './match.js';
import { fix } from './remedy.js';
import { isAmText, yarnKills } from './yarn-kill.js';

export default defineClassifier({
  code: 'yarn-vmem-exceeded',
  meta: {
    kind: 'failure',
    rank: 11,
  },
  classify(ctx, report) {
    const kills = yarnKills(ctx).filter((k) => k.kind === 'virtual');
    if (kills.length === 0) return;
    report(
      reportFrom(kills, kills.every((k) => isAmText(k.signal.text)) ? 'driver' : 'executor', 'container', 'high', [
        fix('yarn.nodemanager.vmem-check-enabled', null, 'false', 'vmem-check-off'),
        fix('yarn.nodemanager.vmem-pmem-ratio', '2.1', '5', 'vmem-ratio'),
        fix('spark.executor.memory', null, null, 'keep-spark-memory-vmem'),
      ]),
    );
  },
});
