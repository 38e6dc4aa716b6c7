import { byCode } from '../classifiers/index.js';
import { POLICY } from '../classifiers/policy.js';
import { roundUp } from '../classifiers/remedy.js';
import { sizeConf } from '../plan/solve.js';
const KiB = 1024;
import { MiB, memoryReport, parseSize, peaksAgainstLimits, type ExecutorLayout } from '../memory/index.js';
import { canonicalKey, defaultOf, keyFor, keyStatus, keyUnit, type AppContext } from '../plan/keys.js';
import type { ClusterManager } from '../state/app.js';

/**
 * `--by app-name`: runs of one application name folded into a summary of fixed size — counts, each
 * memory region's observed peaks against its size, one plan meeting every run's own plan, and whether
 * memory grows run over run. Detection only: codes and numbers; src/render/fleet.ts says them.
 *
 * The plan. Each run's diagnosis already holds a plan that is a fixed point for that run (its needs are
 * anchored to what its log observed: src/plan/needs.ts). The group's plan takes, setting by setting, the
 * strongest value any run needs — for a size the largest of every run's planned value (or, for a run
 * that plans nothing for it, the value it ran with); for a count the plans lowered (cores), the
 * smallest — so it meets every run's needs: up where a run died, and down only where every run's own
 * plan trimmed (heap-underused: every run's heap peak under half its -Xmx, named there), to the largest
 * of those trims. Keys are named for the newest Spark version of the group (keys.ts keyFor).
 */

/** Runs whose peaks and times a group keeps for its quantiles and trend: the newest ones. Our choice: a month of hourly runs at 30 bytes a region each. */
export const MAX_RUNS_KEPT = 720;
/** Application names grouped at most; the runs of any further name are only counted. Our choice: a large History Server's distinct job names, with room. */
const MAX_GROUPS = 20_000;
/** Runs a trend is fitted on at least. Our choice: two points always make a line. */
const MIN_TREND_RUNS = 3;
/**
 * Growth over the fitted line, newest run against oldest, at which memory is said to grow run over run.
 * Our choice: POLICY.headroom's 25% margin less a few points — a job growing by 20% across its kept
 * runs eats most of the margin a plan leaves before the next review.
 */
const GROWTH_SHARE = 0.2;

/** The regions a group reports, as src/memory names them (observed.ts); the driver heap has no observed peak in an event log. */
export type FleetRegion = 'heap' | 'unified' | 'offHeap' | 'overhead' | 'pyspark' | 'container';
const REGIONS: readonly FleetRegion[] = ['heap', 'unified', 'offHeap', 'overhead', 'pyspark', 'container'];

/** What a group keeps of one run. */
interface KeptRun {
  start: number | null;
  order: number;
  peaks: Partial<Record<FleetRegion, number>>;
  inputBytes: number | null;
}

interface KeyFold {
  /** Runs whose own plan sets the key. */
  runs: number;
  /** The largest and smallest planned values. */
  max: { mag: number; value: string } | null;
  min: { mag: number; value: string } | null;
  raised: boolean;
  lowered: boolean;
  /** The newest run's planned value (text settings). */
  newest: { start: number; value: string } | null;
}

interface RegionSummary {
  region: FleetRegion;
  /** The newest run's size of the region (bytes). */
  size: number;
  /** Runs with a peak for it (of those kept). */
  runs: number;
  p50: number;
  p95: number;
  max: number;
}

interface FleetChange {
  key: string;
  from: string | null;
  to: string;
  direction: 'up' | 'down' | 'set';
}

interface FleetPlan {
  conf: Record<string, string>;
  changes: FleetChange[];
  executorContainerBefore: number | null;
  executorContainerAfter: number | null;
  driverContainerBefore: number | null;
  driverContainerAfter: number | null;
  /** Executor-hours of the observed runs (sum of each executor's life). */
  executorHours: number | null;
  /** Driver-hours (run durations) where the driver has a container of its own. */
  driverHours: number | null;
  /** (after − before) × hours, executors and driver: bytes·hours the plan adds (positive) or saves (negative) over the observed runs. */
  byteHours: number | null;
}

interface FleetGrowth {
  code: 'memory-grows';
  region: 'heap';
  runs: number;
  /** The fitted peak at the oldest and at the newest kept run (bytes), and the growth as a share. */
  from: number;
  to: number;
  share: number;
  input: { from: number; to: number; share: number } | null;
}

