import type { Diagnosis } from '../../diagnose/index.js';
import type { Finding } from '../../findings.js';
import type { PlanData } from '../../plan/solve.js';
import type { TimelineView } from '../../state/timeline.js';
import { failureFinding, mainFinding } from '../diagnose-text.js';
import { shellArg } from '../escape.js';
import { fmtBytes, fmtDuration, fmtTime, plural } from '../units.js';
import { verdictSummary } from '../words/classifiers.js';
import { evidenceSource, evidenceText } from '../words/evidence.js';
import { delta, planWhy, sizesUnknownText, unmetText, versionUnknownText } from '../words/plan.js';
import { problemText, reportNoteText } from '../words/problems.js';
import { remedyText } from '../words/remedies.js';
import { html } from './escape.js';
import { memorySvg, regionWord } from './memory-svg.js';
import { timelineSvg, type KillMark } from './timeline-svg.js';

/**
 * One application's diagnosis as a section of the page: the verdict first, then the plan with what
 * it makes of the memory, the memory picture, the timeline, the evidence with file:line, the
 * alternatives, every finding and the notes. Every string that came from an input goes through
 * html(); the words are this renderer's (and src/render/words/).
 */

/** How a section names itself for the page's index. */
export interface SectionRef {
  id: string;
  appId: string | null;
  appName: string | null;
  outcome: string;
  verdict: string | null;
  severity: 'critical' | 'warning' | 'info' | 'ok';
}

export function sectionRef(d: Diagnosis, id: string): SectionRef {
  const main = mainFinding(d) ?? failureFinding(d);
  return {
    id,
    appId: d.appId,
    appName: d.appName,
    outcome: d.outcome,
    verdict: main?.code ?? null,
    severity: main?.severity ?? 'ok',
  };
}

/** The verdict's sentence, its severity and its code, as the banner says them. */
function verdictLine(d: Diagnosis): { label: string; text: string; code: string | null; severity: string } {
  const main = mainFinding(d);
  const failed = failureFinding(d);
  if (d.verdict && main)
    return { label: `${main.severity} · verdict`, text: verdictSummary(main, d.python), code: main.code, severity: main.severity };
  if (failed)
    return {
      label: `${failed.severity} · no memory failure`,
      text: `what failed: ${verdictSummary(failed, d.python)}`,
      code: failed.code,
      severity: failed.severity,
    };
  if (d.findings.some((f) => f.code === 'still-running'))
    return {
      label: 'warning',
      text: 'no failure recorded yet: the log is still being written (running, or its driver died)',
      code: 'still-running',
      severity: 'warning',
    };
  if (d.findings.some((f) => f.code === 'driver-lost'))
    return {
      label: 'warning',
      text: 'no failure recorded in this log, but it stops while jobs were running: the driver may have died',
      code: 'driver-lost',
      severity: 'warning',
    };
  return { label: 'healthy', text: 'no memory failure found', code: null, severity: 'ok' };
}

/** The times the kill happened: the verdict's evidence, first and last time it was seen. */
function killsOf(d: Diagnosis): KillMark[] {
  const main = mainFinding(d) ?? failureFinding(d);
  if (!main) return [];
  const times = new Set<number>();
  for (const e of main.evidence) {
    if (e.messageId !== 'matched') continue;
    if (e.data.firstTime !== null) times.add(e.data.firstTime);
    if (e.data.lastTime !== null && e.data.lastTime !== e.data.firstTime) times.add(e.data.lastTime);
  }
  return [...times].slice(0, 4).map((time) => ({ time, code: main.code }));
}

const conf = (key: string, value: string): string => `--conf ${shellArg(`${key}=${value}`)}`;

