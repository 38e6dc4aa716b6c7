import { clusterManagerOf, type AppState } from '../state/app.js';
import { computeLayout, isPythonApp, type MemoryLayout } from './model.js';
import { note, noteStrings, type MemoryNote } from './notes.js';
import { observe, type BlockManagerVerdict, type Observed } from './observed.js';
import type { Deploy } from './rules.js';

export * from './model.js';
export * from './observed.js';
export * from './notes.js';
export * from './errors.js';
export * from './jvm.js';
export * from './deploy.js';
export * from './rules.js';
export { parseSize, MiB, GiB, KiB, toMiB } from './sizes.js';
export { parseVersion, atLeast, holds, type Version } from './version.js';

/** `memory --format json` (README contract). `notes` are rendered; the codes are in MemoryReportResult.notes. */
export interface MemoryReport {
  sparkVersion: string | null;
  clusterManager: MemoryLayout['clusterManager'];
  executor: MemoryLayout['executor'];
  driver: MemoryLayout['driver'];
  observed: Observed | null;
  notes: string[];
}

export interface MemoryRequest {
  /** --conf pairs; they override what the log says. */
  overrides?: Record<string, string>;
  master?: MemoryLayout['clusterManager'] | null;
  sparkVersion?: string | null;
  python?: boolean | null;
  deployMode?: Deploy | null;
}

export interface MemoryReportResult {
  layout: MemoryLayout;
  /** Today's JSON shape; `notes` as text through the renderer the render layer registered. */
  report: MemoryReport;
  /** Every note as code and data: the layout's, what other logs revealed, and what the event log observed. */
  notes: MemoryNote[];
  /** How each group of BlockManagers compares with the model (empty without an event log). */
  verdicts: BlockManagerVerdict[];
}

/** The layout for an application read from a log (or none), with what the log observed. */
export function memoryReport(state: AppState | null, req: MemoryRequest): MemoryReportResult {
  const conf = { ...(state?.effectiveConf ?? {}), ...(req.overrides ?? {}) };
  const clusterManager = req.master ?? (conf['spark.master'] !== undefined ? clusterManagerOf(conf['spark.master']) : state?.clusterManager ?? 'unknown');
  const defaultProfile = state?.resourceProfiles.get(0)?.executor ?? null;
  const cores = state ? [...state.executors.values()].map((e) => e.cores).find((c): c is number => c !== null) ?? null : null;
  const py = req.python != null ? { python: req.python, reason: 'option' } : state ? pythonEvidence(state, conf) : { python: isPythonApp(conf), reason: isPythonApp(conf) ? 'configuration' : 'none' };
  const layout = computeLayout({
    conf,
    clusterManager,
    sparkVersion: req.sparkVersion ?? state?.sparkVersion ?? null,
    resourceProfile: defaultProfile,
    isPython: py.python,
    pythonReason: py.reason,
    observedCores: cores,
    deployMode: req.deployMode ?? null,
    javaVersion: state?.javaVersion ?? null,
    javaCommand: state?.javaCommand ?? null,
    submitFlags: !state?.hasEventLog,
  });
  const notes: MemoryNote[] = [...layout.notes];
  let observed: Observed | null = null;
  let verdicts: BlockManagerVerdict[] = [];
  if (state) {
    for (const text of state.derivedNotes) notes.push(note('learnt-from-log', { text }));
    if (state.hasEventLog) {
      const profiles = new Map<number, number>();
      for (const [id, rp] of state.resourceProfiles) if (rp.executor.memory !== undefined) profiles.set(id, rp.executor.memory);
      const o = observe(layout, state.executors.values(), state.driverBlockManager, profiles);
      observed = o.observed;
      verdicts = o.verdicts;
      notes.push(...o.notes);
    }
  }
  return {
    layout,
    report: { sparkVersion: layout.sparkVersion, clusterManager: layout.clusterManager, executor: layout.executor, driver: layout.driver, observed, notes: noteStrings(notes) },
    notes,
    verdicts,
  };
}

/**
 * How we decide an application read from a log is Python: Spark's own flags (spark.yarn.isPython,
 * spark.kubernetes.resource.type=python), then what SparkSubmit leaves behind for a Python app
 * (spark.submit.pyFiles, spark.pyspark.*), then the driver's main class (PythonRunner, pyspark-shell),
 * then Python operators in the SQL plans (BatchEvalPython, ArrowEvalPython, FlatMapGroupsInPandas…).
 */
export function pythonEvidence(state: AppState, conf: Record<string, string>): { python: boolean; reason: string } {
  if ((conf['spark.yarn.isPython'] ?? '').trim() === 'true') return { python: true, reason: 'spark.yarn.isPython' };
  if ((conf['spark.kubernetes.resource.type'] ?? '').trim().toLowerCase() === 'python') return { python: true, reason: 'spark.kubernetes.resource.type' };
  if (isPythonApp(conf)) return { python: true, reason: 'configuration' };
  const cmd = state.javaCommand ?? '';
  if (cmd.includes('pyspark-shell') || cmd.includes('org.apache.spark.deploy.PythonRunner')) return { python: true, reason: 'java-command' };
  if (state.plans.pythonUdf > 0) return { python: true, reason: 'plans' };
  return { python: false, reason: 'none' };
}

/** A PySpark (or SparkR) application: submit flags, a pyspark shell, or Python operators in its SQL plans. */
export function appIsPython(state: AppState, conf: Record<string, string>): boolean {
  return pythonEvidence(state, conf).python;
}
