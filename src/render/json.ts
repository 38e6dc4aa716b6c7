import type { Diagnosis } from '../diagnose/index.js';
import type { Evidence, Finding, Remediation } from '../findings.js';
import type { AppRead, InputFailure, InputRead } from '../input/read.js';
import type { InputKind } from '../input/sniff.js';
import type { MemoryReport } from '../memory/index.js';
import type { ClusterManager, Outcome } from '../state/app.js';
import { verdictSummary } from './words/classifiers.js';
import { evidenceSource, evidenceText } from './words/evidence.js';
import { inputErrorText } from './words/input-errors.js';
import { problemText, reportNoteText } from './words/problems.js';
import { remedyText } from './words/remedies.js';
import { planWhy } from './words/plan.js';
import type { PlanData } from '../plan/solve.js';

/**
 * The JSON contracts (README): every structured field the detection produced, and beside each coded
 * message its rendered words (the fields v1 had: `error`, `summary`, `text`, `reason`, `notes`), so
 * consumers of either keep working. JSON needs no escaping beyond JSON's own.
 */

export interface InputSummary {
  path: string;
  kind: InputKind;
  compression: 'none' | 'zstd' | 'lz4' | 'snappy' | 'lzf' | 'gzip' | 'zip';
  layout: InputRead['layout'];
  lines: number;
  malformedLines: number;
  /** Lines longer than the reader's limit (MAX_LINE_BYTES), skipped and counted. */
  longLines: number;
  truncated: boolean;
  /** Parts a rolling log lacks, by index. */
  missingParts?: number[];
  /** Every failure in one line, as printed on stderr. */
  error?: string;
  errors?: Array<{ part: string | null; code: string; data: unknown }>;
}

export interface ApplicationSummary {
  appId: string | null;
  attemptId: string | null;
  appName: string | null;
  sparkVersion: string | null;
  clusterManager: ClusterManager;
  outcome: Outcome;
  startTime: number | null;
  endTime: number | null;
  events: Record<string, number>;
  executors: number;
  jobs: { total: number; failed: number };
  stages: { total: number; failed: number };
  tasks: { total: number; failed: number; killed: number };
  /** Only when a cap was reached: what was counted but not kept one by one (README: Limits). */
  overflow?: { stages: number; executors: number; properties: number; learnt: number; signals: number; otherEvents: number };
}

/** All failures of an input in one line: "part: reason; part: reason". */
export function failuresText(failures: readonly InputFailure[]): string {
  return failures.map((f) => (f.part !== null ? `${f.part}: ${inputErrorText(f.problem)}` : inputErrorText(f.problem))).join('; ');
}

export function inputJson(r: InputRead): InputSummary {
  const s: InputSummary = {
    path: r.path,
    kind: r.kind,
    compression: r.compression ?? 'none',
    layout: r.layout,
    lines: sum(r.apps, (a) => a.stats.lines),
    malformedLines: sum(r.apps, (a) => a.stats.malformedLines),
    longLines: sum(r.apps, (a) => a.stats.longLines),
    truncated: r.apps.some((a) => a.stats.truncated),
  };
  const missing = r.apps.flatMap((a) => a.log.hints.missingParts?.indices ?? []);
  if (missing.length > 0) s.missingParts = missing;
  if (r.failures.length > 0) {
    s.error = failuresText(r.failures);
    s.errors = r.failures.map((f) => ({ part: f.part, code: f.problem.code, data: f.problem.data }));
  }
  return s;
}

export function applicationJson(a: AppRead): ApplicationSummary {
  const s = a.state;
  return {
    appId: s.appId,
    attemptId: s.attemptId,
    appName: s.appName,
    sparkVersion: s.sparkVersion,
    clusterManager: s.clusterManager,
    outcome: s.outcome,
    startTime: s.startTime,
    endTime: s.endTime,
    events: Object.fromEntries([...a.stats.eventCounts].sort(([x], [y]) => x.localeCompare(y))),
    executors: s.executorCount,
    jobs: { total: s.jobsTotal, failed: s.jobsFailed },
    stages: { total: s.stagesTotal, failed: s.stagesFailed },
    tasks: { total: s.tasksTotal, failed: s.tasksFailed, killed: s.tasksKilled },
    ...(s.overflow.stages + s.overflow.executors + s.overflow.properties + s.overflow.learnt + s.signals.dropped + a.stats.otherEvents > 0
      ? {
          overflow: {
            stages: s.overflow.stages,
            executors: s.overflow.executors,
            properties: s.overflow.properties,
            learnt: s.overflow.learnt,
            signals: s.signals.dropped,
            otherEvents: a.stats.otherEvents,
          },
        }
      : {}),
  };
}

