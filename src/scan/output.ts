import type * as Zod from 'zod';
import { loadZod } from '../eventlog/zod.js';
import { escapeControl, escapeCsv, jsonText } from '../render/escape.js';
import { diagnosisJson, failuresText } from '../render/json.js';
import { makeStyle, type Style } from '../render/style.js';
import {
  appRowHtml,
  errorRowHtml,
  mergedRowHtml,
  PAGE_DATA_VERSION,
  ScanPage,
  type RowFacts,
  type ScanFilters,
} from '../render/html/scan.js';
import { TempSpool } from '../sources/temp.js';
import { fleetCsvHeader, fleetCsvRow, fleetJsonl, fleetTable } from '../render/fleet.js';
import { FleetGroups } from './fleet.js';
import type { InputFailure } from '../input/read.js';
import type { ScanRow } from './row.js';

export type ScanFormat = 'table' | 'jsonl' | 'csv' | 'html';

/**
 * A scan row as JSONL prints it, the one form every other is made from: a diagnosis (the `diagnose`
 * applications[] object) with its path, user and times, or the errors of a path. `merge` and
 * `--state` read it back, so a table, CSV or totals made from stored rows equal a fresh scan's.
 * With `page` (scan --for-html) it also carries what the HTML page draws and the JSON does not say:
 * the diagnosis as the renderers take it, its timeline, and the row's place among its log's rows
 * (the page's anchors), under `page`, versioned (PAGE_DATA_VERSION).
 */
function rowJson(row: ScanRow, page = false, index = 0): Record<string, unknown> {
  if ('failures' in row) return { path: row.path, ...readErrorJson(row.failures) };
  return {
    ...diagnosisJson(row.app),
    path: row.path,
    attempt: row.attempt,
    user: row.user,
    startTime: row.startTime,
    endTime: row.endTime,
    run: row.run,
    // An application read only in part carries what stopped the reading, as an unreadable path's row does.
    ...(row.readFailures.length > 0 ? readErrorJson(row.readFailures) : {}),
    ...(page ? { page: { v: PAGE_DATA_VERSION, index, diagnosis: row.app, timeline: row.timeline } } : {}),
  };
}

/** Why a path was not read to its end: the words (`error`) and the codes (`errors`), on its row. */
const readErrorJson = (failures: InputFailure[]): { error: string; errors: unknown[] } => ({
  error: failuresText(failures),
  errors: failures.map((f) => ({ part: f.part, code: f.problem.code, data: f.problem.data })),
});

/** The schema of RowView (below), from zod: built at its first use, so that zod is not loaded at every start (src/eventlog/schemas.ts). */
function rowViewSchema() {
  const z = loadZod();
  const verdictView = z.object({ code: z.string(), role: z.string(), region: z.string(), confidence: z.string() }).nullable();
  return z.union([
    z
      .object({
        path: z.string(),
        appId: z.string().nullable(),
        appName: z.string().nullable(),
        sparkVersion: z.string().nullable(),
        clusterManager: z.string(),
        outcome: z.string(),
        attempt: z.string().nullable().optional(),
        user: z.string().nullable().optional(),
        startTime: z.number().nullable().optional(),
        endTime: z.number().nullable().optional(),
        /** Present when the log could be read only in part. */
        error: z.string().optional(),
        errors: z.array(z.unknown()).optional(),
        verdict: verdictView,
        failure: verdictView,
        plan: z
          .object({ conf: z.record(z.string(), z.string()) })
          .passthrough()
          .nullable(),
        findings: z.array(
          z
            .object({
              code: z.string(),
              severity: z.string(),
              remediation: z.array(
                z.object({ conf: z.string().nullable(), suggested: z.string().nullable(), reason: z.string() }).passthrough(),
              ),
            })
            .passthrough(),
        ),
      })
      .passthrough(),
    z.object({ path: z.string(), error: z.string(), errors: z.array(z.unknown()) }).passthrough(),
  ]);
}
let rowView: ReturnType<typeof rowViewSchema> | undefined;
/**
 * What the table, CSV and totals read of a JSON row: the fields they show, checked (a shard's file
 * given to `merge` is input like any other). Unknown fields are kept.
 */
