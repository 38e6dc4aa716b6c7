import { createHash } from 'node:crypto';
import type { Diagnosis } from '../../diagnose/index.js';
import type { TimelineView } from '../../state/timeline.js';
import { fmtBytes, fmtDuration, isoTime, plural } from '../units.js';
import { mainFinding } from '../diagnose-text.js';
import { diagnosisSection } from './diagnosis.js';
import { html } from './escape.js';
import { pageStart } from './page.js';

/**
 * `scan --format html`: a page written as the scan goes. Each application is a row made where it was
 * diagnosed (a worker thread), its whole diagnosis folded inside it when it has a finding; the
 * summaries that need every row (counts by verdict and region, failures per day, the applications
 * with the most memory added or wasted, the filters) come at the end of the file and are shown at
 * the top of the page (CSS order), so nothing is held but counters and two short top lists.
 */

/** What the page's summaries need of a row: plain data, made in the worker. */
export interface RowFacts {
  anchor: string;
  label: string;
  name: string | null;
  /** The verdict's code, or what failed. */
  code: string | null;
  failed: boolean;
  /** UTC day the application ended (or started), "2024-01-31". */
  day: string | null;
  /** Cluster memory the plan adds (negative: frees) and for how many hours the application held it. */
  delta: number | null;
  hours: number | null;
}

/** The filters the scan ran with, as given on the command line. */
export interface ScanFilters {
  root: string;
  failedOnly: boolean;
  since: string | null;
  appName: string | null;
  limit: number | null;
}

/** Applications listed in each "most memory" table. Our choice: a screenful. */
const TOP = 10;
/** Days kept for the per-day chart: ten years of days, far beyond any log directory's retention. Our choice. */
const MAX_DAYS = 3660;

const MS_PER_HOUR = 3_600_000;

/** A fragment id for a row: stable for its path and place, safe in any attribute. */
function anchorOf(path: string, index: number): string {
  return `app-${createHash('sha1').update(`${path}\0${index}`).digest('hex').slice(0, 12)}`;
}

export interface AppRowInput {
  path: string;
  app: Diagnosis;
  startTime: number | null;
  endTime: number | null;
  timeline: TimelineView | null;
}

/** What a row's cells show, from a diagnosis or from a scan row's JSON. */
interface RowCells {
  path: string;
  appId: string | null;
  appName: string | null;
  outcome: string;
  startTime: number | null;
  endTime: number | null;
  main: { code: string; severity: string; role: string; region: string } | null;
  /** Cluster memory the plan adds (negative: frees). */
  delta: number | null;
}

/** A row's summary line (its cells) and what the page's summaries need of it. */
function rowHead(c: RowCells, index: number, failed: boolean): { cells: string; facts: RowFacts } {
  const dur = c.startTime !== null && c.endTime !== null && c.endTime >= c.startTime ? c.endTime - c.startTime : null;
  const when = isoTime(c.endTime ?? c.startTime);
  const facts: RowFacts = {
    anchor: anchorOf(c.path, index),
    label: c.appId ?? c.path,
    name: c.appName,
    code: c.main?.code ?? null,
    failed,
    day: when ? when.slice(0, 10) : null,
    delta: c.delta,
    hours: dur !== null ? dur / MS_PER_HOUR : null,
  };
  const { main, delta } = c;
  const cells = [
    `<span title="${html(c.path)}">${html(c.appId ?? c.path)}</span>`,
    `<span>${html(c.appName ?? '')}</span>`,
    `<span class="tag ${html(c.outcome)}">${html(c.outcome)}</span>`,
    `<span class="muted">${dur !== null ? html(fmtDuration(dur)) : ''}</span>`,
    main ? `<span class="sev ${html(main.severity)}">${html(main.code)}</span>` : '<span class="muted">no memory failure</span>',
    `<span class="muted">${main ? html(`${main.role} · ${main.region}`) : ''}${delta ? ` ${html(delta > 0 ? '+' : '−')}${fmtBytes(Math.abs(delta))}` : ''}</span>`,
  ].join('');
  return { cells, facts };
}

