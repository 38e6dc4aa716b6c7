import { byCode, CLASSIFIERS } from '../classifiers/index.js';
import type { Classifier, ClassifierContext, Report } from '../classifiers/define.js';
import type { LayoutProblem } from '../classifiers/remedies.js';
import { compareFindings, type Finding, type Severity } from '../findings.js';
import type { AppRead } from '../input/read.js';
import { appIsPython, MemoryConfigError, memoryReport, type MemoryLayout, type MemoryReport } from '../memory/index.js';
import type { AppState, ClusterManager, Learnt, Outcome } from '../state/app.js';
import { maxPeak } from '../classifiers/remedy.js';
import type { Remediation } from '../findings.js';
import { checkUserKey, keyStatus, type AppContext, type KeyStatus } from '../plan/keys.js';
import { solve, type PlanData } from '../plan/solve.js';
import { linkConsequences } from './consequences.js';
import { failureOf, verdictOf } from './verdict.js';
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
  /** More facts than MAX_LEARNT (src/state/app.ts): `kept` listed, `more` only counted. */
  | { code: 'learnt-capped'; kept: number; more: number }
  | { code: 'classifier-failed'; classifier: string; detail: string }
  /** What the fold did not keep one by one past its caps (state/app.ts, state/signals.ts), and lines too long or complex to read. */
  | { code: 'capped'; stages: number; executors: number; properties: number; learnt: number; signals: number; lines: number }
  /** A --conf key spark-triage does not know, within a few letters of one it does. */
  | { code: 'conf-typo'; key: string; nearest: string }
  /** A --conf key spark-triage does not know: passed on, it changes nothing computed here. */
  | { code: 'conf-unknown'; key: string }
  /** A --conf key that does nothing for this Spark version, cluster manager or deploy mode. */
  | { code: 'conf-ignored'; key: string; status: KeyStatus; sparkVersion: string | null; manager: ClusterManager };

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
  /** The memory failure that explains the others, or null. */
  verdict: Verdict | null;
  /** For a failed application with no memory cause: what did fail (a finding whose region is 'none'). */
  failure: Verdict | null;
  findings: Finding[];
  /** The changes to apply together, and what they make of the containers and the cluster (null: nothing to change). */
  plan: PlanData | null;
  /** Other complete ways to meet the same needs, cheapest first. */
  alternatives: PlanData[];
  problems: DiagnosisProblem[];
}

export interface DiagnoseOptions {
  /** --conf overrides for the memory layout. */
  overrides?: Record<string, string>;
}