/** `memory --format json` and `applications[].memory`: notes rendered, with the facts behind them. */
export function memoryJson(r: MemoryReport): object {
  return {
    sparkVersion: r.sparkVersion,
    clusterManager: r.clusterManager,
    executor: r.executor,
    driver: r.driver,
    observed: r.observed,
    notes: r.notes.map(reportNoteText),
    noteCodes: r.notes.map((n) => (n.kind === 'model' ? n.note : { code: 'learnt-from-log', data: n.fact })),
  };
}

const evidenceJson = (e: Evidence): object => ({
  source: evidenceSource(e),
  text: evidenceText(e),
  file: e.at?.file ?? null,
  line: e.at?.line ?? null,
  messageId: e.messageId,
  data: e.data,
});

const remediationJson = (m: Remediation): object => ({
  conf: m.conf,
  current: m.current,
  suggested: m.suggested,
  reason: remedyText(m),
  messageId: m.messageId,
  data: m.data,
});

const findingJson = (f: Finding): object => ({
  needs: f.needs,
  code: f.code,
  severity: f.severity,
  role: f.role,
  region: f.region,
  confidence: f.confidence,
  occurrences: f.occurrences,
  executors: f.executors,
  evidence: f.evidence.map(evidenceJson),
  remediation: f.remediation.map(remediationJson),
});

/** One application of `diagnose --format json` (and a `scan --format jsonl` row, with its path). */
export function diagnosisJson(d: Diagnosis): Record<string, unknown> {
  const main = d.verdict ? d.findings.find((f) => f.code === d.verdict!.code) : undefined;
  const failed = d.failure ? d.findings.find((f) => f.code === d.failure!.code) : undefined;
  return {
    appId: d.appId,
    appName: d.appName,
    sparkVersion: d.sparkVersion,
    clusterManager: d.clusterManager,
    outcome: d.outcome,
    memory: d.memory ? memoryJson(d.memory) : null,
    verdict: d.verdict && main ? { ...d.verdict, summary: verdictSummary(main, d.python) } : null,
    failure: d.failure && failed ? { ...d.failure, summary: verdictSummary(failed, d.python) } : null,
    plan: d.plan ? planJson(d.plan) : null,
    alternatives: d.alternatives.map(planJson),
    findings: d.findings.map(findingJson),
    problems: d.problems.map((p) => ({ ...p, text: problemText(p) })),
  };
}

/** A plan as the README's contract gives it: the settings, what they make of the memory, and words beside the codes. */
function planJson(p: PlanData): object {
  return {
    conf: p.conf,
    admin: p.admin.map((a) => ({
      file: a.file,
      key: a.key,
      value: a.value,
      why: remedyText({ conf: a.key, current: null, suggested: a.value, ...a.reason }),
    })),
    executor: p.executor,
    driver: p.driver,
    executors: p.executors,
    clusterMemoryBefore: p.clusterMemoryBefore,
    clusterMemoryAfter: p.clusterMemoryAfter,
    holds: p.holds,
    noLayout: p.noLayout,
    why: planWhy(p),
    strategies: p.strategies,
    changes: p.changes.map((c) => ({
      key: c.key,
      from: c.from,
      to: c.to,
      reason: remedyText({ conf: c.key, current: c.from, suggested: c.to, ...c.reason }),
      messageId: c.reason.messageId,
      data: c.reason.data,
      findings: c.findings,
    })),
    unmet: p.unmet.map((u) => ({ finding: u.finding, need: u.need, why: u.why })),
  };
}

function sum<T>(xs: T[], f: (x: T) => number): number {
  return xs.reduce((acc, x) => acc + f(x), 0);
}