/** One application's row, and what the summaries need of it. */
export function appRowHtml(
  row: AppRowInput,
  index: number,
  failed: boolean,
  readError: string | null = null,
): { text: string; facts: RowFacts } {
  const a = row.app;
  const main = mainFinding(a) ?? (a.failure ? (a.findings.find((f) => f.code === a.failure!.code) ?? null) : null);
  const p = a.plan;
  const delta = p && p.clusterMemoryBefore !== null && p.clusterMemoryAfter !== null ? p.clusterMemoryAfter - p.clusterMemoryBefore : null;
  const { cells, facts } = rowHead(
    { path: row.path, appId: a.appId, appName: a.appName, outcome: a.outcome, startTime: row.startTime, endTime: row.endTime, main, delta },
    index,
    failed,
  );
  const cls = `row${failed ? ' failed' : ''}`;
  const body =
    readErrorHtml(row.path, readError) +
    (a.findings.length > 0
      ? diagnosisSection(a, `${facts.anchor}-d`, row.timeline)
      : `<div class="app muted">${html(row.path)}: no finding.</div>`);
  const text = `<details class="${cls}" id="${facts.anchor}"><summary>${cells}</summary>${body}</details>\n`;
  return { text, facts };
}

/** What stopped the reading of an application's log, above its diagnosis (as the table's `error:` line). */
const readErrorHtml = (path: string, why: string | null): string =>
  why === null ? '' : `<div class="app readerror">error: ${html(path)}: ${html(why)}</div>`;

/** Version of a JSONL row's `page` (scan --for-html): what it holds changes, the number does. */
export const PAGE_DATA_VERSION = 1;

/** A scan row as merge reads it: its JSON fields, and the page's data when it was scanned with --for-html. */
export interface MergedRowInput extends Omit<RowCells, 'main' | 'delta'> {
  verdict: { code: string } | null;
  failure: { code: string } | null;
  findings: Array<{ code: string; severity: string; role?: unknown; region?: unknown }>;
  plan: { clusterMemoryBefore?: unknown; clusterMemoryAfter?: unknown } | null;
  page?: unknown;
  /** Why its log could be read only in part; null when it was read to the end. */
  error: string | null;
}

/**
 * A row of a merged scan: the very row a scan draws when the JSON carries the page's data (its
 * diagnosis and timeline, `scan --for-html`), else its cells only and a line saying what it lacks.
 * `pageData` false: the page's data was not there or not trusted.
 *
 * The page's data is input (a shard's file), and the row renderer writes numbers and codes it made
 * itself as they are: a file written by hand could put markup where a number goes. So the row is
 * drawn twice, once with every quote and angle bracket of the data's strings made a letter, and used
 * only when both drafts have the same quotes and brackets: every string then went through html().
 */
export function mergedRowHtml(v: MergedRowInput, index: number, failed: boolean): { text: string; facts: RowFacts; pageData: boolean } {
  const page = v.page as { v?: unknown; index?: unknown; diagnosis?: unknown; timeline?: unknown } | undefined;
  if (page && page.v === PAGE_DATA_VERSION && typeof page.index === 'number' && typeof page.diagnosis === 'object' && page.diagnosis) {
    const draw = (d: unknown, t: unknown): { text: string; facts: RowFacts } =>
      appRowHtml(
        { path: v.path, app: d as Diagnosis, startTime: v.startTime, endTime: v.endTime, timeline: (t ?? null) as TimelineView | null },
        page.index as number,
        failed,
        v.error,
      );
    try {
      const drawn = draw(page.diagnosis, page.timeline);
      const plain = draw(defanged(page.diagnosis), defanged(page.timeline));
      if (markup(drawn.text) === markup(plain.text)) return { ...drawn, pageData: true };
    } catch {
      // Not a diagnosis this renderer can draw: the row's cells only.
    }
  }
  const main = v.verdict ?? v.failure;
  const f = main ? v.findings.find((x) => x.code === main.code) : undefined;
  const before = v.plan?.clusterMemoryBefore;
  const after = v.plan?.clusterMemoryAfter;
  const { cells, facts } = rowHead(
    {
      ...v,
      main: f ? { code: f.code, severity: f.severity, role: String(f.role), region: String(f.region) } : null,
      delta: typeof before === 'number' && typeof after === 'number' ? after - before : null,
    },
    index,
    failed,
  );
  const text = `<details class="row${failed ? ' failed' : ''}" id="${facts.anchor}"><summary>${cells}</summary>${readErrorHtml(v.path, v.error)}<div class="app muted">${html(v.path)}: its row was scanned without --for-html: the diagnosis, plan and timeline are not in it.</div></details>\n`;
  return { text, facts, pageData: false };
}

