import { defineClassifier } from './define.js';
import { reportFrom } from './match.js';
import { fix } from './remedy.js';
import { isAmText, yarnKills } from './yarn-kill.js';

export default defineClassifier({
  code: 'yarn-vmem-exceeded',
  meta: {
    title: 'YARN killed a container for exceeding its virtual memory limit',
    kind: 'failure',
    rank: 11,
    detects: 'Container killed by YARN for exceeding virtual memory limits / running beyond virtual memory limits / beyond the \'VIRTUAL\' memory limit / exit status -103. Virtual size (reserved address space, not memory used) passed yarn.nodemanager.vmem-pmem-ratio × the container.',
    fix: "Turn the NodeManager's virtual memory check off (YARN-4714) or raise its ratio; memory settings in Spark are not the cause.",
  },
  classify(ctx, report) {
    const kills = yarnKills(ctx).filter((k) => k.kind === 'virtual');
    if (kills.length === 0) return;
    report(reportFrom(kills, kills.every((k) => isAmText(k.signal.text)) ? 'driver' : 'executor', 'container', 'high', [
      fix('yarn.nodemanager.vmem-check-enabled', null, 'false', 'a NodeManager setting (yarn-site.xml): the JVM reserves far more address space than it uses (YARN-4714); the physical check still protects the node'),
      fix('yarn.nodemanager.vmem-pmem-ratio', '2.1', '5', 'or allow more virtual memory per unit of physical memory (yarn-site.xml)'),
      fix('spark.executor.memory', null, null, 'do not raise Spark memory for this: a bigger container reserves more address space in proportion'),
    ]));
  },
});