export interface FleetGroup {
  appName: string;
  runs: number;
  /** Runs that failed, and among them those that died of memory (a critical memory finding). */
  failed: number;
  died: number;
  unfinished: number;
  sparkVersion: string | null;
  clusterManager: string;
  firstStart: number | null;
  lastStart: number | null;
  kept: number;
  regions: RegionSummary[];
  plan: FleetPlan | null;
  grows: FleetGrowth | null;
}

export interface FleetTotals {
  groups: number;
  runs: number;
  /** Runs of names past MAX_GROUPS, counted only; rows with no application name; unreadable paths. */
  overflowRuns: number;
  unnamed: number;
  errors: number;
}

/** What the fold reads of a scan row (output.ts RowView, checked there). */
interface AppRow {
  appName: string | null;
  sparkVersion: string | null;
  clusterManager: string;
  outcome: string;
  startTime?: number | null;
  endTime?: number | null;
  plan: { conf: Record<string, string> } | null;
  findings: Array<{ code: string; severity: string }>;
  memory?: unknown;
  /** RunFacts (row.ts). */
  run?: unknown;
}
type RowView = AppRow | { error: string };

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** A setting's value as a number to compare (sizes in bytes by the key's unit); null for text. */
export function magnitude(key: string, value: string): number | null {
  const unit = keyUnit(key);
  const v = value.trim();
  if (unit === 'mib' || unit === 'kib' || unit === 'bytes') {
    try {
      return parseSize(key, v, unit === 'mib' ? MiB : unit === 'kib' ? KiB : 1);
    } catch {
      return null;
    }
  }
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : null;
}

const isSize = (key: string): boolean => ['mib', 'kib', 'bytes'].includes(keyUnit(key) ?? '');

/** The region sizes a run's layout gives, for settings its configuration leaves to Spark. */
function layoutValue(key: string, memory: Record<string, unknown> | null): string | null {
  const e = obj(memory?.executor);
  const d = obj(memory?.driver);
  const bytes = (n: unknown): string | null => (num(n) !== null ? `${Math.ceil(num(n)! / MiB)}m` : null);
  switch (key) {
    case 'spark.executor.memory':
      return bytes(e?.heap);
    case 'spark.executor.memoryOverhead':
      return bytes(e?.overhead);
    case 'spark.memory.offHeap.size':
      return num(e?.offHeap) !== null ? String(num(e?.offHeap)) : null;
    case 'spark.executor.pyspark.memory':
      return num(e?.pyspark) ? bytes(e?.pyspark) : null;
    case 'spark.driver.memory':
      return bytes(d?.heap);
    case 'spark.driver.memoryOverhead':
      return num(d?.overhead) ? bytes(d?.overhead) : null;
  }
  return null;
}

/** Spark versions compared as numbers; null is oldest. */
function newerVersion(a: string | null, b: string | null): boolean {
  const t = (v: string | null): number[] | null => {
    const m = v ? /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v) : null;
    return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
  };
  const x = t(a);
  const y = t(b);
  if (!x) return false;
  if (!y) return true;
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return false;
}

/** Whether a row's findings hold a critical memory finding: the run died of memory. */
const diedOfMemory = (a: AppRow): boolean => a.findings.some((f) => f.severity === 'critical' && byCode(f.code)?.meta.memory !== false);

class Group {
  runs = 0;
  failed = 0;
  died = 0;
  unfinished = 0;
  order = 0;
  sparkVersion: string | null = null;
  firstStart: number | null = null;
  lastStart: number | null = null;
  /** The newest run (by start time): the settings the plan starts from. */
  newest: { start: number; order: number; row: AppRow; conf: Record<string, string>; python: boolean } | null = null;
  readonly kept: KeptRun[] = [];
  readonly keys = new Map<string, KeyFold>();
  executorMs: number | null = null;
  driverMs: number | null = null;
  /** The highest executor heap peak of any run (not only those kept). */
  heapPeak: number | null = null;

  constructor(readonly appName: string) {}

