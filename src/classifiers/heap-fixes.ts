import type { Region, Remediation, Role } from '../findings.js';
import type { ClassifierContext } from './define.js';
import { POLICY } from './policy.js';
import { adaptiveSkew, fewerCores, fix, maxPeak, moreHeap, morePartitions, roundUp, sizeConf } from './remedy.js';

/** Fixes for a full heap, by the region that filled it. Shared by heap-oom, gc-overhead and jvm-oom-exit. */
export function heapFixes(ctx: ClassifierContext, role: Role, region: Region): Remediation[] {
  const l = ctx.layout;
  const app = ctx.app;
  if (role === 'driver') {
    const cur = l?.driver.heap ?? 1024 ** 3;
    const next = roundUp(cur * POLICY.driverGrowth.value, POLICY.heapStep.value);
    const out = [fix('spark.driver.memory', sizeConf(cur), sizeConf(next), 'driver-double-heap')];
    if (app.sparkProperties['spark.master']?.startsWith('local')) out.push(fix(null, null, null, 'local-mode'));
    else out.push(fix(null, null, null, 'driver-results-hint'));
    return out;
  }
  if (!l) return [fix('spark.executor.memory', null, null, 'raise-heap-no-layout', { layout: ctx.layoutProblem! })];
  const out: Remediation[] = [];
  const peak = maxPeak(app, 'JVMHeapMemory');
  switch (region) {
    case 'execution': {
      out.push(morePartitions(app));
      const skew = adaptiveSkew(app);
      if (skew) out.push(skew);
      const fc = fewerCores(l);
      if (fc) out.push(fc);
      out.push(moreHeap(l, app, { kind: 'execution-slots', slots: l.params.slots }));
      break;
    }
    case 'storage':
      out.push(fix(null, null, null, 'persist-less'));
      out.push(moreHeap(l, app, { kind: 'storage' }));
      break;
    case 'user': {
      const cur = l.params.memoryFraction;
      if (!l.legacyMode && cur > POLICY.memoryFractionFloor.value) {
        const next = Math.round((cur - POLICY.memoryFractionStep.value) * 10) / 10;
        const grow = Math.floor(l.executor.usable * (cur - next));
        out.push(
          fix('spark.memory.fraction', String(cur), String(next), 'lower-memory-fraction', { grow, userAfter: l.executor.user + grow }),
        );
      }
      out.push(moreHeap(l, app, { kind: 'user' }));
      out.push(morePartitions(app));
      break;
    }
    default:
      out.push(moreHeap(l, app, peak !== null ? { kind: 'peaked', peak, heap: l.executor.heap } : { kind: 'filled' }));
      out.push(morePartitions(app));
      {
        const fc = fewerCores(l);
        if (fc) out.push(fc);
      }
  }
  return out;
}
