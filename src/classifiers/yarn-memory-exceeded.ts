import type { Evidence } from '../findings.js';
import { defineClassifier } from './define.js';
import { lineOf, reportFrom } from './match.js';
import { amInClientMode, isAmKill, PHYSICAL_KILL, yarnKills } from './yarn-kill.js';
import { driverRoomNeed, fix, keepHeapAdvice, roomNeed } from './remedy.js';

export default defineClassifier({
  code: 'yarn-memory-exceeded',
  meta: {
    kind: 'failure',
    rank: 10,
  },
  triggers: [PHYSICAL_KILL],
  classify(ctx, report) {
    const kills = yarnKills(ctx).filter((k) => k.kind === 'physical');
    if (kills.length === 0) return;
    const am = kills.every(isAmKill);
    // The kill with the most memory used says how much room is needed; its limit is the truth about that run.
    const worst = kills.filter((k) => k.used !== null).sort((a, b) => b.used! - a.used!)[0] ?? null;
    const used = worst?.used ?? null;
    const limit = worst?.limit ?? null;
    const l = ctx.layout;
    if (am) {
      // The application master's container: the driver's in cluster mode; in client mode ExecutorLauncher's,
      // whose room is spark.yarn.am.memoryOverhead (the plan's driver-room key in client mode).
      const need = l ? driverRoomNeed(ctx, used, limit) : null;
      const process: Evidence[] = amInClientMode(ctx, kills)
        ? [{ at: lineOf(kills[0]!.signal, 0, kills[0]!.m.index), messageId: 'process', data: { kind: 'yarn-am', mode: 'client' } }]
        : [];
      report(
        reportFrom(
          kills,
          'driver',
          'overhead',
          'high',
          {
            needs: [need],
            advice: need ? [] : [fix('spark.driver.memoryOverhead', null, null, 'driver-overhead', { used })],
          },
          process,
        ),
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
