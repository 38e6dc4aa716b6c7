import type { Diagnosis } from '../diagnose.js';
import { fmtBytes } from './units.js';
import { worstPeaks } from './diagnose-text.js';

/** For pasting into a ticket: the same content as text, as GitHub-flavoured Markdown. */
export function renderDiagnosisMarkdown(d: Diagnosis): string {
  const r = d.result;
  const md = (s: string): string => s.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f]/g, ' ');
  const out: string[] = [];
  out.push(`### ${md(r.appId ?? '(no application id)')}${r.appName ? ` — ${md(r.appName)}` : ''}`, '');
  out.push(`${r.clusterManager}, ${r.sparkVersion ? `Spark ${md(r.sparkVersion)}` : 'Spark version unknown'}, **${r.outcome}**`, '');
  out.push(r.verdict ? `**Verdict:** ${md(r.verdict.summary)} (\`${r.verdict.code}\`)` : '**Verdict:** no memory failure found', '');
  for (const f of r.findings) {
    out.push(`#### \`${f.code}\` — ${f.severity}, ${f.role}, ${f.region}, ${f.confidence} confidence${f.occurrences > 1 ? `, ×${f.occurrences}` : ''}`, '');
    if (f.executors.length > 0) out.push(`Executors: ${f.executors.slice(0, 20).map(md).join(', ')}${f.executors.length > 20 ? ' …' : ''}`, '');
    if (f.evidence.length > 0) {
      out.push('Evidence:', '');
      for (const e of f.evidence) out.push(`- \`${e.source.replace(/`/g, "'")}\`: ${md(e.text)}`);
      out.push('');
    }
    if (f.remediation.length > 0) {
      out.push('Fix:', '');
      for (const m of f.remediation) {
        if (m.conf && m.suggested) out.push(`- \`--conf ${m.conf}=${m.suggested}\`${m.current ? ` (now \`${m.current}\`)` : ''}: ${md(m.reason)}`);
        else out.push(`- ${m.conf ? `\`${m.conf}\`: ` : ''}${md(m.reason)}`);
      }
      out.push('');
    }
  }
  if (d.layout) {
    const e = d.layout.executor;
    out.push('| region | size |', '|---|---|');
    for (const [k, v] of [['heap', e.heap], ['user', e.user], ['unified', e.unified], ['storage', e.storage], ['execution', e.execution], ['per task (max)', e.perTaskMax], ['overhead', e.overhead], ['off-heap', e.offHeap], ['pyspark', e.pyspark], ['container', e.container]] as const) out.push(`| ${k} | ${fmtBytes(v)} |`);
    out.push('');
    const peaks = worstPeaks(d);
    if (peaks.length > 0) out.push(`Peaks: ${peaks.map(md).join('; ')}`, '');
  }
  return `${out.join('\n')}\n`;
}
