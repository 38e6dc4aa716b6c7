import type { AppRead, InputRead } from '../input/read.js';
import { escapeControl, quoted } from './escape.js';
import { applicationJson } from './json.js';
import type { Style } from './style.js';
import { fmtDuration, fmtTime, plural } from './units.js';
import { diagnosticText } from './words/diagnostics.js';

/** The human report of `inspect`: one block per application, then its input's diagnostics. */
export function renderInspectText(reads: InputRead[], style: Style): string {
  const out: string[] = [];
  for (const r of reads) {
    const apps = r.apps.filter((a) => a.stats.events > 0);
    for (const a of apps) out.push(renderApp(r, a, style), '');
    if (apps.length === 0 && r.failures.length === 0) out.push(`${escapeControl(r.path)}: no events`, '');
  }
  return out.join('\n');
}

function renderApp(r: InputRead, a: AppRead, st: Style): string {
  const s = applicationJson(a);
  const lines: string[] = [];
  const id = s.appId ?? '(no application id)';
  const attempt = s.attemptId ? ` attempt ${s.attemptId}` : '';
  const name = s.appName ? `  ${quoted(s.appName)}` : '';
  lines.push(st.bold(escapeControl(`${id}${attempt}${name}`)));
  const parts = a.log.parts.length;
  const where = parts > 1 ? `${r.layout}, ${plural(parts, 'part')}` : r.layout;
  const codec = a.stats.compression ?? 'none';
  lines.push(row('source', `${escapeControl(r.path)}  (${codec}, ${where}, ${plural(a.stats.lines, 'line')})`));
  const user = a.state.user ? `, user ${escapeControl(a.state.user)}` : '';
  lines.push(row('spark', `${s.sparkVersion !== null ? escapeControl(s.sparkVersion) : 'version unknown'} on ${s.clusterManager}${user}`));
  const outcomeText = s.outcome === 'failed' ? st.red(s.outcome) : s.outcome === 'succeeded' ? st.green(s.outcome) : st.yellow(s.outcome);
  const span =
    s.startTime !== null && s.endTime !== null
      ? `  ${fmtTime(s.startTime)} → ${fmtTime(s.endTime)} (${fmtDuration(s.endTime - s.startTime)})`
      : s.startTime !== null
        ? `  started ${fmtTime(s.startTime)}`
        : '';
  lines.push(row('outcome', `${outcomeText}${span}`));
  lines.push(row('executors', String(s.executors)));
  const failed = (n: number): string => (n > 0 ? st.red(` (${n} failed)`) : '');
  lines.push(row('jobs', `${s.jobs.total}${failed(s.jobs.failed)}`));
  lines.push(row('stages', `${s.stages.total}${failed(s.stages.failed)}`));
  const killed = s.tasks.killed > 0 ? ` (${s.tasks.killed} killed)` : '';
  lines.push(row('tasks', `${s.tasks.total}${failed(s.tasks.failed)}${killed}`));
  const counts = Object.entries(s.events).sort(([, x], [, y]) => y - x);
  const shown = counts
    .slice(0, 6)
    .map(([n, c]) => `${escapeControl(shortName(n))} ${c}`)
    .join(', ');
  const more = counts.length > 6 ? `, … ${plural(counts.length - 6, 'more type')}` : '';
  lines.push(row('events', `${a.stats.events} (${shown}${more})`));
  const o = a.state.overflow;
  const capped = [
    o.stages > 0 ? plural(o.stages, 'stage attempt') : '',
    o.executors > 0 ? plural(o.executors, 'executor') : '',
    o.properties > 0 ? plural(o.properties, 'Spark property', 'Spark properties') : '',
    o.learnt > 0 ? plural(o.learnt, 'setting from text logs', 'settings from text logs') : '',
    a.state.signals.dropped > 0 ? plural(a.state.signals.dropped, 'failure message', 'failure messages') : '',
  ].filter((x) => x !== '');
  if (capped.length > 0) lines.push(row('limits', st.yellow(`past the caps, counted but not kept one by one: ${capped.join(', ')}`)));
  if (a.stats.malformedLines > 0 || a.stats.truncated || a.stats.schemaMismatches > 0 || a.stats.diagnostics.length > 0) {
    const bits = [];
    if (a.stats.malformedLines > 0) bits.push(plural(a.stats.malformedLines, 'malformed line'));
    if (a.stats.longLines > 0) bits.push(plural(a.stats.longLines, 'line', 'lines') + ' too long or too complex to read');
    if (a.stats.diagnostics.some((d) => d.code === 'missing-parts')) bits.push('missing parts');
    if (a.stats.otherEvents > 0) bits.push(`${plural(a.stats.otherEvents, 'event')} under other names`);
    if (a.stats.schemaMismatches > 0) bits.push(plural(a.stats.schemaMismatches, 'event', 'events') + ' not matching their schema');
    if (a.stats.truncated) bits.push('truncated tail');
    lines.push(row('problems', st.yellow(bits.join(', '))));
    for (const d of a.stats.diagnostics)
      lines.push(`    ${st.dim(`${escapeControl(d.file)}:${d.line}`)} ${escapeControl(diagnosticText(d))}`);
  }
  return lines.join('\n');
}

const row = (label: string, value: string): string => `  ${label.padEnd(10)} ${value}`;
const shortName = (n: string): string => n.replace(/^.*\./, '').replace(/^SparkListener/, '');
