import path from 'node:path';
import { escapeControl, escapeCsv, jsonText } from '../render/escape.js';
import { diagnosisJson, failuresText } from '../render/json.js';
import { makeStyle, type Style } from '../render/style.js';
import { remedyText } from '../render/words/remedies.js';
import { appRowHtml, errorRowHtml, ScanPage, type RowFacts, type ScanFilters } from '../render/html/scan.js';
import { TempSpool } from '../sources/temp.js';
import { isFailedRow, type ScanRow } from './row.js';

export type ScanFormat = 'table' | 'jsonl' | 'csv' | 'html';

/** A row made ready where it was computed (a worker thread): the writer only orders and writes it. */
export interface PreparedRow {
  failed: boolean;
  error: boolean;
  appName: string | null;
  verdictCode: string | null;
  roleRegion: string | null;
  /** The row in the output format, with its newline. */
  text: string;
  /** What the HTML page's summaries need of an application's row. */
  facts?: RowFacts;
}

/** Formats one row for `format`; pure, so it runs in the worker that diagnosed the application. */
export function prepareRow(row: ScanRow, format: ScanFormat, color: boolean, index = 0): PreparedRow {
  const st = makeStyle(color);
  const failed = isFailedRow(row);
  const base = {
    failed,
    error: 'failures' in row,
    appName: 'failures' in row ? null : row.app.appName,
    verdictCode: 'failures' in row ? null : (row.app.verdict?.code ?? null),
    roleRegion: 'failures' in row || !row.app.verdict ? null : `${row.app.verdict.role}/${row.app.verdict.region}`,
  };
  if (format === 'html') {
    if ('failures' in row) return { ...base, text: errorRowHtml(row.path, failuresText(row.failures)) };
    const { text, facts } = appRowHtml(row, index, failed);
    return { ...base, text, facts };
  }
  if (format === 'jsonl')
    return { ...base, text: `${jsonText('failures' in row ? errorJson(row) : { ...diagnosisJson(row.app), path: row.path })}\n` };
  const cells = rowCells(row, format === 'csv');
  if (format === 'csv') return { ...base, text: `${cells.map(escapeCsv).join(',')}\n` };
  const line = tableLine(cells.map((c) => escapeControl(c)));
  return { ...base, text: `${'failures' in row ? st.yellow(line) : failed ? st.red(line) : line}\n` };
}

/**
 * Writes scan rows as they finish, failed applications first: those go out at once; the others
 * wait in a private temporary file and follow at the end, so memory stays flat however many
 * applications there are. Totals per verdict code and region are counters.
 *
 * The temporary file is made by `open`, before any log is read: an unusable $TMPDIR is said at
 * once, not after an hour of scanning.
 */
export class RowWriter {
  private spool: TempSpool | null = null;
  private readonly byCode = new Map<string, number>();
  private readonly byRegion = new Map<string, number>();
  rows = 0;
  errors = 0;
  private headerDone = false;
  private readonly page: ScanPage | null;

  constructor(
    private readonly format: ScanFormat,
    private readonly out: (s: string) => void,
    private readonly st: Style,
    filters: ScanFilters | null = null,
  ) {
    this.page = format === 'html' ? new ScanPage(filters) : null;
  }

  /** Makes the private temporary file rows wait in. Throws InputError 'temp-dir-unusable'. */
  open(): void {
    this.spool ??= new TempSpool('spark-triage-scan-', 'scan-rows');
  }