  add(a: AppRow): void {
    this.runs++;
    const order = this.order++;
    const failed = a.outcome === 'failed';
    if (failed) this.failed++;
    if (a.outcome === 'incomplete') this.unfinished++;
    if (diedOfMemory(a)) this.died++;
    if (newerVersion(a.sparkVersion, this.sparkVersion)) this.sparkVersion = a.sparkVersion;
    const start = num(a.startTime);
    if (start !== null) {
      this.firstStart = this.firstStart === null ? start : Math.min(this.firstStart, start);
      this.lastStart = this.lastStart === null ? start : Math.max(this.lastStart, start);
    }
    const run = obj(a.run);
    const conf: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj(run?.conf) ?? {})) if (typeof v === 'string') conf[canonicalKey(k)] = v;
    const python = run?.python === true;
    const memory = obj(a.memory);
    const s = start ?? -Infinity;
    if (this.newest === null || s > this.newest.start || (s === this.newest.start && order > this.newest.order))
      this.newest = { start: s, order, row: a, conf, python };
    const em = num(run?.executorMs);
    if (em !== null) this.executorMs = (this.executorMs ?? 0) + em;
    const end = num(a.endTime);
    if (start !== null && end !== null && end >= start) this.driverMs = (this.driverMs ?? 0) + (end - start);
    const peaks = runPeaks(memory);
    if (peaks.heap !== undefined) this.heapPeak = Math.max(this.heapPeak ?? 0, peaks.heap);
    this.keep({ start, order, peaks, inputBytes: num(run?.inputBytes) });
    this.foldKeys(a, conf, memory, s);
  }

  /** The newest MAX_RUNS_KEPT runs: when full, the oldest gives way. */
  private keep(k: KeptRun): void {
    if (this.kept.length < MAX_RUNS_KEPT) {
      this.kept.push(k);
      return;
    }
    let oldest = 0;
    for (let i = 1; i < this.kept.length; i++) if (before(this.kept[i]!, this.kept[oldest]!)) oldest = i;
    if (before(this.kept[oldest]!, k)) this.kept[oldest] = k;
  }

  private foldKeys(a: AppRow, conf: Record<string, string>, memory: Record<string, unknown> | null, start: number): void {
    const changes = obj(a.plan)?.changes;
    if (!Array.isArray(changes)) return;
    for (const c of changes) {
      const ch = obj(c);
      if (!ch || typeof ch.key !== 'string' || typeof ch.to !== 'string') continue;
      const key = canonicalKey(ch.key);
      let f = this.keys.get(key);
      if (!f) {
        f = { runs: 0, max: null, min: null, raised: false, lowered: false, newest: null };
        this.keys.set(key, f);
      }
      f.runs++;
      const from = typeof ch.from === 'string' ? ch.from : (conf[key] ?? layoutValue(key, memory));
      const [mf, mt] = [from !== null ? magnitude(key, from) : null, magnitude(key, ch.to)];
      if (mf !== null && mt !== null && mt > mf) f.raised = true;
      if (mf !== null && mt !== null && mt < mf) f.lowered = true;
      if (f.newest === null || start >= f.newest.start) f.newest = { start, value: ch.to };
      if (mt === null) continue;
      if (f.max === null || mt > f.max.mag) f.max = { mag: mt, value: ch.to };
      if (f.min === null || mt < f.min.mag) f.min = { mag: mt, value: ch.to };
    }
  }

  summary(): FleetGroup {
    const kept = [...this.kept].sort((x, y) => (before(x, y) ? -1 : 1));
    const newest = this.newest!;
    const memory = obj(newest.row.memory);
    const e = obj(memory?.executor);
    const regions: RegionSummary[] = [];
    for (const r of REGIONS) {
      const peaks = kept.map((k) => k.peaks[r]).filter((v): v is number => v !== undefined);
      const size = num(e?.[r]) ?? 0;
      if (peaks.length === 0) continue;
      peaks.sort((x, y) => x - y);
      regions.push({ region: r, size, runs: peaks.length, p50: quantile(peaks, 0.5), p95: quantile(peaks, 0.95), max: peaks.at(-1)! });
    }
    return {
      appName: this.appName,
      runs: this.runs,
      failed: this.failed,
      died: this.died,
      unfinished: this.unfinished,
      sparkVersion: this.sparkVersion,
      clusterManager: newest.row.clusterManager,
      firstStart: this.firstStart,
      lastStart: this.lastStart,
      kept: kept.length,
      regions,
      plan: this.plan(),
      grows: growth(kept),
    };
  }

  private plan(): FleetPlan | null {
    const newest = this.newest!;
    const row = newest.row;
    const memory = obj(row.memory);
    const app: AppContext = {
      sparkVersion: this.sparkVersion ?? row.sparkVersion,
      manager: row.clusterManager as ClusterManager,
      deployMode: deployOf(newest.conf['spark.submit.deployMode']),
    };
    const changes: FleetChange[] = [];
    const conf: Record<string, string> = {};
    for (const [key, f] of [...this.keys].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
      const now = newest.conf[key] ?? layoutValue(key, memory) ?? defaultOf(key, app.sparkVersion);
      const nowMag = now !== null ? magnitude(key, now) : null;
      let to = fleetValue(f, f.runs === this.runs, now, nowMag, isSize(key));
      if (to === null) continue;
      // A heap the plan moves holds the highest peak any run saw, with the margin a plan leaves (POLICY.headroom).
      if (key === HEAP_KEY && this.heapPeak !== null) {
        const floor = roundUp(this.heapPeak * POLICY.headroom.value, POLICY.heapStep.value);
        if ((magnitude(key, to) ?? Infinity) < floor) to = sizeConf(floor);
      }
      const toMag = magnitude(key, to);
      if (now !== null && (toMag !== null && nowMag !== null ? toMag === nowMag : to === now)) continue;
      const name = keyFor(key, app);
      if (keyStatus(name, app) !== 'ok' && keyStatus(name, app) !== 'unknown') continue;
      conf[name] = to;
      changes.push({
        key: name,
        from: now,
        to,
        direction: toMag !== null && nowMag !== null ? (toMag > nowMag ? 'up' : 'down') : 'set',
      });
    }
    if (changes.length === 0) return null;
    const sizes = (extra: Record<string, string>): { exec: number; driver: number | null } | null => {
      try {
        const own = Object.fromEntries(Object.entries(newest.conf).map(([k, v]) => [keyFor(k, app), v]));
        const { layout } = memoryReport(null, {
          overrides: { ...own, ...extra },
          master: app.manager,
          sparkVersion: app.sparkVersion,
          python: newest.python,
          deployMode: app.deployMode,
        });
        return { exec: layout.executor.container, driver: layout.driver.overhead > 0 ? layout.driver.container : null };
      } catch {
        return null; // Spark would refuse the settings: no sizes to say
      }
    };
    const before = sizes({});
    const after = sizes(conf);
    const executorHours = this.executorMs !== null ? this.executorMs / 3_600_000 : null;
    const driverHours = before !== null && before.driver !== null && this.driverMs !== null ? this.driverMs / 3_600_000 : null;
    const byteHours =
      before && after && executorHours !== null
        ? (after.exec - before.exec) * executorHours +
          (driverHours !== null && after.driver !== null && before.driver !== null ? (after.driver - before.driver) * driverHours : 0)
        : null;
    return {
      conf,
      changes,
      executorContainerBefore: before?.exec ?? null,
      executorContainerAfter: after?.exec ?? null,
      driverContainerBefore: before?.driver ?? null,
      driverContainerAfter: after?.driver ?? null,
      executorHours,
      driverHours,
      byteHours: byteHours === null ? null : Math.round(byteHours),
    };
  }
}

