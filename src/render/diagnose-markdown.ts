import type { Diagnosis } from '../diagnose/index.js';
import { failureFinding, mainFinding, peakText, worstPeaks } from './diagnose-text.js';
import { escapeMarkdown as md, markdownCode as code, shellArg } from './escape.js';
import { fmtBytes } from './units.js';
import { verdictSummary } from './words/classifiers.js';
import { evidenceSource, evidenceText } from './words/evidence.js';
import { remedyText } from './words/remedies.js';
import { planWhy, sizesUnknownText, unmetText, versionUnknownText } from './words/plan.js';

/** For pasting into a ticket: the same content as text, as GitHub-flavoured Markdown. */
export function renderDiagnosisMarkdown(d: Diagnosis): string {
  const out: string[] = [];
  out.push(`### ${md(d.appId ?? '(no application id)')}${d.appName ? ` — ${md(d.appName)}` : ''}`, '');
  out.push(`${d.clusterManager}, ${d.sparkVersion ? `Spark ${md(d.sparkVersion)}` : 'Spark version unknown'}, **${d.outcome}**`, '');
  const main = mainFinding(d);
  const failed = failureFinding(d);
  out.push(
    d.verdict && main
      ? `**Verdict:** ${md(verdictSummary(main, d.python))} (\`${d.verdict.code}\`)`
      : failed
        ? `**Verdict:** no memory failure; what failed: ${md(verdictSummary(failed, d.python))} (\`${failed.code}\`)`
        : '**Verdict:** no memory failure found',
    '',
  );
  out.push(...planMarkdown(d));
  for (const f of d.findings) {
    out.push(
      `#### \`${f.code}\` — ${f.severity}, ${f.role}, ${f.region}, ${f.confidence} confidence${f.occurrences > 1 ? `, ×${f.occurrences}` : ''}`,
      '',
    );
    if (f.executors.length > 0)
      out.push(`Executors: ${f.executors.slice(0, 20).map(md).join(', ')}${f.executors.length > 20 ? ' …' : ''}`, '');
    if (f.evidence.length > 0) {
      out.push('Evidence:', '');
      for (const e of f.evidence) out.push(`- ${code(evidenceSource(e))}: ${md(evidenceText(e))}`);
      out.push('');
    }
    if (f.remediation.length > 0) {
      out.push('Fix:', '');
      for (const m of f.remediation) {
        if (m.conf && m.suggested)
          out.push(`- ${code(`--conf ${m.conf}=${m.suggested}`)}${m.current ? ` (now ${code(m.current)})` : ''}: ${md(remedyText(m))}`);
        else out.push(`- ${m.conf ? `${code(m.conf)}: ` : ''}${md(remedyText(m))}`);
      }
      out.push('');
    }
  }
  if (d.layout) {
    const e = d.layout.executor;
    out.push('| region | size |', '|---|---|');
    const rows: Array<[string, number]> = [
      ['heap', e.heap],
      ['user', e.user],
      ['unified', e.unified],
      ['storage', e.storage],
      ['execution', e.execution],
      ['per task (max)', e.perTaskMax],
      ['overhead', e.overhead],
      ['off-heap', e.offHeap],
      ['pyspark', e.pyspark],
      ['container', e.container],
    ];
    for (const [k, v] of rows) out.push(`| ${k} | ${fmtBytes(v)} |`);
    out.push('');
    const peaks = worstPeaks(d);
    if (peaks.length > 0) out.push(`Peaks: ${peaks.map((p) => md(peakText(p))).join('; ')}`, '');
  }
  return `${out.join('\n')}\n`;
}

/** The plan as a list to apply together, its before → after, and the alternatives. */
function planMarkdown(d: Diagnosis): string[] {
  const p = d.plan;
  if (!p) return [];
  const out: string[] = ['#### Fix — apply together', ''];
  for (const c of p.changes) {
    out.push(
      `- ${code(`--conf ${shellArg(`${c.key}=${c.to}`)}`)}${c.from !== null ? ` (now ${code(c.from)})` : p.noLayout ? ' (now unknown)' : ''}: ${md(remedyText({ conf: c.key, current: c.from, suggested: c.to, ...c.reason }))}`,
    );
  }
  for (const a of p.admin)
    out.push(
      `- ${code(`${a.key}=${a.value}`)} in ${md(a.file)} (a cluster administrator's change): ${md(remedyText({ conf: a.key, current: null, suggested: a.value, ...a.reason }))}`,
    );
  for (const u of p.unmet) out.push(`- not met: ${md(unmetText(u, d.sparkVersion))}`);
  if (p.changes.length > 0 || p.admin.length > 0 || p.unmet.length > 0) out.push('');
  if (p.executor !== null) {
    out.push('| | before | after |', '|---|---|---|');
    out.push(`| executor container | ${fmtBytes(p.executor.containerBefore)} | ${fmtBytes(p.executor.containerAfter)} |`);
    out.push(`| executor heap | ${fmtBytes(p.executor.heapBefore)} | ${fmtBytes(p.executor.heapAfter)} |`);
    if (p.driver) out.push(`| driver container | ${fmtBytes(p.driver.containerBefore)} | ${fmtBytes(p.driver.containerAfter)} |`);
    if (p.clusterMemoryBefore !== null && p.clusterMemoryAfter !== null) {
      out.push(
        `| cluster memory (${p.executors ?? 0} executors${p.driver ? ' and the driver' : ''}) | ${fmtBytes(p.clusterMemoryBefore)} | ${fmtBytes(p.clusterMemoryAfter)} |`,
      );
    }
    out.push('');
  } else out.push(`${md(sizesUnknownText(p.noLayout ?? { code: 'heap-unknown' }))}.`, '');
  const version = versionUnknownText(p, d.sparkVersion);
  if (version !== null) out.push(`${md(version)}.`, '');
  out.push(`It ${md(planWhy(p))}.`, '');
  if (d.alternatives.length > 0) {
    out.push('Alternatives, each complete on its own:', '');
    d.alternatives.forEach((a, i) =>
      out.push(`${i + 1}. ${a.changes.map((c) => code(`--conf ${shellArg(`${c.key}=${c.to}`)}`)).join(' ')}: it ${md(planWhy(a))}`),
    );
    out.push('');
  }
  return out;
}