  add(row: PreparedRow): void {
    this.rows++;
    if (row.error) this.errors++;
    else {
      const key = row.verdictCode ?? 'no memory failure';
      this.byCode.set(key, (this.byCode.get(key) ?? 0) + 1);
      if (row.roleRegion) this.byRegion.set(row.roleRegion, (this.byRegion.get(row.roleRegion) ?? 0) + 1);
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
    if (!this.headerDone) this.header();
    this.spool?.drainTo(this.out);
    this.spool = null;
    if (this.format === 'table') this.out(this.totals(note));
    if (this.page) this.out(this.page.end(this.rows, this.errors, this.byCode, this.byRegion, note));
  }

  cleanup(): void {
    this.spool?.remove();
    this.spool = null;
  }

  private header(): void {
    this.headerDone = true;
    if (this.format === 'csv') this.out(`${CSV_COLUMNS.join(',')}\n`);
    if (this.format === 'table') this.out(`${this.st.bold(tableLine(TABLE_HEADER))}\n`);
    if (this.page) this.out(this.page.start());
  }

  private emit(text: string): void {
    if (!this.headerDone) this.header();
    this.out(text);
  }

  private totals(note?: string): string {
    const lines = ['', this.st.bold(`${this.rows} rows${this.errors ? `, ${this.errors} unreadable` : ''}${note ? ` (${note})` : ''}`)];
    const fmt = (m: Map<string, number>): string =>
      [...m]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
    if (this.byCode.size > 0) lines.push(`by verdict: ${fmt(this.byCode)}`);
    if (this.byRegion.size > 0) lines.push(`by role/region: ${fmt(this.byRegion)}`);
    return `${lines.join('\n')}\n`;
  }
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
];
const TABLE_HEADER = ['application', 'name', 'user', 'spark', 'manager', 'outcome', 'duration', 'verdict', 'role/region', 'top fix'];
const WIDTHS = [32, 20, 10, 8, 10, 10, 9, 22, 18, 0];

/** The verdict's first change: "--conf key=value" in the table, "key=value" in CSV (a cell starting with "-" reads as a formula). */
function topFix(row: Extract<ScanRow, { app: unknown }>, csv: boolean): string {
  const main = row.app.verdict ? row.app.findings.find((f) => f.code === row.app.verdict!.code) : undefined;
  const r = main?.remediation.find((x) => x.conf && x.suggested) ?? main?.remediation[0];
  if (!r) return '';
  if (r.conf && r.suggested) return `${csv ? '' : '--conf '}${r.conf}=${r.suggested}`;
  return remedyText(r);
}

function rowCells(row: ScanRow, csv: boolean): string[] {
  if ('failures' in row) {
    const why = failuresText(row.failures);
    return csv
      ? [row.path, '', '', '', '', '', '', '', '', '', '', '', '', why]
      : [row.path, '', '', '', '', 'unreadable', '', '', '', why];
  }
  const a = row.app;
  const dur = row.startTime !== null && row.endTime !== null ? row.endTime - row.startTime : null;
  const v = a.verdict;
  if (csv)
    return [
      row.path,
      a.appId ?? '',
      a.appName ?? '',
      row.user ?? '',
      a.sparkVersion ?? '',
      a.clusterManager,
      a.outcome,
      dur === null ? '' : String(dur),
      v?.code ?? '',
      v?.role ?? '',
      v?.region ?? '',
      v?.confidence ?? '',
      topFix(row, true),
      '',
    ];
  return [
    a.appId ?? path.basename(row.path),
    a.appName ?? '',
    row.user ?? '',
    a.sparkVersion ?? '',
    a.clusterManager,
    a.outcome,
    dur === null ? '' : compactDuration(dur),
    v?.code ?? '',
    v ? `${v.role}/${v.region}` : '',
    topFix(row, false),
  ];
}

function tableLine(cells: string[]): string {
  return cells
    .map((c, i) => (WIDTHS[i] ? fit(c, WIDTHS[i], i === 0) : c))
    .join(' ')
    .trimEnd();
}

/** Pads or cuts to w; paths (the first column) keep their end, the part that names the file. */
function fit(s: string, w: number, keepEnd = false): string {
  if (s.length <= w) return s.padEnd(w);
  return keepEnd && s.includes('/') ? `…${s.slice(-(w - 1))}` : `${s.slice(0, w - 1)}…`;
}

/** 42s, 2m16s, 1h05m, 3d02h. */
function compactDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor(s / 3600) % 24).padStart(2, '0')}h`;
}

function errorJson(row: Extract<ScanRow, { failures: unknown }>): object {
  return {
    path: row.path,
    error: failuresText(row.failures),
    errors: row.failures.map((f) => ({ part: f.part, code: f.problem.code, data: f.problem.data })),
  };
}
