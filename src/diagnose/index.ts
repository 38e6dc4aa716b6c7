import { CLASSIFIERS } from '../classifiers/index.js';
import type { Classifier, ClassifierContext, Report } from '../classifiers/define.js';
import type { LayoutProblem } from '../classifiers/remedies.js';
import { compareFindings, type Finding, type Severity } from '../findings.js';
import type { AppRead } from '../input/read.js';
import { appIsPython, MemoryConfigError, memoryReport, type MemoryLayout, type MemoryReport } from '../memory/index.js';
import type { ClusterManager, Learnt, Outcome } from '../state/app.js';
import { linkConsequences } from './consequences.js';
import { verdictOf } from './verdict.js';
import type { Verdict } from '../findings.js';

/**
 * Something the reader of a diagnosis should know besides the findings, as a code and its data:
 * inputs that were joined, why the layout is missing, what text logs revealed, a classifier that
 * threw. Never fatal.
 */
export type DiagnosisProblem =
  | { code: 'joined'; sources: Array<{ path: string; kind: string }> }
  | { code: 'layout'; problem: LayoutProblem }
  | { code: 'learnt'; fact: Learnt }
  | { code: 'classifier-failed'; classifier: string; detail: string };

/** One application's diagnosis: the data every renderer works from. */
export interface Diagnosis {
  appId: string | null;
  appName: string | null;
  sparkVersion: string | null;
  clusterManager: ClusterManager;
  outcome: Outcome;
  /** A PySpark application (changes what the overhead holds, and the verdict's wording). */
  python: boolean;
  memory: MemoryReport | null;
  layout: MemoryLayout | null;
  verdict: Verdict | null;
  findings: Finding[];
  problems: DiagnosisProblem[];
}

export interface DiagnoseOptions {
  /** --conf overrides for the memory layout. */
  overrides?: Record<string, string>;
}

export function diagnoseApp(read: AppRead, opts: DiagnoseOptions = {}): Diagnosis {
  const app = read.state;
  const outcome = app.outcome;
  const problems: DiagnosisProblem[] = [];
  let layout: MemoryLayout | null = null;
  let memory: MemoryReport | null = null;
  let layoutProblem: LayoutProblem | null = null;
  const conf = { ...app.effectiveConf, ...(opts.overrides ?? {}) };
  if (!app.hasEventLog && conf['spark.executor.memory'] === undefined) {
    // Without an event log, defaults would pass for facts: say what is missing instead.
    layoutProblem = { code: 'heap-unknown' };
  } else {
    try {
      const r = memoryReport(app, { overrides: opts.overrides ?? {} });
      layout = r.layout;
      memory = r.report;
    } catch (e) {
      if (!(e instanceof MemoryConfigError)) throw e;
      layoutProblem = { code: 'config', error: { code: e.code, data: e.data } };
    }
  }
  if (layoutProblem) problems.push({ code: 'layout', problem: layoutProblem });
  if (!app.hasEventLog) for (const fact of app.learnt) problems.push({ code: 'learnt', fact });
  const python = appIsPython(app, conf);
  const ctx: ClassifierContext = { app, layout, layoutProblem, outcome, python };
  const findings: Finding[] = [];
  for (const c of CLASSIFIERS) {
    try {
      c.classify(ctx, (r) => findings.push(toFinding(c, r, outcome)));
    } catch (e) {
      problems.push({ code: 'classifier-failed', classifier: c.code, detail: e instanceof Error ? e.message : String(e) });
    }
  }
  const signals = app.signals.all();
  for (const f of findings) linkConsequences(f, signals);
  findings.sort(compareFindings);
  return {
    appId: app.appId,
    appName: app.appName,
    sparkVersion: app.sparkVersion,
    clusterManager: layout?.clusterManager ?? app.clusterManager,
    outcome,
    python,
    memory,
    layout,
    verdict: verdictOf(findings),
    findings,
    problems,
  };
}

function toFinding(c: Classifier, r: Report, outcome: Outcome): Finding {
  const severity: Severity = r.severity ?? (c.meta.kind === 'failure' ? (outcome === 'succeeded' ? 'warning' : 'critical') : c.meta.kind);
  return {
    code: c.code,
    severity,
    role: r.role,
    region: r.region,
    confidence: r.confidence,
    occurrences: r.occurrences,
    executors: r.executors,
    evidence: r.evidence,
    remediation: r.remediation,
  };
}
