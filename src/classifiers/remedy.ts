import type { Remediation } from '../findings.js';
import type { MemoryLayout } from '../memory/index.js';
import { MiB, parseSize } from '../memory/index.js';
import type { AppState } from '../state/app.js';
import { POLICY } from './policy.js';
import type { HeapWhy, RemedyData, RemedyId } from './remedies.js';

/**
 * Remediation arithmetic shared by the classifiers. Values are rounded up to steps a person would
 * type (POLICY) and given as spark-submit takes them; the reasons are coded (remedies.ts).
 */
export function roundUp(bytes: number, step: number): number {
  return Math.ceil(bytes / step) * step;
}

/** A size as a --conf value: whole GiB as "Ng", otherwise whole MiB as "Nm". */
export function sizeConf(bytes: number): string {
  return bytes % 2 ** 30 === 0 ? `${bytes / 2 ** 30}g` : `${Math.ceil(bytes / MiB)}m`;
}

/** A remediation: the setting (or null for advice), its current and suggested values, and the coded reason. */
export function fix<K extends RemedyId>(
  conf: string | null,
  current: string | null,
  suggested: string | null,
  messageId: K,
  ...data: RemedyData[K] extends Record<string, never> ? [] : [RemedyData[K]]
): Remediation {
  return { conf, current, suggested, messageId, data: data[0] ?? {} } as Remediation;
}

/** The container total after changing some executor regions. */
export function containerWith(l: MemoryLayout, change: { heap?: number; overhead?: number; pyspark?: number }): number {
  const e = l.executor;
  return (
    e.container -
    e.heap -
    e.overhead -
    e.pyspark +
    (change.heap ?? e.heap) +
    (change.overhead ?? e.overhead) +
    (change.pyspark ?? e.pyspark)
  );
}

/** The overhead Spark would derive for a new heap when none is set explicitly (keeps the ratio). */
function overheadFor(l: MemoryLayout, conf: Record<string, string>, newHeap: number): number {
  const explicit = conf['spark.executor.memoryOverhead'] ?? conf['spark.yarn.executor.memoryOverhead'];
  if (explicit !== undefined || l.executor.overhead === 0) return l.executor.overhead;
  const factor = l.executor.overhead / l.executor.heap;
  return Math.max(Math.floor((newHeap / MiB) * factor) * MiB, 384 * MiB);
}

/** Bigger heap, same cores: POLICY.heapGrowth more, rounded to whole GiB, with the container it implies. */
export function moreHeap(l: MemoryLayout, app: AppState, why: HeapWhy): Remediation {
  const cur = l.executor.heap;
  const next = roundUp(cur * POLICY.heapGrowth.value, POLICY.heapStep.value);
  const container = containerWith(l, { heap: next, overhead: overheadFor(l, app.sparkProperties, next) });
  return fix('spark.executor.memory', sizeConf(cur), sizeConf(next), 'more-heap', { why, container });
}

/** Fewer concurrent tasks per executor: each task's execution share grows. */
export function fewerCores(l: MemoryLayout, outsideHeap: null | { python: boolean } = null): Remediation | null {
  const e = l.executor;
  if (e.cores <= 1) return null;
  const next = Math.max(1, Math.floor(e.cores / 2));
  const slots = Math.max(1, Math.floor(next / l.params.taskCpus));
  const share = l.legacyMode ? Math.floor(e.execution / slots) : Math.floor(e.unified / slots);
  return fix('spark.executor.cores', String(e.cores), String(next), 'fewer-cores', { share, perTaskMax: e.perTaskMax, outsideHeap });
}

/** More, smaller shuffle partitions: each task holds less at once. */
export function morePartitions(app: AppState): Remediation {
  const dflt = POLICY.sqlShufflePartitions.value;
  const cur = Number(app.sparkProperties['spark.sql.shuffle.partitions'] ?? String(dflt));
  const next = Number.isFinite(cur) && cur > 0 ? cur * POLICY.partitionGrowth.value : dflt * POLICY.partitionGrowth.value;
  return fix('spark.sql.shuffle.partitions', String(Number.isFinite(cur) ? cur : dflt), String(next), 'more-partitions');
}

export function adaptiveSkew(app: AppState): Remediation | null {
  if (
    app.sparkProperties['spark.sql.adaptive.skewJoin.enabled'] === 'true' &&
    app.sparkProperties['spark.sql.adaptive.enabled'] !== 'false'
  )
    return null;
  return fix(
    'spark.sql.adaptive.skewJoin.enabled',
    app.sparkProperties['spark.sql.adaptive.skewJoin.enabled'] ?? null,
    'true',
    'adaptive-skew',
  );
}

/** The non-heap part of an executor container grew past its overhead: size the overhead to it. */
export function containerFixes(l: MemoryLayout, app: AppState, observedUse: number | null, python: boolean): Remediation[] {
  const e = l.executor;
  const out: Remediation[] = [];
  const headroom = POLICY.headroom.value;
  // What the process used beyond the heap: from YARN's "X of Y physical memory used", else at least the limit.
  const nonHeap = Math.max((observedUse ?? e.container) - e.heap - e.pyspark, e.overhead);
  const next = roundUp(Math.max(e.overhead * POLICY.overheadGrowth.value, nonHeap * headroom), POLICY.overheadStep.value);
  const pythonRss = maxPeak(app, 'ProcessTreePythonRSSMemory');
  if (python && e.pyspark === 0) {
    const py = roundUp(Math.max((pythonRss ?? next - e.overhead) * headroom, POLICY.pysparkMin.value), POLICY.pysparkStep.value);
    out.push(
      fix('spark.executor.pyspark.memory', null, sizeConf(py), 'pyspark-own-memory', {
        pyspark: py,
        container: containerWith(l, { pyspark: py }),
      }),
    );
  }
  out.push(
    fix('spark.executor.memoryOverhead', sizeConf(e.overhead), sizeConf(next), 'raise-overhead', {
      used: observedUse,
      limit: e.container,
      outsideHeap: observedUse !== null ? Math.max(0, observedUse - e.heap) : null,
      headroom,
      overhead: next,
      container: containerWith(l, { overhead: next }),
    }),
  );
  const fc = fewerCores(l, { python });
  if (fc) out.push(fc);
  out.push(fix('spark.executor.memory', sizeConf(e.heap), null, 'keep-heap-container-kill'));
  return out;
}

export function maxPeak(app: AppState, metric: string): number | null {
  let best: number | null = null;
  for (const e of app.executors.values()) {
    const v = e.peaks[metric];
    if (v !== undefined && v > 0 && (best === null || v > best)) best = v;
  }
  return best;
}

/** A size setting's bytes, or the default when unset or unparseable (Spark would refuse the latter at startup). */
export function parseSizeOr(value: string | undefined, unit: number, dflt: number): number {
  if (value === undefined) return dflt;
  try {
    return parseSize('', value, unit);
  } catch {
    return dflt;
  }
}
