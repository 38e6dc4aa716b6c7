import { fmtBytes } from '../render/units.js';
import type { Region, Remediation, Role } from '../findings.js';
import { GiB } from '../memory/index.js';
import type { ClassifierContext } from './define.js';
import { adaptiveSkew, fewerCores, fix, maxPeak, moreHeap, morePartitions, roundUp, sizeConf } from './remedy.js';

/** Fixes for a full heap, by the region that filled it. Shared by heap-oom, gc-overhead and jvm-oom-exit. */
export function heapFixes(ctx: ClassifierContext, role: Role, region: Region): Remediation[] {
  const l = ctx.layout;
  const app = ctx.app;
  if (role === 'driver') {
    const cur = l?.driver.heap ?? 1024 ** 3;
    const next = roundUp(cur * 2, GiB);
    const out = [fix('spark.driver.memory', sizeConf(cur), sizeConf(next), 'the driver JVM ran out of heap; double it')];
    if (app.sparkProperties['spark.master']?.startsWith('local')) out.push(fix(null, null, null, 'in local mode tasks run inside the driver: spark.executor.memory has no effect'));
    else out.push(fix(null, null, null, 'look for collect(), toPandas(), large broadcasts or many small tasks accumulating results on the driver'));
    return out;
  }
  if (!l) return [fix('spark.executor.memory', null, null, `raise the executor heap (the layout could not be computed: ${ctx.layoutError})`)];
  const out: Remediation[] = [];
  const peak = maxPeak(app, 'JVMHeapMemory');
  switch (region) {
    case 'execution': {
      out.push(morePartitions(app));
      const skew = adaptiveSkew(app);
      if (skew) out.push(skew);
      const fc = fewerCores(l);
      if (fc) out.push(fc);
      out.push(moreHeap(l, app, `a bigger heap gives each of ${l.params.slots} concurrent tasks more execution memory`));
      break;
    }
    case 'storage':
      out.push(fix(null, null, null, 'cached or broadcast blocks filled the heap: persist with MEMORY_AND_DISK_SER (or DISK_ONLY), unpersist what is no longer used, or shrink broadcasts'));
      out.push(moreHeap(l, app, 'more heap for cached and broadcast blocks'));
      break;
    case 'user': {
      const cur = l.params.memoryFraction;
      if (!l.legacyMode && cur > 0.4) {
        const next = Math.round((cur - 0.1) * 10) / 10;
        const grow = Math.floor(l.executor.usable * (cur - next));
        out.push(fix('spark.memory.fraction', String(cur), String(next), `user memory (your objects, UDF state, serialization buffers) grows by ${fmtBytes(grow)} to ${fmtBytes(l.executor.user + grow)}, at the cost of the unified pool`));
      }
      out.push(moreHeap(l, app, 'more heap for objects outside Spark\'s unified pool'));
      out.push(morePartitions(app));
      break;
    }
    default:
      out.push(moreHeap(l, app, peak !== null ? `the heap peaked at ${fmtBytes(peak)} of ${fmtBytes(l.executor.heap)}` : 'the heap filled up'));
      out.push(morePartitions(app));
      {
        const fc = fewerCores(l);
        if (fc) out.push(fc);
      }
  }
  return out;
}
