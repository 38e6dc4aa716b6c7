import type { ExecutorState } from '../state/app.js';
import type { ExecutorLayout, MemoryLayout } from './model.js';

/** Which region each executor metric (ExecutorMetricType.scala) is bounded by. */
export type Region = 'heap' | 'unified' | 'offHeap' | 'overhead' | 'pyspark' | 'container';

const METRIC_REGION: Record<string, Region> = {
  JVMHeapMemory: 'heap',
  OnHeapExecutionMemory: 'unified', // execution may borrow the whole unified pool
  OnHeapStorageMemory: 'unified',
  OnHeapUnifiedMemory: 'unified',
  OffHeapExecutionMemory: 'offHeap',
  OffHeapStorageMemory: 'offHeap',
  OffHeapUnifiedMemory: 'offHeap',
  JVMOffHeapMemory: 'overhead', // metaspace, code cache, thread stacks: outside the heap
  DirectPoolMemory: 'overhead', // NIO direct buffers (Netty shuffle)
  MappedPoolMemory: 'overhead',
  ProcessTreeJVMRSSMemory: 'container',
  ProcessTreePythonRSSMemory: 'pyspark', // or the overhead when spark.executor.pyspark.memory is unset
  ProcessTreeOtherRSSMemory: 'overhead',
};

export interface PeakAgainstLimit {
  metric: string;
  value: number;
  region: Region;
  limit: number;
  /** value / limit × 100, one decimal; null when the region has no limit (size 0). */
  percent: number | null;
}

export function regionLimit(e: ExecutorLayout, region: Region): number {
  return region === 'pyspark' && e.pyspark === 0 ? e.overhead : e[region];
}

/** Each memory peak set against the limit of the region it lives in. GC counters are left out. */
export function peaksAgainstLimits(e: ExecutorLayout, peaks: Record<string, number>): PeakAgainstLimit[] {
  const out: PeakAgainstLimit[] = [];
  for (const [metric, value] of Object.entries(peaks)) {
    const region = METRIC_REGION[metric];
    if (!region || value <= 0) continue;
    const limit = regionLimit(e, region);
    const shown: Region = region === 'pyspark' && e.pyspark === 0 ? 'overhead' : region;
    out.push({ metric, value, region: shown, limit, percent: limit > 0 ? Math.round((value / limit) * 1000) / 10 : null });
  }
  return out;
}

export interface ObservedExecutor {
  maxMemory: number | null;
  maxOnHeap: number | null;
  maxOffHeap: number | null;
  peaks: Record<string, number>;
}

export interface Observed {
  executors: Record<string, ObservedExecutor>;
}

/** What the log observed, and notes on how it compares with the formula. */
export function observe(layout: MemoryLayout, executors: Iterable<ExecutorState>): { observed: Observed; notes: string[] } {
  const result: Record<string, ObservedExecutor> = {};
  const onHeap = new Map<number, string[]>();
  for (const e of executors) {
    if (e.maxMemory === null && Object.keys(e.peaks).length === 0) continue;
    result[e.id] = { maxMemory: e.maxMemory, maxOnHeap: e.maxOnHeap, maxOffHeap: e.maxOffHeap, peaks: { ...e.peaks } };
    const pool = e.maxOnHeap ?? (e.maxMemory !== null ? e.maxMemory - (e.maxOffHeap ?? 0) : null);
    if (pool !== null) onHeap.set(pool, [...(onHeap.get(pool) ?? []), e.id]);
  }
  const notes: string[] = [];
  const formula = layout.legacyMode ? layout.executor.storage : layout.executor.unified;
  const what = layout.legacyMode ? 'storage pool' : 'unified pool';
  for (const [pool, ids] of onHeap) {
    const who = ids.length === 1 ? `executor ${ids[0]}` : `${ids.length} executors`;
    if (pool === formula) {
      notes.push(`${who}: the logged on-heap Maximum Memory equals the formula's ${what} to the byte (${pool})`);
    } else if (pool < formula) {
      // BlockManager reports (Runtime.maxMemory − reserved) × fraction; Runtime.maxMemory is below
      // -Xmx under the Parallel and CMS collectors (one survivor space is not counted), equal under G1.
      const impliedMaxMemory = layout.legacyMode ? null : Math.round(pool / (layout.executor.unified / layout.executor.usable)) + layout.executor.reserved;
      const gap = layout.executor.heap - (impliedMaxMemory ?? layout.executor.heap);
      notes.push(
        `${who}: the logged on-heap Maximum Memory (${pool}) is ${formula - pool} bytes below the formula's ${what}` +
          (impliedMaxMemory !== null ? `: the JVM reported Runtime.maxMemory ≈ ${impliedMaxMemory}, ${gap} bytes under -Xmx, as the Parallel and CMS collectors do (one survivor space is not counted; G1 reports all of -Xmx)` : ''),
      );
    } else {
      notes.push(`${who}: the logged on-heap Maximum Memory (${pool}) is above the formula's ${what} (${formula}): the executors ran with settings other than these (a different spark.executor.memory or spark.memory.fraction)`);
    }
  }
  return { observed: { executors: result }, notes };
}
