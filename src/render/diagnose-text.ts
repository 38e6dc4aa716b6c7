import type { Diagnosis } from '../diagnose/index.js';
import type { Finding } from '../findings.js';
import type { PlanData } from '../plan/solve.js';
import { peaksAgainstLimits } from '../memory/index.js';
import { escapeControl, quoted, shellArg } from './escape.js';
import type { Style } from './style.js';
import { fmtBytes, wrap } from './units.js';
import { delta, planWhy, sizesUnknownText, unmetText, versionUnknownText } from './words/plan.js';
import { verdictSummary } from './words/classifiers.js';
import { evidenceSource, evidenceText } from './words/evidence.js';
import { problemText } from './words/problems.js';
import { remedyText } from './words/remedies.js';

/** The human report of one application's diagnosis: verdict, evidence, layout, fix, other findings. */
export function renderDiagnosisText(d: Diagnosis, st: Style): string {
  const out: string[] = [];
  const head = `${d.appId ?? '(no application id)'}${d.appName ? `  ${quoted(d.appName)}` : ''}`;
  const cm = d.clusterManager === 'unknown' ? 'cluster manager unknown' : d.clusterManager;
  const outcome = d.outcome === 'unknown' ? 'outcome unknown (no event log)' : d.outcome;
  out.push(
    st.bold(escapeControl(head)) +
      st.dim(`  (${cm}, ${d.sparkVersion ? `Spark ${escapeControl(d.sparkVersion)}` : 'Spark version unknown'}, ${outcome})`),
  );
  const main = mainFinding(d);
  const failed = failureFinding(d);
  if (d.verdict && main) {
    const sev = main.severity === 'critical' ? st.red : st.yellow;
    out.push(`${sev(st.bold('verdict'))}  ${st.bold(escapeControl(verdictSummary(main, d.python)))}  ${st.dim(`[${d.verdict.code}]`)}`);
  } else if (failed) {
    out.push(
      `${st.red(st.bold('verdict'))}  no memory failure; what failed: ${st.bold(escapeControl(verdictSummary(failed, d.python)))}  ${st.dim(`[${failed.code}]`)}`,
    );
  } else if (d.findings.some((f) => f.code === 'still-running')) {
    out.push(
      `${st.yellow(st.bold('verdict'))}  no failure recorded yet: the log is still being written (running, or its driver died)  ${st.dim('[still-running]')}`,
    );
  } else if (d.findings.some((f) => f.code === 'driver-lost')) {
    out.push(
      `${st.yellow(st.bold('verdict'))}  no failure recorded in this log, but it stops while jobs were running: the driver may have died  ${st.dim('[driver-lost]')}`,
    );
  } else {
    out.push(`${st.green(st.bold('verdict'))}  no memory failure found`);
  }
  const shown = main ?? failed;
  if (shown) {
    out.push('', st.bold('Evidence'));
    for (const e of shown.evidence) out.push(`  ${st.dim(escapeControl(evidenceSource(e)))}`, `    ${escapeControl(evidenceText(e))}`);
  }
  if (d.layout) {
    const e = d.layout.executor;
    out.push('', st.bold('Memory (per executor)'));
    out.push(
      `  heap ${fmtBytes(e.heap)} = reserved ${fmtBytes(e.reserved)} + user ${fmtBytes(e.user)} + unified ${fmtBytes(e.unified)} (storage ${fmtBytes(e.storage)} / execution ${fmtBytes(e.execution)})`,
    );
    out.push(
      `  per task ${fmtBytes(e.perTaskMin)} – ${fmtBytes(e.perTaskMax)} of execution (${d.layout.params.slots} concurrent)   overhead ${fmtBytes(e.overhead)}` +
        `${e.offHeap ? `   off-heap ${fmtBytes(e.offHeap)}` : ''}${e.pyspark ? `   pyspark ${fmtBytes(e.pyspark)}` : ''}   container ${st.bold(fmtBytes(e.container))}`,
    );
    const dr = d.layout.driver;
    out.push(
      `  driver heap ${fmtBytes(dr.heap)}, maxResultSize ${dr.maxResultSize === 0 ? 'unlimited' : fmtBytes(dr.maxResultSize)}${dr.overhead ? `, container ${fmtBytes(dr.container)}` : ''}`,
    );
    const peaks = worstPeaks(d);
    if (peaks.length > 0) out.push(`  peaks: ${peaks.map(peakText).join('   ')}`);
  }
  out.push(...renderPlan(d, shown, st));
  const others = d.findings.filter((f) => f !== shown);
  if (others.length > 0) {
    out.push('', st.bold('Also found'));
    for (const f of others) {
      const sev = f.severity === 'critical' ? st.red(f.severity) : f.severity === 'warning' ? st.yellow(f.severity) : st.dim(f.severity);
      out.push(`  ${sev} ${st.bold(f.code)} (${f.role}, ${f.region}, ${f.confidence})${f.occurrences > 1 ? ` ×${f.occurrences}` : ''}`);
      for (const e of f.evidence.slice(0, 2)) out.push(`    ${st.dim(escapeControl(evidenceSource(e)))} ${escapeControl(evidenceText(e))}`);
      for (const line of renderFixes(f, st).slice(0, 2)) out.push(`  ${line}`);
    }
  }
  for (const p of d.problems) out.push(st.yellow(`  note: ${escapeControl(problemText(p))}`));
  return `${out.join('\n')}\n`;
}