export const isRowView = (v: unknown): v is RowView => (rowView ??= rowViewSchema()).safeParse(v).success;
export type RowView = Zod.infer<ReturnType<typeof rowViewSchema>>;
type AppView = Extract<RowView, { findings: unknown }>;
type ErrorView = Exclude<RowView, AppView>;
/** A path with no application read: an application's row may carry an error too (read in part). */
const isError = (r: RowView): r is ErrorView => !('findings' in r);

/** A row made ready where it was computed (a worker thread): the writer only orders, counts and writes it. */
export interface PreparedRow {
  failed: boolean;
  /** A path with no application read. */
  error: boolean;
  /** An application whose log could be read only in part. */
  readError?: boolean;
  appName: string | null;
  verdictCode: string | null;
  roleRegion: string | null;
  /** Warning codes besides the verdict: a scan that hid them counted GC pressure as "no memory failure". */
  warnings: string[];
  /** The row in the output format, with its newline. */
  text: string;
  /** The row as JSONL prints it (for --state), with its newline. */
  json: string;
  /** What the HTML page's summaries need of an application's row. */
  facts?: RowFacts;
  /** HTML from a JSON row: false when the row lacked the page's data (scanned without --for-html). */
  pageData?: boolean;
}

/** Where the table's width comes from: the terminal's columns, or 80. */
export interface TableShape {
  width: number;
  /** The scanned directory, which paths are shown relative to. */
  root: string;
}

/**
 * Formats one diagnosed row for `format`; pure, so it runs in the worker that diagnosed the
 * application. Its own JSON needs no checking: the contract tests hold it to RowView's shape.
 */
export function prepareRow(row: ScanRow, format: ScanFormat, color: boolean, shape: TableShape, index = 0, page = false): PreparedRow {
  const obj = rowJson(row, page, index);
  const json = `${jsonText(obj)}\n`;
  if (format !== 'html') return prepareView(obj as RowView, json, format, color, shape);
  // The page is made from the diagnosis itself (and its timeline), not from the JSON row.
  const base = prepareView(obj as RowView, json, 'jsonl', false, shape);
  if ('failures' in row) return { ...base, text: errorRowHtml(row.path, failuresText(row.failures)) };
  const { text, facts } = appRowHtml(row, index, base.failed, row.readFailures.length > 0 ? failuresText(row.readFailures) : null);
  return { ...base, text, facts };
}

/**
 * Formats a row read back as JSON (from a state file or a shard's output). `index`: its place among
 * the rows of its log, for the HTML page's anchors.
 */
export function prepareView(v: RowView, json: string, format: ScanFormat, color: boolean, shape: TableShape, index = 0): PreparedRow {
  const st = makeStyle(color);
  const failed = isFailedView(v);
  const app = isError(v) ? null : v;
  const base = {
    failed,
    error: app === null,
    ...(app?.error !== undefined ? { readError: true } : {}),
    appName: app?.appName ?? null,
    verdictCode: app?.verdict?.code ?? null,
    roleRegion: app?.verdict ? `${app.verdict.role}/${app.verdict.region}` : null,
    warnings: app ? warningCodes(app) : [],
    json,
  };
  if (format === 'jsonl') return { ...base, text: json };
  if (format === 'html') {
    if (app === null) return { ...base, text: errorRowHtml(v.path, (v as { error: string }).error) };
    const { text, facts, pageData } = mergedRowHtml(
      {
        ...app,
        startTime: app.startTime ?? null,
        endTime: app.endTime ?? null,
        plan: app.plan as { clusterMemoryBefore?: unknown } | null,
        error: app.error ?? null,
      },
      index,
      failed,
    );
    return { ...base, text, facts, pageData };
  }
  if (format === 'csv') return { ...base, text: `${csvCells(v).map(escapeCsv).join(',')}\n` };
  const lines = tableRow(v, shape);
  const paint = app === null ? st.yellow : failed ? st.red : (s: string): string => s;
  return {
    ...base,
    text: `${paint(lines[0]!)}\n${lines
      .slice(1)
      .map((l) => `${st.dim(l)}\n`)
      .join('')}`,
  };
}

