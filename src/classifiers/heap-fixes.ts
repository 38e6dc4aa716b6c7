import type { Region, Remediation, Role } from '../findings.js';
import type { Need } from '../plan/needs.js';
import type { ClassifierContext } from './define.js';
import { inAm, type Match } from './match.js';
import { POLICY } from './policy.js';
import { driverHeapNeed, fix, heapNeed, maxPeak, partitionsNeed, settingNeed, skewNeed, taskNeed } from './remedy.js';

/** What a full heap needs, by the region that filled it. Shared by heap-oom, gc-overhead, jvm-oom-exit and jvm-quake-exit. */
export function heapFixes(
  ctx: ClassifierContext,
  role: Role,
  region: Region,
  stages: string[],
  matches: Match[] = [],
): { needs: Need[]; advice: Remediation[] } {
  const l = ctx.layout;
  const app = ctx.app;
  const needs: Array<Need | null> = [];
  const advice: Remediation[] = [];
  if (role === 'driver' && inAm(matches)) {
    // A client-mode YARN application master (ExecutorLauncher): its heap is spark.yarn.am.memory, not the driver's.
    return { needs: [], advice: [fix('spark.yarn.am.memory', null, null, 'am-memory')] };
  }
  if (role === 'driver') {
    needs.push(driverHeapNeed(ctx, 'oom'));
    advice.push(ctx.app.clusterManager === 'local' ? fix(null, null, null, 'local-mode') : fix(null, null, null, 'driver-results-hint'));
    return { needs: needs.filter((n): n is Need => n !== null), advice };
  }
  if (!l) return { needs: [], advice: [fix('spark.executor.memory', null, null, 'raise-heap-no-layout', { layout: ctx.layoutProblem! })] };
  switch (region) {
    case 'execution':
      needs.push(partitionsNeed(app, stages), skewNeed(ctx, stages), taskNeed(ctx, { kind: 'execution-slots', slots: l.params.slots }));
      break;
    case 'storage':
      advice.push(fix(null, null, null, 'persist-less'));
      needs.push(heapNeed(ctx, { kind: 'storage' }));
      break;
    case 'user': {
      const cur = l.params.memoryFraction;
      if (!l.legacyMode && cur > POLICY.memoryFractionFloor.value) {
        const next = Math.round((cur - POLICY.memoryFractionStep.value) * 10) / 10;
        const grow = Math.floor(l.executor.usable * (cur - next));
        needs.push(
          settingNeed('spark.memory.fraction', String(next), { compare: 'at-most', unit: 'number' }, 'lower-memory-fraction', {
            grow,
            userAfter: l.executor.user + grow,
          }),
        );
      }
      needs.push(heapNeed(ctx, { kind: 'user' }), partitionsNeed(app, stages));
      break;
    }
    default: {
      const peak = maxPeak(app, 'JVMHeapMemory');
      needs.push(
        heapNeed(ctx, peak !== null ? { kind: 'peaked', peak, heap: l.executor.heap } : { kind: 'filled' }),
        partitionsNeed(app, stages),
      );
    }
  }
  return { needs: needs.filter((n): n is Need => n !== null), advice };
}
