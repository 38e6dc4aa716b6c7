import { defineClassifier } from './define.js';
import { reportFrom } from './match.js';
import { containerFixes, fix } from './remedy.js';
import { isAmText, yarnKills } from './yarn-kill.js';

export default defineClassifier({
  code: 'yarn-memory-exceeded',
  meta: {
    kind: 'failure',
    rank: 10,
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
      remediation = [
        fix('spark.driver.memoryOverhead', l ? `${Math.round(l.driver.overhead / 2 ** 20)}m` : null, null, 'driver-overhead', {
          used: worst,
        }),
      ];
    } else if (l) {
      remediation = containerFixes(l, ctx.app, worst, ctx.python);
    } else {
      remediation = [fix('spark.executor.memoryOverhead', null, null, 'raise-overhead-no-layout', { layout: ctx.layoutProblem! })];
    }
    report(reportFrom(kills, driver ? 'driver' : 'executor', 'overhead', 'high', remediation));
  },
});
