import { CLASSIFIERS, byCode } from './classifiers/index.js';
import type { Classifier, ClassifierContext, Report } from './classifiers/define.js';
import { compareFindings, type Finding, type Region, type Severity, type Verdict } from './findings.js';
import { outcomeOf } from './inspect.js';
import { appIsPython, MemoryConfigError, memoryReport, type MemoryLayout, type MemoryReport } from './memory/index.js';
import type { AppRead } from './read.js';
import type { ClusterManager, Outcome } from './state/app.js';
import type { Signal } from './state/signals.js';

export interface ApplicationDiagnosis {
  appId: string | null;
  appName: string | null;
  sparkVersion: string | null;
  clusterManager: ClusterManager;
  outcome: Outcome;
  memory: MemoryReport | null;
  verdict: Verdict | null;
  findings: Finding[];
}

export interface DiagnoseOptions {
  /** --conf overrides for the memory layout. */
  overrides?: Record<string, string>;
}

/** Internal result: the contract object plus what renderers need besides it. */
export interface Diagnosis {
  result: ApplicationDiagnosis;
  layout: MemoryLayout | null;
  /** Why the layout could not be computed, or a classifier that threw: shown, never fatal. */
  problems: string[];
}

export function diagnoseApp(read: AppRead, opts: DiagnoseOptions = {}): Diagnosis {
  const app = read.state;
  const outcome = outcomeOf(read);
  const problems: string[] = [];
  let layout: MemoryLayout | null = null;
  let memory: MemoryReport | null = null;
  let layoutError: string | null = null;
  const conf = { ...app.effectiveConf, ...(opts.overrides ?? {}) };
  if (!app.hasEventLog && conf['spark.executor.memory'] === undefined) {
    // Without an event log, defaults would pass for facts: say what is missing instead.
    layoutError = 'the executor heap is unknown: no event log, and no -Xmx or spark.executor.memory in the logs given';
    problems.push(`memory layout: ${layoutError}. Add the application's event log (spark.eventLog.dir), or pass --conf spark.executor.memory=<size> (and spark.executor.memoryOverhead if set) to get computed values.`);
  } else {
    try {
      const r = memoryReport(app, { overrides: opts.overrides ?? {} });
      layout = r.layout;
      memory = r.report;
    } catch (e) {
      if (!(e instanceof MemoryConfigError)) throw e;
      layoutError = e.message;
      problems.push(`memory layout: ${e.message}`);
    }
  }
  if (!app.hasEventLog) for (const n of app.derivedNotes) problems.push(`learnt: ${n}`);
  const ctx: ClassifierContext = {
    app, layout, layoutError, outcome,
    python: appIsPython(app, conf),
  };
  const findings: Finding[] = [];
  for (const c of CLASSIFIERS) {
    try {
      c.classify(ctx, (r) => findings.push(toFinding(c, r, outcome)));
    } catch (e) {
      problems.push(`classifier ${c.code} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const signals = app.signals.all();
  for (const f of findings) linkConsequences(f, signals);
  findings.sort(compareFindings);
  return {
    result: {
      appId: app.appId, appName: app.appName, sparkVersion: app.sparkVersion, clusterManager: layout?.clusterManager ?? app.clusterManager,
      outcome, memory, verdict: verdictOf(findings, ctx.python), findings,
    },
    layout,
    problems,
  };
}

/**
 * Adds, as evidence, the stage and job failures that quote a finding's own evidence: what the
 * failure caused ("Job aborted due to stage failure: … <the task's error>").
 */
function linkConsequences(f: Finding, signals: Signal[]): void {
  const quoted = f.evidence.map((e) => e.text.replace(/\s+\[[^\]]*\]$/, '').trim().slice(0, 60)).filter((t) => t.length >= 20);
  if (quoted.length === 0) return;
  const cited = new Set(f.evidence.map((e) => e.source));
  for (const source of ['stage-failure', 'job-failure'] as const) {
    const s = signals.find((x) => x.source === source && quoted.some((q) => x.text.includes(q)));
    if (!s) continue;
    const loc = s.locations[0]!;
    const where = `${loc.file}:${loc.line}`;
    if (cited.has(where)) continue;
    const first = s.text.split('\n')[0]!;
    const what = source === 'stage-failure' ? `caused stage ${[...s.stages].join(', ')} to fail` : `caused ${s.count === 1 ? 'a job' : `${s.count} jobs`} to fail`;
    f.evidence.push({ source: where, text: `${what}: ${first.length > 300 ? `${first.slice(0, 300)}…` : first}` });
  }
}

function toFinding(c: Classifier, r: Report, outcome: Outcome): Finding {
  const severity: Severity = r.severity ?? (c.meta.kind === 'failure' ? (outcome === 'succeeded' ? 'warning' : 'critical') : c.meta.kind);
  return {
    code: c.code, severity, role: r.role, region: r.region, confidence: r.confidence, occurrences: r.occurrences,
    executors: r.executors, evidence: r.evidence, remediation: r.remediation,
  };
}

/**
 * The root cause: among failures (critical first, then warnings), the lowest classifier rank — a
 * container kill explains the heartbeat losses and fetch failures that follow it — then confidence.
 */
export function verdictOf(findings: Finding[], python = false): Verdict | null {
  const failures = findings.filter((f) => byCode(f.code)?.meta.kind === 'failure');
  if (failures.length === 0) return null;
  const top = failures.sort((a, b) => (a.severity === 'critical' ? 0 : 1) - (b.severity === 'critical' ? 0 : 1) || byCode(a.code)!.meta.rank - byCode(b.code)!.meta.rank || compareFindings(a, b))[0]!;
  return { code: top.code, role: top.role, region: top.region, confidence: top.confidence, summary: summarize(top, python) };
}

const REGION_PHRASE: Record<Region, string> = {
  reserved: 'Spark\'s reserved memory was exhausted',
  user: 'user memory (objects outside Spark\'s unified pool) overflowed',
  execution: 'execution memory (each task\'s share of the unified pool) overflowed',
  storage: 'storage memory (cached and broadcast blocks) filled the heap',
  heap: 'the heap overflowed',
  overhead: 'the overhead (memory outside the heap) overflowed, not the heap',
  offHeap: 'the off-heap pool overflowed',
  pyspark: 'the Python workers\' memory overflowed',
  container: 'the container limit was hit outside the heap',
  maxResultSize: 'results collected to the driver passed spark.driver.maxResultSize',
};

/** One sentence: who, what killed it, which region, how sure. */
export function summarize(f: Finding, python = false): string {
  const c = byCode(f.code)!;
  const who = f.role === 'driver' ? 'driver' : f.executors.length > 0 ? `${f.executors.length} executor${f.executors.length === 1 ? '' : 's'}` : 'executors';
  const region = f.region === 'overhead' && python ? 'the overhead (Python workers share it) overflowed, not the heap' : REGION_PHRASE[f.region];
  return `${who}: ${lowerFirst(c.meta.title)}: ${region} — ${f.confidence} confidence`;
}

const lowerFirst = (s: string): string => (/^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);