/** Failed first: a failed or unfinished application, or any critical finding (as isFailedRow). */
function isFailedView(v: RowView): boolean {
  if (isError(v)) return true;
  const a = v;
  // Read only in part: what it lacks may hold the failure, so it is not put among the healthy.
  return a.error !== undefined || a.outcome === 'failed' || a.outcome === 'incomplete' || a.findings.some((f) => f.severity === 'critical');
}

const warningsOf = (a: AppView): number => a.findings.filter((f) => f.severity === 'warning' && f.code !== a.verdict?.code).length;

/** The warnings besides the verdict, by code. */
const warningCodes = (a: AppView): string[] =>
  a.findings.filter((f) => f.severity === 'warning' && f.code !== a.verdict?.code).map((f) => f.code);

/** The verdict's first change, "key=value" (a CSV cell starting with "-" reads as a formula), else its advice. */
function topFix(a: AppView): string {
  const main = a.verdict
    ? a.findings.find((f) => f.code === a.verdict!.code)
    : a.failure
      ? a.findings.find((f) => f.code === a.failure!.code)
      : undefined;
  const r = main?.remediation.find((x) => x.conf && x.suggested) ?? main?.remediation[0];
  if (!r) return '';
  return r.conf && r.suggested ? `${r.conf}=${r.suggested}` : r.reason;
}

const CSV_COLUMNS = [
  'path',
  'appId',
  'appName',
  'user',
  'sparkVersion',
  'clusterManager',
  'outcome',
  'durationMs',
  'verdict',
  'role',
  'region',
  'confidence',
  'fix',
  'error',
  'warnings',
];

function csvCells(v: RowView): string[] {
  if (isError(v)) return [v.path, '', '', '', '', '', '', '', '', '', '', '', '', v.error, ''];
  const a = v;
  const dur = durationOf(a);
  const x = a.verdict;
  return [
    a.path,
    a.appId ?? '',
    a.appName ?? '',
    a.user ?? '',
    a.sparkVersion ?? '',
    a.clusterManager,
    a.outcome,
    dur === null ? '' : String(dur),
    x?.code ?? '',
    x?.role ?? '',
    x?.region ?? '',
    x?.confidence ?? '',
    topFix(a),
    a.error ?? '',
    warningCodes(a).join(' '),
  ];
}

const durationOf = (a: AppView): number | null =>
  a.startTime !== null && a.startTime !== undefined && a.endTime !== null && a.endTime !== undefined ? a.endTime - a.startTime : null;

/**
 * The table's columns: what a person triaging needs at 80 columns (severity, the log, outcome,
 * verdict, warnings), the rest from 140. The fix goes on a line of its own under its row.
 */
interface Column {
  head: string;
  width: number;
  cell: (a: AppView | null, v: RowView) => string;
  wide?: true;
  right?: true;
}
const COLUMNS: Column[] = [
  { head: 'sev', width: 4, cell: (a, v) => severityWord(a, v) },
  // The log, and the attempt when it has one: a History Server zip holds several of one application.
  { head: 'log', width: 0, cell: (a, v) => (a?.attempt ? `${v.path} #${a.attempt}` : v.path) },
  { head: 'name', width: 20, wide: true, cell: (a) => a?.appName ?? '' },
  { head: 'user', width: 10, wide: true, cell: (a) => a?.user ?? '' },
  { head: 'spark', width: 7, wide: true, cell: (a) => a?.sparkVersion ?? '' },
  { head: 'manager', width: 10, wide: true, cell: (a) => a?.clusterManager ?? '' },
  { head: 'outcome', width: 10, cell: (a) => (a ? a.outcome : 'unreadable') },
  { head: 'duration', width: 8, wide: true, cell: (a) => (a && durationOf(a) !== null ? compactDuration(durationOf(a)!) : '') },
  { head: 'verdict', width: 22, cell: (a) => a?.verdict?.code ?? a?.failure?.code ?? '' },
  { head: 'role/region', width: 18, wide: true, cell: (a) => (a?.verdict ? `${a.verdict.role}/${a.verdict.region}` : '') },
  { head: 'warn', width: 4, right: true, cell: (a) => (a && warningsOf(a) > 0 ? String(warningsOf(a)) : '') },
];
/** From this many columns on, the table shows the wide columns too. */
const WIDE_FROM = 140;
/** The log column never narrower than this. */
const MIN_LOG = 24;