/**
 * A setting's value for the group. A run whose own plan leaves a setting alone has no need of it
 * (re-diagnosed with any value, its needs are those its log observed): it bounds only a move down.
 * So a size takes the largest planned value — below the value in effect only when every run's own
 * plan went down (each trim keeps its run's peak plus POLICY.underusedHeadroom); a count a plan
 * lowered (cores) the smallest, raised the largest, never past the value in effect against a run that
 * did not ask; a text setting the newest run's.
 */
function fleetValue(f: KeyFold, everyRun: boolean, now: string | null, nowMag: number | null, size: boolean): string | null {
  if (f.max === null || f.min === null) return f.newest?.value ?? null;
  const down = !size && f.lowered && !f.raised;
  const pick = down ? f.min : f.max;
  if (everyRun || nowMag === null || now === null) return pick.value;
  // Some runs asked for nothing: the value in effect held them, so never go past it the other way.
  if (down) return pick.mag < nowMag ? pick.value : now;
  return pick.mag > nowMag ? pick.value : now;
}

const HEAP_KEY = 'spark.executor.memory';

const deployOf = (v: string | undefined): 'client' | 'cluster' | null =>
  v?.trim() === 'client' ? 'client' : v?.trim() === 'cluster' ? 'cluster' : null;

/** Older first: by start time, then in the order read. */
const before = (x: KeptRun, y: KeptRun): boolean =>
  (x.start ?? -Infinity) < (y.start ?? -Infinity) || ((x.start ?? -Infinity) === (y.start ?? -Infinity) && x.order < y.order);

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The highest peak of each region over a run's executors, as src/memory sets metrics against regions. */
function runPeaks(memory: Record<string, unknown> | null): Partial<Record<FleetRegion, number>> {
  const out: Partial<Record<FleetRegion, number>> = {};
  const e = obj(memory?.executor);
  const executors = obj(obj(memory?.observed)?.executors);
  if (!e || !executors) return out;
  const layout = e as unknown as ExecutorLayout;
  for (const x of Object.values(executors)) {
    const peaks: Record<string, number> = {};
    for (const [k, v] of Object.entries(obj(obj(x)?.peaks) ?? {})) if (num(v) !== null) peaks[k] = v as number;
    for (const p of peaksAgainstLimits(layout, peaks)) out[p.region] = Math.max(out[p.region] ?? 0, p.value);
  }
  return out;
}