/** The finding that says what failed, for a failed application with no memory cause. */
export function failureFinding(d: Diagnosis): Finding | null {
  return d.failure ? (d.findings.find((f) => f.code === d.failure!.code) ?? null) : null;
}

/** The finding the verdict names. */
export function mainFinding(d: Diagnosis): Finding | null {
  return d.verdict ? (d.findings.find((f) => f.code === d.verdict!.code) ?? null) : null;
}

/** Lines of the report are kept within this many columns, as a terminal shows them without wrapping. */
const WIDTH = 80;

/**
 * The Fix section: the plan's settings (applied together, each with why), what they make of the
 * executor container and the cluster, whether that holds what the log observed, the cluster-side
 * changes and the verdict's advice; then the alternatives, each complete on its own.
 */
function renderPlan(d: Diagnosis, main: Finding | null, st: Style): string[] {
  const out: string[] = [];
  const p = d.plan;
  const advice = (main?.remediation ?? []).filter((m) => m.suggested === null);
  if (!p && advice.length === 0) return out;
  out.push('', st.bold(p && (p.changes.length > 1 || p.admin.length > 0) ? 'Fix — apply together' : 'Fix'));
  if (p) {
    for (const c of p.changes) {
      out.push(
        `  ${st.green(`--conf ${shellArg(`${c.key}=${c.to}`)}`)}${c.from !== null ? st.dim(`  (now ${escapeControl(c.from)})`) : p.noLayout ? st.dim('  (now unknown)') : ''}`,
      );
      out.push(...wrap(escapeControl(remedyText({ conf: c.key, current: c.from, suggested: c.to, ...c.reason })), WIDTH, '      '));
    }
    for (const a of p.admin) {
      out.push(`  ${st.yellow(`${a.file}: ${a.key}=${a.value}`)}${st.dim("  (a cluster administrator's change)")}`);
      out.push(...wrap(remedyText({ conf: a.key, current: null, suggested: a.value, ...a.reason }), WIDTH, '      '));
    }
    out.push(
      ...wrap(
        // A layout refused for a setting's value quotes that value: input text, escaped.
        escapeControl(
          planSummary(
            p,
            d.problems.some((x) => x.code === 'layout'),
          ),
        ),
        WIDTH,
        '  ',
      ),
    );
    const version = versionUnknownText(p, d.sparkVersion);
    if (version !== null) out.push(...wrap(st.dim(escapeControl(version)), WIDTH, '  '));
    for (const u of p.unmet) out.push(...wrap(st.yellow(`not met: ${escapeControl(unmetText(u, d.sparkVersion))}`), WIDTH, '  '));
  }
  for (const m of advice)
    out.push(
      ...wrap(`• ${m.conf ? `${escapeControl(m.conf)}: ` : ''}${escapeControl(remedyText(m))}`, WIDTH, '  ').map((l, i) =>
        i === 0 ? l : `  ${l}`,
      ),
    );
  if (d.alternatives.length > 0) {
    out.push('', st.bold('Alternatives'));
    d.alternatives.forEach((a, i) => {
      const settings = a.changes.map((c) => `--conf ${shellArg(`${c.key}=${c.to}`)}`).join(' ');
      out.push(...wrap(`${i + 1}. ${settings}`, WIDTH, '  ').map((l, j) => (j === 0 ? l : `   ${l}`)));
      out.push(...wrap(planWhy(a), WIDTH, '     '));
    });
  }
  return out;
}