function columnsFor(width: number): Array<Column & { width: number }> {
  const cols = COLUMNS.filter((c) => !c.wide || width >= WIDE_FROM);
  const fixed = cols.reduce((n, c) => n + c.width, 0) + cols.length - 1;
  return cols.map((c) => (c.width === 0 ? { ...c, width: Math.max(MIN_LOG, width - fixed) } : c));
}

/** crit: a critical memory finding; fail: failed otherwise; warn: a warning; err: unreadable; ok. */
function severityWord(a: AppView | null, v: RowView): string {
  if (a === null) return 'err';
  if (a.verdict && a.findings.some((f) => f.code === a.verdict!.code && f.severity === 'critical')) return 'crit';
  if (isFailedView(v)) return 'fail';
  return a.findings.some((f) => f.severity === 'warning') ? 'warn' : 'ok';
}

/** A row's line, and under it the fix or the error, each cut to the width. */
function tableRow(v: RowView, shape: TableShape): string[] {
  const a = isError(v) ? null : v;
  const shown = { ...v, path: underRoot(shape.root, v.path) } as RowView;
  const cols = columnsFor(shape.width);
  const line = cols
    .map((c) => {
      const s = escapeControl(c.cell(a, shown));
      return c.right ? s.padStart(c.width) : fit(s, c.width, c.head === 'log');
    })
    .join(' ')
    .trimEnd();
  const under = [a === null ? '' : fixLine(a), v.error === undefined ? '' : `error: ${v.error}`].filter((u) => u !== '');
  return [line, ...under.map((u) => fit(`     ${escapeControl(u)}`, shape.width).trimEnd())];
}

/** The plan's settings as spark-submit takes them, else the verdict's (or failure's) advice. */
function fixLine(a: AppView): string {
  const conf = Object.entries(a.plan?.conf ?? {});
  if (conf.length > 0) return `fix: ${conf.map(([k, val]) => `--conf ${k}=${val}`).join(' ')}`;
  const t = a.verdict || a.failure ? topFix(a) : '';
  return t === '' ? '' : `fix: ${t}`;
}

/** A scanned path (or URL) as it stands under the scan's root: the table shows it so, and --shard hashes it. */
export const underRoot = (root: string, p: string): string => (root !== '' && p.startsWith(`${root}/`) ? p.slice(root.length + 1) : p);

/** A scan's root as paths under it begin: without trailing slashes. */
export const scanRoot = (dir: string): string => dir.replace(/\/+$/, '');

/** Pads or cuts to w; the log column keeps its end, the part that names the file. */
function fit(s: string, w: number, keepEnd = false): string {
  if (s.length <= w) return s.padEnd(w);
  return keepEnd ? `…${s.slice(-(w - 1))}` : `${s.slice(0, w - 1)}…`;
}

