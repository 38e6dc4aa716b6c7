import type { Diagnosis } from '../diagnose.js';
import type { Finding } from '../findings.js';
import { peaksAgainstLimits } from '../memory/index.js';
import { escapeControl, type Style } from './style.js';
import { fmtBytes } from './units.js';

/** The human report of one application's diagnosis: verdict, evidence, layout, fix, other findings. */
export function renderDiagnosisText(d: Diagnosis, st: Style): string {
  const r = d.result;
  const out: string[] = [];
  const head = `${r.appId ?? '(no application id)'}${r.appName ? `  ${JSON.stringify(r.appName)}` : ''}`;
  const cm = r.clusterManager === 'unknown' ? 'cluster manager unknown' : r.clusterManager;
  const outcome = r.outcome === 'unknown' ? 'outcome unknown (no event log)' : r.outcome;
  out.push(st.bold(escapeControl(head)) + st.dim(`  (${cm}, ${r.sparkVersion ? `Spark ${r.sparkVersion}` : 'Spark version unknown'}, ${outcome})`));
  const main = r.verdict ? r.findings.find((f) => f.code === r.verdict!.code) ?? null : null;
  if (r.verdict) {
    const sev = main?.severity === 'critical' ? st.red : st.yellow;
    out.push(`${sev(st.bold('verdict'))}  ${st.bold(escapeControl(r.verdict.summary))}  ${st.dim(`[${r.verdict.code}]`)}`);
  } else if (r.findings.some((f) => f.code === 'driver-lost')) {
    out.push(`${st.yellow(st.bold('verdict'))}  no failure recorded in this log, but it stops while jobs were running: the driver may have died  ${st.dim('[driver-lost]')}`);
  } else {
    out.push(`${st.green(st.bold('verdict'))}  no memory failure found`);
  }
  if (main) {
    out.push('', st.bold('Evidence'));
    for (const e of main.evidence) out.push(`  ${st.dim(escapeControl(e.source))}`, `    ${escapeControl(e.text)}`);
  }
  if (d.layout) {
    const e = d.layout.executor;
    out.push('', st.bold('Memory (per executor)'));
    out.push(`  heap ${fmtBytes(e.heap)} = reserved ${fmtBytes(e.reserved)} + user ${fmtBytes(e.user)} + unified ${fmtBytes(e.unified)} (storage ${fmtBytes(e.storage)} / execution ${fmtBytes(e.execution)})`);
    out.push(`  per task ${fmtBytes(e.perTaskMin)} – ${fmtBytes(e.perTaskMax)} of execution (${d.layout.params.slots} concurrent)   overhead ${fmtBytes(e.overhead)}${e.offHeap ? `   off-heap ${fmtBytes(e.offHeap)}` : ''}${e.pyspark ? `   pyspark ${fmtBytes(e.pyspark)}` : ''}   container ${st.bold(fmtBytes(e.container))}`);
    out.push(`  driver heap ${fmtBytes(d.layout.driver.heap)}, maxResultSize ${d.layout.driver.maxResultSize === 0 ? 'unlimited' : fmtBytes(d.layout.driver.maxResultSize)}${d.layout.driver.overhead ? `, container ${fmtBytes(d.layout.driver.container)}` : ''}`);
    const peaks = worstPeaks(d);
    if (peaks.length > 0) out.push(`  peaks: ${peaks.join('   ')}`);
  }
  if (main && main.remediation.length > 0) {
    out.push('', st.bold('Fix'));
    out.push(...renderFixes(main, st));
  }
  const others = r.findings.filter((f) => f !== main);
  if (others.length > 0) {
    out.push('', st.bold('Also found'));
    for (const f of others) {
      const sev = f.severity === 'critical' ? st.red(f.severity) : f.severity === 'warning' ? st.yellow(f.severity) : st.dim(f.severity);
      out.push(`  ${sev} ${st.bold(f.code)} (${f.role}, ${f.region}, ${f.confidence})${f.occurrences > 1 ? ` ×${f.occurrences}` : ''}`);
      for (const e of f.evidence.slice(0, 2)) out.push(`    ${st.dim(escapeControl(e.source))} ${escapeControl(e.text)}`);
      for (const line of renderFixes(f, st).slice(0, 2)) out.push(`  ${line}`);
    }
  }
  for (const p of d.problems) out.push(st.yellow(`  note: ${escapeControl(p)}`));
  return `${out.join('\n')}\n`;
}

function renderFixes(f: Finding, st: Style): string[] {
  const out: string[] = [];
  for (const m of f.remediation) {
    if (m.conf && m.suggested) out.push(`  ${st.green(`--conf ${m.conf}=${m.suggested}`)}${m.current ? st.dim(` (now ${m.current})`) : ''}`, `      ${escapeControl(m.reason)}`);
    else if (m.conf) out.push(`  ${st.yellow(`${m.conf}`)}${m.current ? st.dim(` (now ${m.current})`) : ''}: ${escapeControl(m.reason)}`);
    else out.push(`  • ${escapeControl(m.reason)}`);
  }
  return out;
}

/** The highest peak of each memory metric across executors, as a share of its region. */
export function worstPeaks(d: Diagnosis): string[] {
  if (!d.layout || !d.result.memory?.observed) return [];
  const worst = new Map<string, { value: number; percent: number | null; region: string }>();
  for (const o of Object.values(d.result.memory.observed.executors)) {
    for (const p of peaksAgainstLimits(d.layout.executor, o.peaks)) {
      const prev = worst.get(p.metric);
      if (!prev || p.value > prev.value) worst.set(p.metric, p);
    }
  }
  return [...worst].filter(([m]) => ['JVMHeapMemory', 'OnHeapExecutionMemory', 'OnHeapStorageMemory', 'ProcessTreeJVMRSSMemory', 'ProcessTreePythonRSSMemory', 'DirectPoolMemory', 'JVMOffHeapMemory'].includes(m))
    .map(([m, p]) => `${m} ${fmtBytes(p.value)}${p.percent !== null ? ` (${p.percent}% of ${p.region})` : ''}`);
}
