import { clusterManagerOf, type AppState, type Learnt } from '../state/app.js';
import { computeLayout, isPythonApp, type MemoryLayout } from './model.js';
import { observe, type Observed } from './observed.js';

export * from './model.js';
export * from './observed.js';
export { MemoryConfigError, parseSize, MiB, GiB } from './sizes.js';

/** `memory --format json` (README contract). */
export interface MemoryReport {
  sparkVersion: string | null;
  clusterManager: MemoryLayout['clusterManager'];
  executor: MemoryLayout['executor'];
  driver: MemoryLayout['driver'];
  observed: Observed | null;
  notes: ReportNote[];
}

/** A note of the report: the model's own (interim: still worded), or a fact a text log revealed. */
export type ReportNote = { kind: 'model'; text: string } | { kind: 'learnt'; fact: Learnt };

export interface MemoryRequest {
  /** --conf pairs; they override what the log says. */
  overrides?: Record<string, string>;
  master?: MemoryLayout['clusterManager'] | null;
  sparkVersion?: string | null;
  python?: boolean | null;
}

/** The layout for an application read from a log (or none), with what the log observed. */
export function memoryReport(state: AppState | null, req: MemoryRequest): { layout: MemoryLayout; report: MemoryReport } {
  const conf = { ...(state?.effectiveConf ?? {}), ...(req.overrides ?? {}) };
  const clusterManager = req.master ?? (conf['spark.master'] !== undefined ? clusterManagerOf(conf['spark.master']) : state?.clusterManager ?? 'unknown');
  const defaultProfile = state?.resourceProfiles.get(0)?.executor ?? null;
  const cores = state ? [...state.executors.values()].map((e) => e.cores).find((c): c is number => c !== null) ?? null : null;
  const python = req.python ?? (state ? appIsPython(state, conf) : isPythonApp(conf));
  const layout = computeLayout({
    conf, clusterManager, sparkVersion: req.sparkVersion ?? state?.sparkVersion ?? null, resourceProfile: defaultProfile, isPython: python, observedCores: cores,
  });
  let observed: Observed | null = null;
  const notes: ReportNote[] = layout.notes.map((text) => ({ kind: 'model', text }));
  if (state) {
    notes.push(...state.learnt.map((fact): ReportNote => ({ kind: 'learnt', fact })));
    if (state.hasEventLog) {
      const o = observe(layout, state.executors.values());
      observed = o.observed;
      notes.push(...o.notes.map((text): ReportNote => ({ kind: 'model', text })));
    }
  }
  return {
    layout,
    report: { sparkVersion: layout.sparkVersion, clusterManager: layout.clusterManager, executor: layout.executor, driver: layout.driver, observed, notes },
  };
}

/** A PySpark (or SparkR) application: submit flags, a pyspark shell, or Python operators in its SQL plans. */
export function appIsPython(state: AppState, conf: Record<string, string>): boolean {
  return isPythonApp(conf) || state.plans.pythonUdf > 0 || (state.javaCommand ?? '').includes('pyspark-shell');
}