/** Least-squares line of y over x; the fitted ends. */
function fitEnds(points: Array<[number, number]>): { from: number; to: number } {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  const x0 = points[0]![0];
  const x1 = points[n - 1]![0];
  return { from: my + b * (x0 - mx), to: my + b * (x1 - mx) };
}

/**
 * The heap peak's growth run over run: a least-squares line of each kept run's heap peak against its
 * start time, over at least MIN_TREND_RUNS runs; it grows when the line rises by GROWTH_SHARE or more
 * from the oldest run to the newest. The input bytes are fitted alike when every run has them.
 */
function growth(kept: KeptRun[]): FleetGrowth | null {
  const pts = kept.filter((k) => k.start !== null && k.peaks.heap !== undefined);
  if (pts.length < MIN_TREND_RUNS) return null;
  const fit = fitEnds(pts.map((k) => [k.start!, k.peaks.heap!]));
  if (fit.from <= 0) return null;
  const share = (fit.to - fit.from) / fit.from;
  if (share < GROWTH_SHARE) return null;
  let input: FleetGrowth['input'] = null;
  if (pts.every((k) => k.inputBytes !== null && k.inputBytes > 0)) {
    const f = fitEnds(pts.map((k) => [k.start!, k.inputBytes!]));
    if (f.from > 0) input = { from: Math.round(f.from), to: Math.round(f.to), share: round3((f.to - f.from) / f.from) };
  }
  return {
    code: 'memory-grows',
    region: 'heap',
    runs: pts.length,
    from: Math.round(fit.from),
    to: Math.round(fit.to),
    share: round3(share),
    input,
  };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The groups of a scan or a merge: rows in, one summary per application name out. */
export class FleetGroups {
  private readonly groups = new Map<string, Group>();
  readonly totals: FleetTotals = { groups: 0, runs: 0, overflowRuns: 0, unnamed: 0, errors: 0 };

  add(v: RowView): void {
    if (!('findings' in v)) {
      this.totals.errors++;
      return;
    }
    const a = v;
    this.totals.runs++;
    if (a.appName === null) {
      this.totals.unnamed++;
      return;
    }
    let g = this.groups.get(a.appName);
    if (!g) {
      if (this.groups.size >= MAX_GROUPS) {
        this.totals.overflowRuns++;
        return;
      }
      g = new Group(a.appName);
      this.groups.set(a.appName, g);
      this.totals.groups++;
    }
    g.add(a);
  }

  /** The summaries: groups with a run that died of memory first, then those that fail, then by name. */
  summaries(): FleetGroup[] {
    return [...this.groups.values()]
      .map((g) => g.summary())
      .sort(
        (x, y) =>
          Number(y.died > 0) - Number(x.died > 0) ||
          Number(y.failed > 0) - Number(x.failed > 0) ||
          (x.appName < y.appName ? -1 : x.appName > y.appName ? 1 : 0),
      );
  }
}
