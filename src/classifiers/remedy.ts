import type { Remediation } from '../findings.js';
import type { MemoryLayout } from '../memory/index.js';
import { GiB, MiB, parseSize } from '../memory/index.js';
import type { AppState } from '../state/app.js';
import { fmtBytes } from '../render/units.js';

/**
 * Remediation arithmetic shared by the classifiers. Values are rounded up to steps a person would
 * type (256 MiB for overheads, whole GiB for heaps) and printed the way Spark parses them.
 */
export const HEADROOM = 1.25; // 25% above what was observed, so the next run does not sit at the limit

export function roundUp(bytes: number, step: number): number {
  return Math.ceil(bytes / step) * step;
}

/** A size as a --conf value: whole GiB as "Ng", otherwise whole MiB as "Nm". */
export function sizeConf(bytes: number): string {
  return bytes % GiB === 0 ? `${bytes / GiB}g` : `${Math.ceil(bytes / MiB)}m`;
}

export function fix(conf: string | null, current: string | null, suggested: string | null, reason: string): Remediation {
  return { conf, current, suggested, reason };
}


/** The container total after changing some executor regions. */
export function containerWith(l: MemoryLayout, change: { heap?: number; overhead?: number; pyspark?: number }): number {
  const e = l.executor;
  return e.container - e.heap - e.overhead - e.pyspark + (change.heap ?? e.heap) + (change.overhead ?? e.overhead) + (change.pyspark ?? e.pyspark);
}

/** The overhead Spark would derive for a new heap when none is set explicitly (keeps the ratio). */
export function overheadFor(l: MemoryLayout, conf: Record<string, string>, newHeap: number): number {
  const explicit = conf['spark.executor.memoryOverhead'] ?? conf['spark.yarn.executor.memoryOverhead'];
  if (explicit !== undefined || l.executor.overhead === 0) return l.executor.overhead;
  const factor = l.executor.overhead / l.executor.heap;
  return Math.max(Math.floor(((newHeap / MiB) * factor)) * MiB, 384 * MiB);
}

/** Bigger heap, same cores: 50% more, rounded to whole GiB, with the container it implies. */
export function moreHeap(l: MemoryLayout, app: AppState, why: string): Remediation {
  const cur = l.executor.heap;
  const next = roundUp(cur * 1.5, GiB);
  const container = containerWith(l, { heap: next, overhead: overheadFor(l, app.sparkProperties, next) });
  return fix('spark.executor.memory', sizeConf(cur), sizeConf(next), `${why}; the executor container becomes ${fmtBytes(container)}`);
}

/** Fewer concurrent tasks per executor: each task's execution share grows. */
export function fewerCores(l: MemoryLayout): Remediation | null {
  const e = l.executor;
  if (e.cores <= 1) return null;
  const next = Math.max(1, Math.floor(e.cores / 2));
  const slots = Math.max(1, Math.floor(next / l.params.taskCpus));
  const share = l.legacyMode ? Math.floor(e.execution / slots) : Math.floor(e.unified / slots);
  return fix('spark.executor.cores', String(e.cores), String(next), `fewer concurrent tasks share the same memory: each task may use up to ${fmtBytes(share)} of execution memory instead of ${fmtBytes(e.perTaskMax)} (run more executors to keep the parallelism)`);
}

/** More, smaller shuffle partitions: each task holds less at once. */
export function morePartitions(app: AppState): Remediation {
  const cur = Number(app.sparkProperties['spark.sql.shuffle.partitions'] ?? '200');
  const next = Number.isFinite(cur) && cur > 0 ? cur * 2 : 400;
  return fix('spark.sql.shuffle.partitions', String(Number.isFinite(cur) ? cur : 200), String(next), 'twice as many shuffle partitions halve what each task sorts, aggregates or joins at once');
}

export function adaptiveSkew(app: AppState): Remediation | null {
  if (app.sparkProperties['spark.sql.adaptive.skewJoin.enabled'] === 'true' && app.sparkProperties['spark.sql.adaptive.enabled'] !== 'false') return null;
  return fix('spark.sql.adaptive.skewJoin.enabled', app.sparkProperties['spark.sql.adaptive.skewJoin.enabled'] ?? null, 'true', 'with spark.sql.adaptive.enabled=true (Spark 3.0+), AQE splits skewed join partitions so no single task gets a giant one');
}

/** The non-heap part of an executor container grew past its overhead: size the overhead to it. */
export function containerFixes(l: MemoryLayout, app: AppState, observedUse: number | null, python: boolean): Remediation[] {
  const e = l.executor;
  const out: Remediation[] = [];
  // What the process used beyond the heap: from YARN's "X of Y physical memory used", else at least the limit.
  const nonHeap = Math.max((observedUse ?? e.container) - e.heap - e.pyspark, e.overhead);
  const next = roundUp(Math.max(e.overhead * 1.5, nonHeap * HEADROOM), 256 * MiB);
  const pythonRss = maxPeak(app, 'ProcessTreePythonRSSMemory');
  if (python && e.pyspark === 0) {
    const py = roundUp(Math.max((pythonRss ?? next - e.overhead) * HEADROOM, GiB), 512 * MiB);
    out.push(fix('spark.executor.pyspark.memory', null, sizeConf(py), `Python workers share the overhead today with no limit of their own; give them ${fmtBytes(py)} (added to the container on YARN and Kubernetes, Spark 2.4+) so the JVM's non-heap memory keeps its overhead; container becomes ${fmtBytes(containerWith(l, { pyspark: py }))}`));
  }
  out.push(fix('spark.executor.memoryOverhead', sizeConf(e.overhead), sizeConf(next), `${observedUse !== null ? `the process used ${fmtBytes(observedUse)} where the container allows ${fmtBytes(e.container)}, ${fmtBytes(Math.max(0, observedUse - e.heap))} of it outside the heap` : 'the container limit was reached outside the heap'}; ${HEADROOM * 100 - 100}% headroom gives ${fmtBytes(next)}; container becomes ${fmtBytes(containerWith(l, { overhead: next }))}`));
  const fc = fewerCores(l);
  if (fc) out.push({ ...fc, reason: `${fc.reason}; fewer tasks also means fewer ${python ? 'Python workers and ' : ''}shuffle buffers outside the heap` });
  out.push(fix('spark.executor.memory', sizeConf(e.heap), null, 'do not raise the heap: the heap did not overflow, the container did; a bigger heap leaves the same room outside it and the kill comes back'));
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
