import type { ExecutorState } from '../state/app.js';
import { runtimeMaxMemory, type Collector } from './jvm.js';
import type { ExecutorLayout, JvmLayout, MemoryLayout } from './model.js';
import { note, type MemoryNote } from './notes.js';
import { HEAP_ALIGNMENT, NEW_RATIO, PARALLEL_MIN_SURVIVOR_RATIO } from './jvm.js';
import { MiB } from './sizes.js';

/** Which region each executor metric (ExecutorMetricType.scala) is bounded by. */
type Region = 'heap' | 'unified' | 'offHeap' | 'overhead' | 'pyspark' | 'container';

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

function regionLimit(e: ExecutorLayout, region: Region): number {
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

interface ObservedExecutor {
  maxMemory: number | null;
  maxOnHeap: number | null;
  maxOffHeap: number | null;
  peaks: Record<string, number>;
}

export interface Observed {
  executors: Record<string, ObservedExecutor>;
  /** The driver's BlockManager (in local mode, the executor's too); absent when the log has none. */
  driver?: { maxMemory: number; maxOnHeap: number | null; maxOffHeap: number | null };
}

/**
 * reproduced: the model's bytes, exactly. The others are differences with their cause:
 * other-collector: another collector's Runtime.maxMemory reproduces the bytes (the log's Java options or
 *   version did not tell the collector the JVM really ran, e.g. a JVM that saw one CPU in its container picks Serial);
 * version-unknown: the log records no Spark version, so the rules applied are today's;
 * heap-unknown: the log records no heap for that JVM (Spark's default was assumed; a launcher may have set another);
 * not-local: a local-mode log with executors besides the driver (local mode runs none: the events come from elsewhere);
 * survivor-gap: Runtime.maxMemory lies within one survivor space below -Xmx, as a generational collector whose young
 *   generation was sized by the host (CMS: the GC thread count) or by the JVM build leaves it;
 * settings-differ: the pool is above what the heap allows: the JVM ran with a bigger heap or other fractions.
 */
type VerdictKind =
  'reproduced' | 'other-collector' | 'version-unknown' | 'heap-unknown' | 'not-local' | 'survivor-gap' | 'settings-differ' | 'unexplained';

/** How one group of BlockManagers (same on-heap size) compares with the model. */
export interface BlockManagerVerdict {
  who: 'executors' | 'driver';
  ids: string[];
  /** The logged on-heap Maximum Memory. */
  pool: number;
  /** What the model computed for it. */
  formula: number;
  kind: VerdictKind;
  /** The collector that reproduces the pool to the byte, when it is not the one assumed. */
  collector: Collector | null;
  /** Runtime.maxMemory the logged pool implies (inverse of the pool formula), and -Xmx minus it. */
  impliedMaxMemory: number | null;
  gap: number | null;
}

const COLLECTORS: readonly Collector[] = ['parallel', 'serial', 'g1'];

/** The on-heap pool the BlockManager logs for a JVM of `systemMemory` bytes (unified, or storage in legacy mode). */
function poolFor(layout: MemoryLayout, systemMemory: number): number {
  const e = layout.executor;
  if (layout.legacyMode) return e.usable > 0 ? Math.floor(systemMemory * (e.storage / e.usable)) : 0;
  return Math.floor((systemMemory - e.reserved) * layout.params.memoryFraction);
}

/** Runtime.maxMemory that a logged pool implies (the pool formula inverted; exact to within a byte or two). */
function impliedMaxMemory(layout: MemoryLayout, pool: number): number | null {
  const e = layout.executor;
  if (layout.legacyMode) return e.storage > 0 ? Math.round(pool * (e.usable / e.storage)) : null;
  const f = layout.params.memoryFraction;
  return f > 0 ? Math.round(pool / f) + e.reserved : null;
}

/** A pool this far under -Xmx is one survivor space of a generational collector: at most Parallel's heap/9 (NewRatio 2, MinSurvivorRatio 3) plus alignment. */
const survivorBound = (heap: number): number => Math.floor(heap / ((NEW_RATIO + 1) * PARALLEL_MIN_SURVIVOR_RATIO)) + HEAP_ALIGNMENT;

function judge(layout: MemoryLayout, jvm: JvmLayout, who: 'executors' | 'driver', ids: string[], pool: number): BlockManagerVerdict {
  const formula = jvm.blockManagerOnHeap;
  const base = { who, ids, pool, formula, collector: null, impliedMaxMemory: null, gap: null };
  if (pool === formula) return { ...base, kind: 'reproduced' };
  const testing = jvm.systemMemory !== jvm.maxMemory;
  if (!testing) {
    for (const c of COLLECTORS) {
      if (c === jvm.collector.collector) continue;
      if (poolFor(layout, runtimeMaxMemory(jvm.heap, c, jvm.javaOptions).maxMemory) === pool)
        return { ...base, kind: 'other-collector', collector: c };
    }
  }
  const implied = impliedMaxMemory(layout, pool);
  const gap = implied === null ? null : jvm.heap - implied;
  const found = { ...base, impliedMaxMemory: implied, gap };
  if (layout.sparkVersion === null) return { ...found, kind: 'version-unknown' };
  if (jvm.heapSource === 'default') return { ...found, kind: 'heap-unknown' };
  if (layout.clusterManager === 'local' && who === 'executors') return { ...found, kind: 'not-local' };
  if (gap !== null && gap > -HEAP_ALIGNMENT && gap <= survivorBound(jvm.heap) && !testing) return { ...found, kind: 'survivor-gap' };
  if (gap !== null && gap <= -HEAP_ALIGNMENT) return { ...found, kind: 'settings-differ' };
  return { ...found, kind: 'unexplained' };
}

/** The executors of a non-default resource profile run a heap of their own (ResourceProfile executor memory, MiB). */
function profileJvm(jvm: JvmLayout, layout: MemoryLayout, memoryMiB: number | undefined): JvmLayout {
  if (memoryMiB === undefined || memoryMiB * MiB === jvm.heap) return jvm;
  const heap = memoryMiB * MiB;
  const max = runtimeMaxMemory(heap, jvm.collector.collector, jvm.javaOptions);
  const systemMemory = jvm.systemMemory !== jvm.maxMemory ? jvm.systemMemory : max.maxMemory;
  return {
    ...jvm,
    heap,
    maxMemory: max.maxMemory,
    systemMemory,
    exact: max.exact,
    heapSource: 'profile',
    blockManagerOnHeap: poolFor(layout, systemMemory),
  };
}

function verdictNote(v: BlockManagerVerdict, layout: MemoryLayout, jvm: JvmLayout): MemoryNote {
  const common = {
    who: v.who,
    count: v.ids.length,
    ids: v.ids.slice(0, 3).join(', '),
    pool: v.pool,
    formula: v.formula,
    region: layout.legacyMode ? 'storage' : 'unified',
  };
  switch (v.kind) {
    case 'reproduced':
      return note('observed-reproduced', common);
    case 'other-collector':
      return note('observed-other-collector', { ...common, collector: v.collector, assumed: jvm.collector.collector });
    case 'survivor-gap':
      return note('observed-survivor-gap', {
        ...common,
        impliedMaxMemory: v.impliedMaxMemory,
        gap: v.gap,
        heap: jvm.heap,
        collector: jvm.collector.collector,
      });
    case 'settings-differ':
      return note('observed-settings-differ', { ...common, impliedMaxMemory: v.impliedMaxMemory });
    case 'version-unknown':
      return note('observed-version-unknown', { ...common, impliedMaxMemory: v.impliedMaxMemory });
    case 'heap-unknown':
      return note('observed-heap-unknown', { ...common, impliedMaxMemory: v.impliedMaxMemory, heap: jvm.heap });
    case 'not-local':
      return note('observed-not-local', { ...common, impliedMaxMemory: v.impliedMaxMemory });
    default:
      return note('observed-unexplained', { ...common, impliedMaxMemory: v.impliedMaxMemory, gap: v.gap });
  }
}

/** What the log observed, and how each BlockManager's size compares with the model. */
export function observe(
  layout: MemoryLayout,
  executors: Iterable<ExecutorState>,
  driverBlockManager: Observed['driver'] | null = null,
  /** Resource profile id → executor memory in MiB (SparkListenerResourceProfileAdded), for executors of other profiles. */
  profileMemory: ReadonlyMap<number, number> = new Map(),
): { observed: Observed; notes: MemoryNote[]; verdicts: BlockManagerVerdict[] } {
  const result: Record<string, ObservedExecutor> = {};
  const onHeap = new Map<string, { pool: number; profile: number; ids: string[] }>();
  for (const e of executors) {
    if (e.maxMemory === null && Object.keys(e.peaks).length === 0) continue;
    result[e.id] = { maxMemory: e.maxMemory, maxOnHeap: e.maxOnHeap, maxOffHeap: e.maxOffHeap, peaks: { ...e.peaks } };
    const pool = e.maxOnHeap ?? (e.maxMemory !== null ? e.maxMemory - (e.maxOffHeap ?? 0) : null);
    if (pool === null) continue;
    const key = `${pool}/${e.resourceProfileId}`;
    const group = onHeap.get(key) ?? { pool, profile: e.resourceProfileId, ids: [] };
    group.ids.push(e.id);
    onHeap.set(key, group);
  }
  const notes: MemoryNote[] = [];
  const verdicts: BlockManagerVerdict[] = [];
  for (const { pool, profile, ids } of onHeap.values()) {
    const jvm = profile === 0 ? layout.jvm.executor : profileJvm(layout.jvm.executor, layout, profileMemory.get(profile));
    const v = judge(layout, jvm, 'executors', ids, pool);
    verdicts.push(v);
    notes.push(verdictNote(v, layout, jvm));
  }
  const observed: Observed = { executors: result };
  if (driverBlockManager) {
    observed.driver = { ...driverBlockManager };
    const pool = driverBlockManager.maxOnHeap ?? driverBlockManager.maxMemory - (driverBlockManager.maxOffHeap ?? 0);
    // In local mode the driver's BlockManager is the executor's: the same JVM, the same pools.
    const v = judge(layout, layout.jvm.driver, 'driver', ['driver'], pool);
    verdicts.push(v);
    notes.push(verdictNote(v, layout, layout.jvm.driver));
  }
  return { observed, notes, verdicts };
}
