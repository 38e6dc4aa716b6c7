import type { Diagnosis } from '../diagnose/index.js';
import { mainFinding, peakText, worstPeaks } from './diagnose-text.js';
import { escapeMarkdown as md, markdownCode as code } from './escape.js';
import { fmtBytes } from './units.js';
import { verdictSummary } from './words/classifiers.js';
import { evidenceSource, evidenceText } from './words/evidence.js';
import { remedyText } from './words/remedies.js';

/** For pasting into a ticket: the same content as text, as GitHub-flavoured Markdown. */
export function renderDiagnosisMarkdown(d: Diagnosis): string {
  const out: string[] = [];
  out.push(`### ${md(d.appId ?? '(no application id)')}${d.appName ? ` — ${md(d.appName)}` : ''}`, '');
  out.push(`${d.clusterManager}, ${d.sparkVersion ? `Spark ${md(d.sparkVersion)}` : 'Spark version unknown'}, **${d.outcome}**`, '');
  const main = mainFinding(d);
  out.push(
    d.verdict && main
      ? `**Verdict:** ${md(verdictSummary(main, d.python))} (\`${d.verdict.code}\`)`
      : '**Verdict:** no memory failure found',
    '',
  );
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