export function diagnoseApp(read: AppRead, opts: DiagnoseOptions = {}): Diagnosis {
  const app = read.state;
  const outcome = app.outcome;
  const overrides = opts.overrides ?? {};
  const problems: DiagnosisProblem[] = [];
  // Two layouts: the one the application ran with (the log's configuration), which findings measure
  // their needs against, and the one being tried (with --conf), which the plan starts from. A need
  // thus stays put when its fix is applied, and re-diagnosing with the plan asks for nothing more.
  // Without an event log, a --conf heap is a fact the logs lacked, not a what-if.
  // So is --conf spark.master when the inputs name no cluster manager: it says where the job ran.
  const factsFromUser: Record<string, string> = {
    ...(!app.hasEventLog && app.effectiveConf['spark.executor.memory'] === undefined && overrides['spark.executor.memory'] !== undefined
      ? { 'spark.executor.memory': overrides['spark.executor.memory'] }
      : {}),
    ...(app.clusterManager === 'unknown' && overrides['spark.master'] !== undefined ? { 'spark.master': overrides['spark.master'] } : {}),
  };
  // One application's layout under a given configuration is computed once: the plan's search asks
  // again for the same ones (a 1,000-log scan made five per log, three of them alike).
  // The plan's what-ifs want the layout alone, not what the log observed judged against it.
  const layouts = new Map<string, { of: ReturnType<typeof layoutOf>; observed: boolean }>();
  const layoutFor = (conf: Record<string, string>, observed = false): ReturnType<typeof layoutOf> => {
    const key = JSON.stringify(conf);
    let l = layouts.get(key);
    if (l === undefined || (observed && !l.observed)) layouts.set(key, (l = { of: layoutOf(app, conf, observed), observed }));
    return l.of;
  };
  const ran = layoutFor(factsFromUser, true);
  const now = layoutFor(overrides, true);
  const layoutProblem = ran.problem ?? now.problem;
  if (!app.hasEventLog) for (const fact of app.learnt) problems.push({ code: 'learnt', fact });
  if (!app.hasEventLog && app.overflow.learnt > 0)
    problems.push({ code: 'learnt-capped', kept: app.learnt.length, more: app.overflow.learnt });
  const capped = {
    stages: app.overflow.stages,
    executors: app.overflow.executors,
    properties: app.overflow.properties,
    // Without an event log the facts learnt are listed, and their excess said by learnt-capped.
    learnt: app.hasEventLog ? app.overflow.learnt : 0,
    signals: app.signals.dropped,
    lines: read.stats.longLines,
  };
  if (Object.values(capped).some((n) => n > 0)) problems.push({ code: 'capped', ...capped });
  const conf = { ...app.effectiveConf, ...overrides };
  const python = appIsPython(app, conf);
  const ctx: ClassifierContext = { app, layout: ran.layout, layoutProblem: ran.problem, outcome, python };
  const findings: Finding[] = [];
  for (const c of CLASSIFIERS) {
    try {
      c.classify(ctx, (r) => findings.push(toFinding(c, r, outcome)));
    } catch (e) {
      problems.push({ code: 'classifier-failed', classifier: c.code, detail: e instanceof Error ? e.message : String(e) });
    }
  }
  // A fallback (job-failed) only speaks when nothing else names a failure.
  const named = findings.some((f) => byCode(f.code)?.meta.kind === 'failure' && !byCode(f.code)?.meta.fallback);
  if (named) findings.splice(0, findings.length, ...findings.filter((f) => !byCode(f.code)?.meta.fallback));
  const signals = app.signals.all();
  for (const f of findings) linkConsequences(f, signals);
  dropExplained(findings);
  findings.sort(compareFindings);
  // An unknown executor heap is said where it matters: a finding in an executor. Not for a driver's
  // failure (its heap is another setting), nor for an input with no finding.
  const heapMatters = findings.some((f) => f.role === 'executor' && f.severity !== 'info');
  if (layoutProblem && (layoutProblem.code !== 'heap-unknown' || heapMatters)) problems.unshift({ code: 'layout', problem: layoutProblem });
  const context = {
    sparkVersion: app.sparkVersion,
    manager: now.layout?.clusterManager ?? app.clusterManager,
    deployMode: now.layout?.deployMode ?? null,
  };
  problems.push(...checkOverrides(overrides, context));
  // Without a layout the plan still carries the settings that need none (planner: buildWithoutLayout).
  const { plan, alternatives } = planFor(
    app,
    (extra) => (now.layout ? layoutFor({ ...overrides, ...extra }).layout : null),
    conf,
    now.layout ? { layout: now.layout } : { layout: null, problem: now.problem ?? { code: 'heap-unknown' } },
    findings,
    context,
  );
  for (const f of findings) f.remediation = [...remediationFrom(plan, f), ...f.remediation];
  const verdict = verdictOf(findings);
  return {
    appId: app.appId,
    appName: app.appName,
    sparkVersion: app.sparkVersion,
    clusterManager: now.layout?.clusterManager ?? app.clusterManager,
    outcome,
    python,
    memory: now.report,
    layout: now.layout,
    verdict,
    failure: failureOf(findings, verdict, outcome),
    findings,
    plan,
    alternatives,
    problems,
  };
}

/**
 * A failure that is not memory, every line of whose evidence a memory finding already cites, restates
 * that memory failure (the job that a Python worker crash aborted is not also "a task threw"): dropped.
 */