function planHtml(d: Diagnosis, main: Finding | null): string {
  const p = d.plan;
  const advice = (main?.remediation ?? []).filter((m) => m.suggested === null);
  if (!p && advice.length === 0) return '';
  const out: string[] = [];
  const together = p && (p.changes.length > 1 || p.admin.length > 0);
  // A plan with no failure behind it (a heap that could shrink) is a saving, not a fix.
  const saving =
    !d.verdict &&
    !d.failure &&
    p !== null &&
    p.clusterMemoryAfter !== null &&
    p.clusterMemoryBefore !== null &&
    p.clusterMemoryAfter < p.clusterMemoryBefore;
  const title = saving ? 'Could save' : together ? 'Fix — apply together' : 'Fix';
  out.push(`<section class="card plan"><h2>${title}</h2>`);
  if (p) {
    if (p.changes.length > 0) {
      out.push(`<code class="conf">${p.changes.map((c) => html(conf(c.key, c.to))).join(' \\\n')}</code>`);
      out.push('<ul class="changes">');
      for (const c of p.changes) {
        out.push(
          `<li><code>${html(c.key)}</code> ${c.from !== null ? `${html(c.from)} → ` : p.noLayout ? 'unknown → ' : ''}<strong>${html(c.to)}</strong>` +
            `<div class="why">${html(remedyText({ conf: c.key, current: c.from, suggested: c.to, ...c.reason }))}</div></li>`,
        );
      }
      out.push('</ul>');
    }
    for (const a of p.admin)
      out.push(
        `<p><code>${html(`${a.key}=${a.value}`)}</code> in <code>${html(a.file)}</code> <span class="muted">(a cluster administrator's change)</span>: ${html(remedyText({ conf: a.key, current: null, suggested: a.value, ...a.reason }))}</p>`,
      );
    for (const u of p.unmet) out.push(`<p class="sev warning">not met: ${html(unmetText(u, d.sparkVersion))}</p>`);
    out.push(
      p.executor !== null
        ? beforeAfter(p, p.executor)
        : `<p class="muted">${html(sizesUnknownText(p.noLayout ?? { code: 'heap-unknown' }))}.</p>`,
    );
    out.push(`<p class="muted">It ${html(planWhy(p))}.</p>`);
    const version = versionUnknownText(p, d.sparkVersion);
    if (version !== null) out.push(`<p class="muted">${html(version)}.</p>`);
  }
  if (advice.length > 0) {
    out.push('<ul>');
    for (const m of advice) out.push(`<li>${m.conf ? `<code>${html(m.conf)}</code>: ` : ''}${html(remedyText(m))}</li>`);
    out.push('</ul>');
  }
  out.push('</section>');
  return out.join('\n');
}

/** Before → after as a table with bars to one scale per row pair. */
function beforeAfter(p: PlanData, executor: NonNullable<PlanData['executor']>): string {
  const rows: Array<[string, number, number]> = [
    ['executor container', executor.containerBefore, executor.containerAfter],
    ['executor heap', executor.heapBefore, executor.heapAfter],
  ];
  if (p.driver) rows.push(['driver container', p.driver.containerBefore, p.driver.containerAfter]);
  if (p.clusterMemoryBefore !== null && p.clusterMemoryAfter !== null)
    rows.push([
      `cluster memory (${plural(p.executors ?? 0, 'executor')}${p.driver ? ' and the driver' : ''})`,
      p.clusterMemoryBefore,
      p.clusterMemoryAfter,
    ]);
  const out = [
    '<table class="ba-table"><tr><th></th><th class="num">before</th><th class="num">after</th><th class="num">change</th><th></th></tr>',
  ];
  for (const [what, before, after] of rows) {
    const max = Math.max(before, after, 1);
    const w = (n: number): string => String(Math.round((n / max) * 2000) / 10);
    out.push(
      `<tr><td>${html(what)}</td><td class="num">${fmtBytes(before)}</td><td class="num"><strong>${fmtBytes(after)}</strong></td><td class="num">${html(delta(before, after))}</td>` +
        `<td><svg viewBox="0 0 200 14" class="babar" preserveAspectRatio="none" width="200" height="14"><rect x="0" y="1" width="${w(before)}" height="5" fill="#b7c0c9"/><rect x="0" y="8" width="${w(after)}" height="5" fill="${after > before ? '#e07a68' : after < before ? '#62b58a' : '#79a6d6'}"/></svg></td></tr>`,
    );
  }
  out.push('</table>');
  return out.join('');
}

function memoryHtml(d: Diagnosis): string {
  const pic = memorySvg(d);
  if (!pic) {
    const why = d.problems.find((p) => p.code === 'layout');
    return `<section class="card"><h2>Memory</h2><p class="muted">${html(why ? problemText(why) : 'no memory layout could be computed')}</p></section>`;
  }
  const legend = pic.regions
    .map((r) => `<span><span class="sw r-${r}"></span>${html(regionWord(r))}</span>`)
    .concat(
      pic.peaks ? ['<span>● peak of one executor (red: past its region), on the span of its region</span>'] : [],
      pic.kill ? ['<span>┆ the limit the kill happened at · <span class="sev critical">│</span> what was used when killed</span>'] : [],
      pic.after ? ['<span>⬚ the container after the plan</span>'] : [],
    )
    .join('');
  return `<section class="card"><h2>Memory, to scale</h2>${pic.svg}<div class="legend">${legend}</div>${regionTable(d)}</section>`;
}