/** "executor container 8.8 GiB → 9.5 GiB; 4 executors and the driver: 36.6 GiB → 39.6 GiB (+3 GiB); holds …". */
function planSummary(p: PlanData, layoutNoted: boolean): string {
  if (p.executor === null) {
    const holds = p.holds
      ? p.changes.length === 0 && p.admin.length === 0
        ? 'the settings in effect already meet what the log observed'
        : 'these settings meet what the log observed'
      : 'settings alone cannot meet every need (below)';
    // The layout note below says why and what to pass; said once.
    return `${holds}; ${layoutNoted ? 'containers before → after not computed (memory layout: see the note below)' : sizesUnknownText(p.noLayout ?? { code: 'heap-unknown' })}`;
  }
  const exec = `executor container ${fmtBytes(p.executor.containerBefore)} → ${fmtBytes(p.executor.containerAfter)}`;
  const cluster =
    p.clusterMemoryBefore !== null && p.clusterMemoryAfter !== null
      ? `; ${p.executors ?? 0} executor${p.executors === 1 ? '' : 's'}${p.driver ? ' and the driver' : ''}: ${fmtBytes(p.clusterMemoryBefore)} → ${fmtBytes(p.clusterMemoryAfter)} (${delta(p.clusterMemoryBefore, p.clusterMemoryAfter)})`
      : '';
  const holds = p.holds
    ? p.changes.length === 0 && p.admin.length === 0
      ? 'the settings in effect already hold what the log observed'
      : 'this holds what the log observed'
    : 'settings alone cannot meet every need (below)';
  return `${exec}${cluster}; ${holds}`;
}

function renderFixes(f: Finding, st: Style): string[] {
  const out: string[] = [];
  for (const m of f.remediation) {
    const conf = m.conf !== null ? escapeControl(m.conf) : null;
    const now = m.current !== null ? st.dim(` (now ${escapeControl(m.current)})`) : '';
    const reason = escapeControl(remedyText(m));
    if (conf && m.suggested) out.push(`  ${st.green(`--conf ${shellArg(`${conf}=${m.suggested}`)}`)}${now}`, `      ${reason}`);
    else if (conf) out.push(`  ${st.yellow(conf)}${now}: ${reason}`);
    else out.push(`  • ${reason}`);
  }
  return out;
}

export interface WorstPeak {
  metric: string;
  value: number;
  percent: number | null;
  region: string;
}

/** The highest peak of each memory metric across executors, as a share of its region. */
export function worstPeaks(d: Diagnosis): WorstPeak[] {
  if (!d.layout || !d.memory?.observed) return [];
  const worst = new Map<string, WorstPeak>();
  for (const o of Object.values(d.memory.observed.executors)) {
    for (const p of peaksAgainstLimits(d.layout.executor, o.peaks)) {
      const prev = worst.get(p.metric);
      if (!prev || p.value > prev.value) worst.set(p.metric, p);
    }
  }
  return [...worst.values()].filter((p) => SHOWN_PEAKS.has(p.metric));
}

const SHOWN_PEAKS = new Set([
  'JVMHeapMemory',
  'OnHeapExecutionMemory',
  'OnHeapStorageMemory',
  'ProcessTreeJVMRSSMemory',
  'ProcessTreePythonRSSMemory',
  'DirectPoolMemory',
  'JVMOffHeapMemory',
]);

export const peakText = (p: WorstPeak): string =>
  `${p.metric} ${fmtBytes(p.value)}${p.percent !== null ? ` (${p.percent}% of ${p.region})` : ''}`;
