import { defineClassifier } from './define.js';
import { reportFrom } from './match.js';
import { isAmText, yarnKills } from './yarn-kill.js';
import { driverRoomNeed, fix, keepHeapAdvice, roomNeed } from './remedy.js';

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
    // The kill with the most memory used says how much room is needed; its limit is the truth about that run.
    const worst = kills.filter((k) => k.used !== null).sort((a, b) => b.used! - a.used!)[0] ?? null;
    const used = worst?.used ?? null;
    const limit = worst?.limit ?? null;
    const l = ctx.layout;
    if (driver) {
      const need = l ? driverRoomNeed(ctx, used, limit) : null;
      report(
        reportFrom(kills, 'driver', 'overhead', 'high', {
          needs: [need],
          advice: need ? [] : [fix('spark.driver.memoryOverhead', null, null, 'driver-overhead', { used })],
        }),
      );
      return;
    }
    const keep = keepHeapAdvice(ctx);
    report(
      reportFrom(kills, 'executor', 'overhead', 'high', {
        needs: [roomNeed(ctx, used, limit)],
        advice: l
          ? keep
            ? [keep]
            : []
          : [fix('spark.executor.memoryOverhead', null, null, 'raise-overhead-no-layout', { layout: ctx.layoutProblem! })],
      }),
    );
  },
});