function regionTable(d: Diagnosis): string {
  const l = d.layout!;
  const e = l.executor;
  const rows: Array<[string, number, string]> = [
    ['heap (-Xmx)', e.heap, 'spark.executor.memory'],
    ['reserved', e.reserved, 'fixed by Spark'],
    ['user', e.user, `(heap − reserved) × (1 − ${l.params.memoryFraction})`],
    ['storage', e.storage, `unified × spark.memory.storageFraction ${l.params.storageFraction}`],
    ['execution', e.execution, 'unified − storage'],
    ['per task', e.perTaskMax, `execution / ${l.params.slots} concurrent tasks (at least half of it)`],
    ['overhead', e.overhead, 'outside the heap'],
    ['off-heap', e.offHeap, 'spark.memory.offHeap.size'],
    ['PySpark', e.pyspark, 'spark.executor.pyspark.memory'],
    ['container', e.container, 'what YARN or Kubernetes kills the executor at'],
    ['driver heap', l.driver.heap, 'spark.driver.memory'],
    ['driver maxResultSize', l.driver.maxResultSize, l.driver.maxResultSize === 0 ? 'unlimited' : 'spark.driver.maxResultSize'],
    ['driver container', l.driver.container, l.driver.container > 0 ? 'heap + overhead' : 'no driver container'],
  ];
  const body = rows
    .filter(([, n], i) => n > 0 || i < 5)
    .map(([k, n, f]) => `<tr><td>${html(k)}</td><td class="num">${fmtBytes(n)}</td><td class="muted">${html(f)}</td></tr>`)
    .join('');
  return `<details class="regions"><summary>Regions and formulas</summary><table>${body}</table></details>`;
}

function evidenceList(f: Finding, max = Infinity): string {
  if (f.evidence.length === 0) return '';
  const items = f.evidence
    .slice(0, max)
    .map((e) => `<li><code class="src">${html(evidenceSource(e))}</code><span class="quote">${html(evidenceText(e))}</span></li>`);
  const more = f.evidence.length > max ? `<li class="muted">… ${f.evidence.length - max} more</li>` : '';
  return `<ul class="evidence">${items.join('')}${more}</ul>`;
}

function findingsHtml(d: Diagnosis, shown: Finding | null): string {
  if (d.findings.length === 0) return '';
  const out = [`<section class="card findings"><h2>Findings (${d.findings.length})</h2>`];
  for (const f of d.findings) {
    const ex =
      f.executors.length > 0
        ? ` · executors ${html(f.executors.slice(0, 12).join(', '))}${f.executors.length > 12 ? ` … (${f.executors.length})` : ''}`
        : '';
    out.push(
      `<div class="f"><div><span class="sev ${f.severity}">${f.severity}</span> <code>${html(f.code)}</code> <span class="muted">${html(`${f.role} · ${f.region} · ${f.confidence} confidence${f.occurrences > 1 ? ` · ×${f.occurrences}` : ''}`)}${ex}</span></div>`,
    );
    out.push(f === shown ? '<p class="muted">Its evidence is listed above.</p>' : evidenceList(f, 6));
    const fixes = f.remediation.map((m) =>
      m.conf && m.suggested
        ? `<li><code>${html(conf(m.conf, m.suggested))}</code>${m.current ? ` <span class="muted">(now ${html(m.current)})</span>` : ''}: ${html(remedyText(m))}</li>`
        : `<li>${m.conf ? `<code>${html(m.conf)}</code>: ` : ''}${html(remedyText(m))}</li>`,
    );
    if (fixes.length > 0) out.push(`<ul>${fixes.join('')}</ul>`);
    out.push('</div>');
  }
  out.push('</section>');
  return out.join('\n');
}

function alternativesHtml(d: Diagnosis): string {
  if (d.alternatives.length === 0) return '';
  const items = d.alternatives.map(
    (a) =>
      `<li><code>${html(a.changes.map((c) => conf(c.key, c.to)).join(' '))}</code><div class="muted">it ${html(planWhy(a))}</div></li>`,
  );
  return `<section class="card"><h2>Alternatives, each complete on its own</h2><ol>${items.join('')}</ol></section>`;
}

function notesHtml(d: Diagnosis): string {
  const notes = [...d.problems.map(problemText), ...(d.memory?.notes ?? []).map(reportNoteText)];
  if (notes.length === 0) return '';
  return `<section class="card"><h2>Notes and assumptions</h2><ul>${notes.map((n) => `<li>${html(n)}</li>`).join('')}</ul></section>`;
}

