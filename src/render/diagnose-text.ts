import type { Diagnosis } from '../diagnose/index.js';
import type { Finding } from '../findings.js';
import { peaksAgainstLimits } from '../memory/index.js';
import { escapeControl } from './escape.js';
import type { Style } from './style.js';
import { fmtBytes } from './units.js';
import { verdictSummary } from './words/classifiers.js';
import { evidenceSource, evidenceText } from './words/evidence.js';
import { problemText } from './words/problems.js';
import { remedyText } from './words/remedies.js';

/** The human report of one application's diagnosis: verdict, evidence, layout, fix, other findings. */
export function renderDiagnosisText(d: Diagnosis, st: Style): string {
  const out: string[] = [];
  const head = `${d.appId ?? '(no application id)'}${d.appName ? `  ${JSON.stringify(d.appName)}` : ''}`;
  const cm = d.clusterManager === 'unknown' ? 'cluster manager unknown' : d.clusterManager;
  const outcome = d.outcome === 'unknown' ? 'outcome unknown (no event log)' : d.outcome;
  out.push(
    st.bold(escapeControl(head)) +
      st.dim(`  (${cm}, ${d.sparkVersion ? `Spark ${escapeControl(d.sparkVersion)}` : 'Spark version unknown'}, ${outcome})`),
  );
  const main = mainFinding(d);
  if (d.verdict && main) {
    const sev = main.severity === 'critical' ? st.red : st.yellow;
    out.push(`${sev(st.bold('verdict'))}  ${st.bold(escapeControl(verdictSummary(main, d.python)))}  ${st.dim(`[${d.verdict.code}]`)}`);
  } else if (d.findings.some((f) => f.code === 'driver-lost')) {
    out.push(
      `${st.yellow(st.bold('verdict'))}  no failure recorded in this log, but it stops while jobs were running: the driver may have died  ${st.dim('[driver-lost]')}`,
    );
  } else {
    out.push(`${st.green(st.bold('verdict'))}  no memory failure found`);
  }
  if (main) {
    out.push('', st.bold('Evidence'));
    for (const e of main.evidence) out.push(`  ${st.dim(escapeControl(evidenceSource(e)))}`, `    ${escapeControl(evidenceText(e))}`);
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
  if (main && main.remediation.length > 0) {
    out.push('', st.bold('Fix'));
    out.push(...renderFixes(main, st));
  }
  const others = d.findings.filter((f) => f !== main);
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

/** The finding the verdict names. */
export function mainFinding(d: Diagnosis): Finding | null {
  return d.verdict ? (d.findings.find((f) => f.code === d.verdict!.code) ?? null) : null;
}

function renderFixes(f: Finding, st: Style): string[] {
  const out: string[] = [];
  for (const m of f.remediation) {
    const conf = m.conf !== null ? escapeControl(m.conf) : null;
    const now = m.current !== null ? st.dim(` (now ${escapeControl(m.current)})`) : '';
    const reason = escapeControl(remedyText(m));
    if (conf && m.suggested) out.push(`  ${st.green(`--conf ${conf}=${escapeControl(m.suggested)}`)}${now}`, `      ${reason}`);
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