/** The characters that make markup, in order. */
const markup = (s: string): string => s.replace(/[^<>"']/g, '');

/** A copy of JSON data with every quote and angle bracket in its strings made a letter. */
function defanged(x: unknown): unknown {
  if (typeof x === 'string') return x.replace(/[<>"']/g, 'x');
  if (Array.isArray(x)) return x.map(defanged);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [defanged(k), defanged(y)]));
  return x;
}

/** A path that could not be read, as a row. */
export function errorRowHtml(path: string, why: string): string {
  return `<details class="row error"><summary><span>${html(path)}</span><span></span><span class="tag failed">unreadable</span><span></span><span class="muted" title="${html(why)}">${html(why)}</span><span></span></summary></details>\n`;
}

interface Ranked {
  anchor: string;
  label: string;
  name: string | null;
  code: string | null;
  delta: number;
  hours: number | null;
  /** |delta| × hours when the duration is known; the rank. */
  weight: number;
}

/** The page's head, the summaries at its end, and the counters behind them. */
export class ScanPage {
  private readonly days = new Map<string, { failed: number; total: number }>();
  private readonly added: Ranked[] = [];
  private readonly wasted: Ranked[] = [];
  private overflowDays = 0;

  constructor(private readonly filters: ScanFilters | null) {}

  start(): string {
    return (
      pageStart('spark-triage scan') +
      `<header class="card top"><h1>What is killing this cluster's jobs</h1><p class="muted">spark-triage scan of <code>${html(this.filters?.root ?? '')}</code></p>${this.filtersHtml()}</header>\n` +
      `<div class="rowhead"><span>application</span><span>name</span><span>outcome</span><span>duration</span><span>verdict</span><span>role · region · plan</span></div>\n<div class="rows">\n`
    );
  }

  add(f: RowFacts): void {
    if (f.day !== null) {
      const d = this.days.get(f.day) ?? (this.days.size < MAX_DAYS ? { failed: 0, total: 0 } : null);
      if (d) {
        d.total++;
        if (f.failed) d.failed++;
        this.days.set(f.day, d);
      } else this.overflowDays++;
    }
    if (f.delta !== null && f.delta !== 0) {
      const r: Ranked = {
        anchor: f.anchor,
        label: f.label,
        name: f.name,
        code: f.code,
        delta: f.delta,
        hours: f.hours,
        weight: Math.abs(f.delta) * (f.hours ?? 0),
      };
      keepTop(f.delta > 0 ? this.added : this.wasted, r);
    }
  }

  /** The end of the rows, then the summaries (shown first), then the end of the page. */
  end(rows: number, errors: number, partial: number, byCode: Map<string, number>, byRegion: Map<string, number>, note?: string): string {
    const out = ['</div>\n<section class="card index">'];
    out.push(
      `<h2>${html(`${plural(rows, 'application')}${errors ? `, ${errors} unreadable` : ''}${partial ? `, ${partial} read in part` : ''}${note ? ` (${note})` : ''}`)}</h2><div class="cols">`,
    );
    out.push(`<div><h3>By verdict</h3>${barChart(byCode, 'verdict')}</div>`);
    out.push(`<div><h3>By role and region</h3>${barChart(byRegion, 'region')}</div></div>`);
    out.push(`<h3>Failures per day (UTC)</h3>${this.daysChart()}`);
    out.push('<div class="cols">');
    out.push(`<div><h3>Most memory the fixes add</h3>${rankTable(this.added)}</div>`);
    out.push(`<div><h3>Most memory wasted</h3>${rankTable(this.wasted)}</div>`);
    out.push('</div>');
    out.push(
      '<p class="muted">Memory × hours: the change in cluster memory the plan makes (its executors and the driver), times how long the application ran; a log without an end has no hours and ranks last.</p>',
    );
    out.push('</section>\n</main>\n</body>\n</html>\n');
    return out.join('\n');
  }

  private filtersHtml(): string {
    const f = this.filters;
    if (!f) return '';
    const used = [
      f.failedOnly ? 'failed applications only (--failed-only)' : null,
      f.since !== null ? `logs modified since ${f.since} (--since)` : null,
      f.appName !== null ? `application names matching ${f.appName} (--app-name)` : null,
      f.limit !== null ? `the ${f.limit} most recently modified logs (--limit)` : null,
    ].filter((x): x is string => x !== null);
    return `<p>Filters: ${used.length > 0 ? used.map((u) => html(u)).join('; ') : 'none — every log in the directory'}</p>`;
  }

  private daysChart(): string {
    if (this.days.size === 0) return '<p class="muted">No application recorded a time.</p>';
    const days = [...this.days].sort((a, b) => a[0].localeCompare(b[0]));
    const max = Math.max(...days.map(([, d]) => d.total));
    const W = 1000;
    const H = 120;
    const bw = Math.max(1, Math.min(40, (W - 40) / days.length - 2));
    const parts: string[] = [];
    days.forEach(([day, d], i) => {
      const x = 30 + i * (bw + 2);
      const th = (d.total / max) * H;
      const fh = (d.failed / max) * H;
      parts.push(
        `<rect class="count" x="${x}" y="${H - th + 10}" width="${bw}" height="${th}"><title>${html(`${day}: ${d.total} applications`)}</title></rect>`,
        `<rect class="count failed" x="${x}" y="${H - fh + 10}" width="${bw}" height="${fh}"><title>${html(`${day}: ${d.failed} failed of ${d.total}`)}</title></rect>`,
      );
    });
    const first = days[0]![0];
    const last = days[days.length - 1]![0];
    parts.push(
      `<text x="30" y="${H + 26}">${html(first)}</text>`,
      `<text x="${W}" y="${H + 26}" text-anchor="end">${html(last)}</text>`,
      `<text x="0" y="18">${max}</text>`,
      `<line class="axis" x1="28" x2="${W}" y1="${H + 10}" y2="${H + 10}"/>`,
    );
    const more =
      this.overflowDays > 0 ? `<p class="muted">${plural(this.overflowDays, 'application')} on days past the chart's cap.</p>` : '';
    return `<svg viewBox="0 0 ${W} ${H + 30}" class="days" role="img" aria-label="failures per day">${parts.join('')}</svg><div class="legend"><span><span class="sw tl-exec"></span>applications</span><span><span class="sw tl-fail"></span>failed</span></div>${more}`;
  }
}

function keepTop(list: Ranked[], r: Ranked): void {
  list.push(r);
  // Ties by anchor, so that the lists do not depend on the order rows came in (a merge of shards, threads).
  list.sort(
    (a, b) => b.weight - a.weight || Math.abs(b.delta) - Math.abs(a.delta) || (a.anchor < b.anchor ? -1 : a.anchor > b.anchor ? 1 : 0),
  );
  if (list.length > TOP) list.pop();
}

function rankTable(list: Ranked[]): string {
  if (list.length === 0) return '<p class="muted">None.</p>';
  const rows = list.map(
    (r) =>
      `<tr><td><a href="#${r.anchor}">${html(r.label)}</a>${r.name || r.code ? `<div class="muted">${html([r.name, r.code].filter(Boolean).join(' · '))}</div>` : ''}</td><td class="num">${html(`${r.delta > 0 ? '+' : '−'}${fmtBytes(Math.abs(r.delta))}`)}</td><td class="num">${r.hours !== null ? html(`${fmtBytes(Math.abs(r.delta) * r.hours)}·h`) : '—'}</td></tr>`,
  );
  return `<table><tr><th>application</th><th class="num">memory</th><th class="num">× hours</th></tr>${rows.join('')}</table>`;
}

/** Counts as horizontal bars, largest first. */
function barChart(m: Map<string, number>, kind: string): string {
  if (m.size === 0) return '<p class="muted">None.</p>';
  const rows = [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const max = Math.max(...rows.map(([, n]) => n));
  const H = 18;
  const parts = rows.map(([k, n], i) => {
    const w = (n / max) * 300;
    const none = k === 'no memory failure';
    return (
      `<text x="0" y="${i * H + 12}">${html(k)}</text>` +
      `<rect class="count${none ? '' : ' failed'}" data-${kind}="${html(k)}" x="170" y="${i * H + 2}" width="${w.toFixed(2)}" height="${H - 6}"><title>${html(`${k}: ${n}`)}</title></rect>` +
      `<text x="${(175 + w).toFixed(2)}" y="${i * H + 12}">${n}</text>`
    );
  });
  return `<svg viewBox="0 0 500 ${rows.length * H + 4}" role="img" aria-label="${html(`counts by ${kind}`)}">${parts.join('')}</svg>`;
}