function timelineHtml(t: TimelineView | null, d: Diagnosis): string {
  const main = mainFinding(d) ?? failureFinding(d);
  const svg = t ? timelineSvg(t, killsOf(d), new Set(main?.executors ?? [])) : null;
  if (!svg) return '';
  const dropped = t!.dropped;
  const cut =
    dropped.jobs + dropped.stages + dropped.failedTasks > 0
      ? `<p class="muted">Not drawn (past the timeline's caps): ${[
          dropped.jobs ? plural(dropped.jobs, 'job') : '',
          dropped.stages ? plural(dropped.stages, 'stage attempt') : '',
          dropped.failedTasks ? plural(dropped.failedTasks, 'failed task') : '',
        ]
          .filter(Boolean)
          .join(', ')}.</p>`
      : '';
  const legend = `<div class="legend"><span><span class="sw tl-job"></span>job</span><span><span class="sw tl-stage"></span>stage attempt</span><span><span class="sw tl-exec"></span>executor alive</span><span><span class="sw tl-lost"></span>executor removed (exit code)</span><span><span class="sw tl-fail"></span>failed</span></div>`;
  return `<section class="card"><h2>Timeline</h2>${svg}${legend}${cut}</section>`;
}

/** "started … · ran …", from the timeline's ends. */
function when(t: TimelineView | null): string {
  if (!t || t.start === null) return '';
  const ran = t.end !== null && t.end >= t.start ? ` · ran ${fmtDuration(t.end - t.start)}` : '';
  return `<span class="tag">${html(`started ${fmtTime(t.start)}${ran}`)}</span>`;
}

/** One application as a section with `id`; `timeline` when the reader has it (event logs). */
export function diagnosisSection(d: Diagnosis, id: string, timeline: TimelineView | null): string {
  const v = verdictLine(d);
  const main = mainFinding(d) ?? failureFinding(d);
  const out: string[] = [];
  out.push(`<section class="app" id="${html(id)}">`);
  const version = d.sparkVersion ? `Spark ${d.sparkVersion}` : 'Spark version unknown';
  const manager = d.clusterManager === 'unknown' ? 'cluster manager unknown' : d.clusterManager;
  out.push(
    `<div class="apphead"><h1 class="id">${html(d.appId ?? '(no application id)')}</h1>${d.appName ? `<span class="name">${html(d.appName)}</span>` : ''}` +
      `<span class="tags"><span class="tag">${html(manager)}</span><span class="tag">${html(version)}</span><span class="tag ${d.outcome}">${html(d.outcome)}</span>${when(timeline)}</span></div>`,
  );
  out.push(
    `<div class="verdict ${v.severity}"><div class="label">${html(v.label)}</div><div class="text">${html(v.text)}</div>` +
      `${v.code ? `<div class="muted"><code>${html(v.code)}</code>${main ? ` · ${html(`${main.role} · ${main.region}`)}` : ''}</div>` : ''}</div>`,
  );
  out.push(planHtml(d, main));
  out.push(memoryHtml(d));
  out.push(timelineHtml(timeline, d));
  if (main && main.evidence.length > 0) out.push(`<section class="card"><h2>Evidence</h2>${evidenceList(main)}</section>`);
  out.push(alternativesHtml(d));
  out.push(findingsHtml(d, main && main.evidence.length > 0 ? main : null));
  out.push(notesHtml(d));
  out.push('</section>');
  return out.filter(Boolean).join('\n') + '\n';
}

/** What a page with no application says (every input unreadable, or empty: stderr said which). */
export const emptyPage = (): string => '<p class="card">No application could be read from the inputs given.</p>\n';

/** The index of a page's applications, written a row at a time: a link to each section, with its verdict. */
export const indexStart = (title: string): string =>
  `<nav class="card index"><h2>${html(title)}</h2><table><tr><th>application</th><th>name</th><th>outcome</th><th>verdict</th></tr>`;

export const indexRow = (r: SectionRef): string =>
  `<tr><td><a href="#${html(r.id)}">${html(r.appId ?? '(no application id)')}</a></td><td>${html(r.appName ?? '')}</td><td>${html(r.outcome)}</td><td>${r.verdict ? `<span class="sev ${r.severity}">${html(r.verdict)}</span>` : '<span class="muted">none</span>'}</td></tr>`;

export const indexEnd = (): string => '</table></nav>\n';
