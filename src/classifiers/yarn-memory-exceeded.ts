import { fmtBytes } from '../render/units.js';
import { defineClassifier } from './define.js';
import { reportFrom } from './match.js';
import { containerFixes, fix } from './remedy.js';
import { isAmText, yarnKills } from './yarn-kill.js';

export default defineClassifier({
  code: 'yarn-memory-exceeded',
  meta: {
    title: 'YARN killed a container for exceeding its physical memory limit',
    kind: 'failure',
    rank: 10,
    detects: 'Container killed by YARN for exceeding (physical) memory limits / running beyond physical memory limits / beyond the \'PHYSICAL\' memory limit / exit status -104, in an executor loss or removal reason. The heap cannot exceed -Xmx, so the part outside it (overhead: JVM native memory, Netty buffers, Python workers) overflowed.',
    fix: 'Size spark.executor.memoryOverhead to what the process used outside the heap, plus headroom; cap Python workers with spark.executor.pyspark.memory. Raising the heap makes it worse.',
  },
  classify(ctx, report) {
    const kills = yarnKills(ctx).filter((k) => k.kind === 'physical');
    if (kills.length === 0) return;
    const driver = kills.every((k) => isAmText(k.signal.text));
    const used = kills.map((k) => k.used).filter((u): u is number => u !== null);
    const worst = used.length > 0 ? Math.max(...used) : null;
    const l = ctx.layout;
    let remediation;
    if (driver) {
      remediation = [fix('spark.driver.memoryOverhead', l ? `${Math.round(l.driver.overhead / 2 ** 20)}m` : null, null, `the driver's container (the YARN application master) exceeded its limit${worst !== null ? ` using ${fmtBytes(worst)}` : ''}: raise the driver overhead (client mode: spark.yarn.am.memoryOverhead)`)];
    } else if (l) {
      remediation = containerFixes(l, ctx.app, worst, ctx.python);
    } else {
      remediation = [fix('spark.executor.memoryOverhead', null, null, `raise the overhead (layout unknown: ${ctx.layoutError})`)];
    }
    report(reportFrom(kills, driver ? 'driver' : 'executor', 'overhead', 'high', remediation));
  },
});
