import { clusterManagerOf, type AppState, type Learnt } from '../state/app.js';
import { computeLayout, isPythonApp, type MemoryLayout } from './model.js';
import type { MemoryNote } from './notes.js';
import { observe, type BlockManagerVerdict, type Observed } from './observed.js';
import type { Deploy } from './rules.js';

export * from './model.js';
export * from './observed.js';
export * from './notes.js';
export * from './errors.js';
export * from './jvm.js';
export * from './deploy.js';
export * from './rules.js';
export { parseSize, MiB, GiB } from './sizes.js';

/**
 * The layout of one application with what its log observed: data for `memory` and `diagnose`
 * (src/render/json.ts memoryJson is the JSON contract; notes are rendered there).
 */
export interface MemoryReport {
  sparkVersion: string | null;
  clusterManager: MemoryLayout['clusterManager'];
  executor: MemoryLayout['executor'];
  driver: MemoryLayout['driver'];
  observed: Observed | null;
  /** Every assumption and fact behind the numbers, in order: the model's, then what text logs revealed, then what the log observed. */
  notes: ReportNote[];
  /** How each group of BlockManagers compares with the model (empty without an event log). */
  verdicts: BlockManagerVerdict[];
}

/** A note of the report: the model's own (a code and data), or a fact a text log revealed. */
export type ReportNote = { kind: 'model'; note: MemoryNote } | { kind: 'learnt'; fact: Learnt };

export interface MemoryRequest {
  /** --conf pairs; they override what the log says. */
  overrides?: Record<string, string>;
  master?: MemoryLayout['clusterManager'] | null;
  sparkVersion?: string | null;
  python?: boolean | null;
  deployMode?: Deploy | null;
  /** false: the layout alone is wanted (a plan's what-if): the log's observations are not judged against it. */
  observe?: boolean;
}

export interface MemoryReportResult {
  layout: MemoryLayout;
  report: MemoryReport;
}

/** The layout for an application read from a log (or none), with what the log observed. */
export function memoryReport(state: AppState | null, req: MemoryRequest): MemoryReportResult {
  const conf = { ...(state?.effectiveConf ?? {}), ...(req.overrides ?? {}) };
  const clusterManager =
    req.master ?? (conf['spark.master'] !== undefined ? clusterManagerOf(conf['spark.master']) : (state?.clusterManager ?? 'unknown'));
  const defaultProfile = state?.resourceProfiles.get(0)?.executor ?? null;
  const cores = state ? ([...state.executors.values()].map((e) => e.cores).find((c): c is number => c !== null) ?? null) : null;
  const py =
    req.python !== null && req.python !== undefined
      ? { python: req.python, reason: 'option' }
      : state
        ? pythonEvidence(state, conf)
        : { python: isPythonApp(conf), reason: isPythonApp(conf) ? 'configuration' : 'none' };
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
  const notes: ReportNote[] = layout.notes.map((n) => ({ kind: 'model', note: n }));
  let observed: Observed | null = null;
  let verdicts: BlockManagerVerdict[] = [];
  if (state) {
    for (const fact of state.learnt) notes.push({ kind: 'learnt', fact });
    if (state.hasEventLog && req.observe !== false) {
      const profiles = new Map<number, number>();
      for (const [id, rp] of state.resourceProfiles) if (rp.executor.memory !== undefined) profiles.set(id, rp.executor.memory);
      const o = observe(layout, state.executors.values(), state.driverBlockManager, profiles);
      observed = o.observed;
      verdicts = o.verdicts;
      notes.push(...o.notes.map((n): ReportNote => ({ kind: 'model', note: n })));
    }
  }
  return {
    layout,
    report: {
      sparkVersion: layout.sparkVersion,
      clusterManager: layout.clusterManager,
      executor: layout.executor,
      driver: layout.driver,
      observed,
      notes,
      verdicts,
    },
  };
}

/**
 * How we decide an application read from a log is Python: Spark's own flags (spark.yarn.isPython,
 * spark.kubernetes.resource.type=python), then what SparkSubmit leaves behind for a Python app
 * (spark.submit.pyFiles, spark.pyspark.*), then the driver's main class (PythonRunner, pyspark-shell),
 * then Python operators in the SQL plans (BatchEvalPython, ArrowEvalPython, FlatMapGroupsInPandas…).
 */
function pythonEvidence(state: AppState, conf: Record<string, string>): { python: boolean; reason: string } {
  if ((conf['spark.yarn.isPython'] ?? '').trim() === 'true') return { python: true, reason: 'spark.yarn.isPython' };
  if ((conf['spark.kubernetes.resource.type'] ?? '').trim().toLowerCase() === 'python')
    return { python: true, reason: 'spark.kubernetes.resource.type' };
  if (isPythonApp(conf)) return { python: true, reason: 'configuration' };
  const cmd = state.javaCommand ?? '';
  if (cmd.includes('pyspark-shell') || cmd.includes('org.apache.spark.deploy.PythonRunner'))
    return { python: true, reason: 'java-command' };
  if (state.plans.pythonUdf > 0) return { python: true, reason: 'plans' };
  return { python: false, reason: 'none' };
}

/** A PySpark (or SparkR) application: submit flags, a pyspark shell, or Python operators in its SQL plans. */
export function appIsPython(state: AppState, conf: Record<string, string>): boolean {
  return pythonEvidence(state, conf).python;
}