function dropExplained(findings: Finding[]): void {
  const cited = new Set(
    findings
      .filter((f) => byCode(f.code)?.meta.memory !== false)
      .flatMap((f) => f.evidence.flatMap((e) => (e.at ? [`${e.at.file}:${e.at.line}`] : []))),
  );
  const explained = (f: Finding): boolean =>
    byCode(f.code)?.meta.memory === false &&
    f.evidence.every((e) => e.at === null || e.messageId === 'exit-decoded' || cited.has(`${e.at.file}:${e.at.line}`));
  const keep = findings.filter((f) => !explained(f));
  findings.splice(0, findings.length, ...keep);
}

/** The layout with `overrides` over the application's configuration, or why there is none. */
function layoutOf(
  app: AppState,
  overrides: Record<string, string>,
  observed: boolean,
): { layout: MemoryLayout | null; report: MemoryReport | null; problem: LayoutProblem | null } {
  const conf = { ...app.effectiveConf, ...overrides };
  // Without an event log, defaults would pass for facts: say what is missing instead.
  if (!app.hasEventLog && conf['spark.executor.memory'] === undefined)
    return { layout: null, report: null, problem: { code: 'heap-unknown' } };
  try {
    const r = memoryReport(app, { overrides, observe: observed });
    return { layout: r.layout, report: r.report, problem: null };
  } catch (e) {
    if (!(e instanceof MemoryConfigError)) throw e;
    return { layout: null, report: null, problem: { code: 'config', error: { code: e.code, data: e.data } } };
  }
}

/** The plan meeting every finding's needs, from the layout being tried (or, unknown, the settings that need none). */
function planFor(
  app: AppState,
  layoutWith: (extra: Record<string, string>) => MemoryLayout | null,
  conf: Record<string, string>,
  now: { layout: MemoryLayout } | { layout: null; problem: LayoutProblem },
  findings: Finding[],
  context: AppContext,
): { plan: PlanData | null; alternatives: PlanData[] } {
  return solve({
    needs: findings.flatMap((f) => f.needs.map((need) => ({ finding: f.code, need }))),
    conf,
    now: now.layout,
    noLayout: now.layout ? null : now.problem,
    layoutWith,
    app: context,
    heapPeak: maxPeak(app, 'JVMHeapMemory'),
    pythonRssPeak: maxPeak(app, 'ProcessTreePythonRSSMemory'),
    executors: app.hasEventLog ? app.maxExecutorsAlive || app.executorCount || null : null,
    sqlStageIds: app.sqlStages,
    sqlRan: app.hasEventLog ? app.sqlExecutions > 0 || app.sqlStages.size > 0 : null,
  });
}

/** A finding's remediation: the plan's changes that meet its needs, as spark-submit takes them. */
function remediationFrom(plan: PlanData | null, f: Finding): Remediation[] {
  if (!plan) return [];
  return plan.changes
    .filter((c) => c.findings.includes(f.code))
    .map((c) => ({ conf: c.key, current: c.from, suggested: c.to, ...c.reason }));
}

/** --conf keys that look misspelt, are unknown, or do nothing for this version and cluster manager. */
function checkOverrides(overrides: Record<string, string>, app: AppContext): DiagnosisProblem[] {
  const out: DiagnosisProblem[] = [];
  for (const key of Object.keys(overrides)) {
    const check = checkUserKey(key);
    if (check?.kind === 'typo') out.push({ code: 'conf-typo', key, nearest: check.nearest });
    else if (check?.kind === 'unknown') out.push({ code: 'conf-unknown', key });
    else {
      const status = keyStatus(key, app);
      if (status !== 'ok' && status !== 'unknown')
        out.push({ code: 'conf-ignored', key, status, sparkVersion: app.sparkVersion, manager: app.manager });
    }
  }
  return out;
}

/** A finding about memory (not a "what failed" answer such as an executor stopped on request). */
export const isMemoryFinding = (f: Finding): boolean => byCode(f.code)?.meta.memory !== false;

/** Whether the diagnosis found a critical memory failure: what `diagnose` exits 1 for. */
export const hasCriticalMemoryFailure = (d: Diagnosis): boolean => d.findings.some((f) => f.severity === 'critical' && isMemoryFinding(f));

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
    needs: r.needs,
    remediation: r.remediation,
  };
}