/** 42s, 2m16s, 1h05m, 3d02h. */
function compactDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor(s / 3600) % 24).padStart(2, '0')}h`;
}

/**
 * Writes scan rows as they finish, failed applications first: those go out at once; the others
 * wait in a private temporary file and follow at the end, so memory stays flat however many
 * applications there are. Totals per verdict code, region and warning are counters.
 *
 * The temporary file is made by `open`, before any log is read: an unusable $TMPDIR is said at
 * once, not after an hour of scanning.
 */
export class RowWriter {
  private spool: TempSpool | null = null;
  private readonly byCode = new Map<string, number>();
  private readonly byRegion = new Map<string, number>();
  private readonly byWarning = new Map<string, number>();
  rows = 0;
  errors = 0;
  /** Applications read only in part. */
  partial = 0;
  private headerDone = false;
  private readonly page: ScanPage | null;
  /** --by app-name: rows are folded into groups, written at the end instead of the rows. */
  private readonly fleet: FleetGroups | null;

  constructor(
    private readonly format: ScanFormat,
    private readonly out: (s: string) => void,
    private readonly st: Style,
    private readonly shape: TableShape,
    filters: ScanFilters | null = null,
    by: 'app-name' | null = null,
  ) {
    this.page = format === 'html' && by === null ? new ScanPage(filters) : null;
    this.fleet = by === 'app-name' ? new FleetGroups() : null;
  }

  /** Makes the private temporary file rows wait in. Throws InputError 'temp-dir-unusable'. */
  open(): void {
    this.spool ??= new TempSpool('spark-triage-scan-', 'scan-rows');
  }

  add(row: PreparedRow): void {
    if (this.fleet) {
      // Written by this build (a worker, the state) or checked by merge: its shape is RowView's.
      this.fleet.add(JSON.parse(row.json) as Parameters<FleetGroups['add']>[0]);
      this.rows++;
      return;
    }
    this.rows++;
    if (row.readError === true) this.partial++;
    if (row.error) this.errors++;
    else {
      const key = row.verdictCode ?? 'no memory failure';
      this.byCode.set(key, (this.byCode.get(key) ?? 0) + 1);
      if (row.roleRegion) this.byRegion.set(row.roleRegion, (this.byRegion.get(row.roleRegion) ?? 0) + 1);
      for (const w of row.warnings) this.byWarning.set(w, (this.byWarning.get(w) ?? 0) + 1);
    }
    if (row.facts) this.page?.add(row.facts);
    if (row.failed) this.emit(row.text);
    else {
      this.open();
      this.spool!.write(row.text);
    }
  }

  /** Prints the spooled rows, then the totals (table only: jsonl and csv stay pure data). */
  finish(note?: string): void {
    if (this.fleet) return this.finishFleet(this.fleet, note);
    if (!this.headerDone) this.header();
    this.spool?.drainTo(this.out);
    this.spool = null;
    if (this.format === 'table') this.out(this.totals(note));
    if (this.page) this.out(this.page.end(this.rows, this.errors, this.partial, this.byCode, this.byRegion, note));
  }

  private finishFleet(fleet: FleetGroups, note?: string): void {
    const groups = fleet.summaries();
    if (this.format === 'jsonl') for (const g of groups) this.out(fleetJsonl(g));
    else if (this.format === 'csv') {
      this.out(fleetCsvHeader());
      for (const g of groups) this.out(fleetCsvRow(g));
    } else {
      this.out(fleetTable(groups, fleet.totals, this.st, this.shape.width));
      if (note) this.out(`${this.st.bold(`(${note})`)}\n`);
    }
  }

  cleanup(): void {
    this.spool?.remove();
    this.spool = null;
  }

  private header(): void {
    this.headerDone = true;
    if (this.format === 'csv') this.out(`${CSV_COLUMNS.join(',')}\n`);
    if (this.format === 'table') {
      const head = columnsFor(this.shape.width)
        .map((c) => (c.right ? c.head.padStart(c.width) : c.head.padEnd(c.width)))
        .join(' ')
        .trimEnd();
      this.out(`${this.st.bold(head)}\n`);
    }
    if (this.page) this.out(this.page.start());
  }

  private emit(text: string): void {
    if (!this.headerDone) this.header();
    this.out(text);
  }

  private totals(note?: string): string {
    const lines = [
      '',
      this.st.bold(
        `${this.rows} rows${this.errors ? `, ${this.errors} unreadable` : ''}${this.partial ? `, ${this.partial} read in part` : ''}${note ? ` (${note})` : ''}`,
      ),
    ];
    const fmt = (m: Map<string, number>): string =>
      [...m]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
    const w = this.format === 'table' ? this.shape.width : Infinity;
    if (this.byCode.size > 0) lines.push(wrap(`by verdict: ${fmt(this.byCode)}`, w));
    if (this.byRegion.size > 0) lines.push(wrap(`by role/region: ${fmt(this.byRegion)}`, w));
    if (this.byWarning.size > 0) lines.push(wrap(`warnings: ${fmt(this.byWarning)}`, w));
    return `${lines.join('\n')}\n`;
  }
}

/** A totals line folded at its commas to `width`, the lines after the first indented. */
function wrap(line: string, width: number): string {
  if (line.length <= width) return line;
  const out: string[] = [];
  let cur = '';
  const parts = line.split(', ');
  parts.forEach((part, i) => {
    const next = cur === '' ? part : `${cur}, ${part}`;
    // A line that is not the last ends with the comma: it counts.
    if (next.length + (i < parts.length - 1 ? 1 : 0) > width && cur !== '') {
      out.push(`${cur},`);
      cur = `  ${part}`;
    } else cur = next;
  });
  out.push(cur);
  return out.join('\n');
}
