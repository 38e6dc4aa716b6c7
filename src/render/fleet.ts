import type { FleetGroup, FleetRegion, FleetTotals } from '../scan/fleet.js';
import { escapeControl, escapeCsv, jsonText } from './escape.js';
import type { Style } from './style.js';
import { fmtBytes, fmtTime } from './units.js';

/** `scan --by app-name` and `merge --by app-name`: one block (table), line (JSONL) or row (CSV) per application name. */

const REGION_WORD: Record<FleetRegion, string> = {
  heap: 'executor heap',
  unified: 'unified pool',
  offHeap: 'off-heap',
  overhead: 'overhead',
  pyspark: 'PySpark memory',
  container: 'container RSS',
};

/** Bytes·hours as GiB·h, signed. */
const gibHours = (bh: number): string => `${bh >= 0 ? '+' : '−'}${(Math.abs(bh) / 2 ** 30).toFixed(1)} GiB·h`;
const pct = (share: number): string => `${Math.round(share * 100)}%`;

/** The table: a block per name, each line cut to `width`. */
export function fleetTable(groups: FleetGroup[], totals: FleetTotals, st: Style, width: number): string {
  const out: string[] = [];
  const fit = (s: string): string => (s.length <= width ? s : `${s.slice(0, width - 1)}…`);
  for (const g of groups) {
    const counts = [`${g.runs} run${g.runs === 1 ? '' : 's'}`];
    if (g.failed > 0) counts.push(`${g.failed} failed`);
    if (g.died > 0) counts.push(`${g.died} died of memory`);
    if (g.unfinished > 0) counts.push(`${g.unfinished} unfinished`);
    const head = `${escapeControl(g.appName)} · ${counts.join(', ')} · Spark ${escapeControl(g.sparkVersion ?? '?')} on ${escapeControl(g.clusterManager)}`;
    const paint = g.died > 0 || g.failed > 0 ? st.red : (s: string): string => s;
    out.push(paint(st.bold(fit(head))));
    if (g.firstStart !== null && g.lastStart !== null && g.runs > 1)
      out.push(st.dim(fit(`  ${fmtTime(g.firstStart)} … ${fmtTime(g.lastStart)}`)));
    for (const r of g.regions) {
      const share = r.size > 0 ? ` (${pct(r.max / r.size)})` : '';
      out.push(
        fit(
          `  ${REGION_WORD[r.region].padEnd(15)} of ${fmtBytes(r.size).padStart(8)}: p50 ${fmtBytes(r.p50).padStart(8)}  p95 ${fmtBytes(r.p95).padStart(8)}  max ${fmtBytes(r.max)}${share}`,
        ),
      );
    }
    if (g.plan) {
      // Each --conf whole, folded onto lines of the width (one longer than the width stands alone, cut).
      const lead = '  plan:';
      let line = lead;
      for (const c of g.plan.changes) {
        const part = `--conf ${escapeControl(c.key)}=${escapeControl(c.to)}`;
        if (line.length + 1 + part.length > width && line !== lead) {
          out.push(line);
          line = `${' '.repeat(lead.length)} ${part}`;
        } else line = `${line} ${part}`;
      }
      out.push(fit(line));
      // Up or down is the executor's container when it is known (a plan raising only the shuffle
      // partitions moves no memory), else the direction of the settings changed.
      const [before, after] = [g.plan.executorContainerBefore, g.plan.executorContainerAfter];
      const dirs = new Set(g.plan.changes.map((c) => c.direction));
      const what =
        before !== null && after !== null
          ? after > before
            ? 'up'
            : after < before
              ? 'down'
              : 'same size'
          : dirs.has('up')
            ? 'up'
            : dirs.has('down')
              ? 'down'
              : 'set';
      const box = before !== null && after !== null ? `executor ${fmtBytes(before)} → ${fmtBytes(after)}` : 'executor size unknown';
      const cost =
        g.plan.byteHours !== null && g.plan.executorHours !== null
          ? `, ${gibHours(g.plan.byteHours)} over ${formatHours(g.plan.executorHours)} executor-h`
          : '';
      out.push(st.dim(fit(`        ${what}: ${box}${cost}`)));
    } else out.push(st.dim(fit('  plan: none — the settings in effect hold every run')));
    if (g.grows) {
      const input = g.grows.input ? `; input ${signed(g.grows.input.share)}` : '';
      out.push(
        st.yellow(
          fit(
            `  grows: heap peak ${fmtBytes(g.grows.from)} → ${fmtBytes(g.grows.to)} (${signed(g.grows.share)}) over ${g.grows.runs} runs${input}`,
          ),
        ),
      );
    }
    if (g.kept < g.runs) out.push(st.dim(fit(`  peaks and trend from the newest ${g.kept} runs`)));
    out.push('');
  }
  const more: string[] = [];
  if (totals.unnamed > 0) more.push(`${totals.unnamed} without a name`);
  if (totals.overflowRuns > 0) more.push(`${totals.overflowRuns} past the group cap, counted only`);
  if (totals.errors > 0) more.push(`${totals.errors} unreadable`);
  const planned = groups.filter((g) => g.plan !== null);
  const net = planned.reduce((n, g) => n + (g.plan!.byteHours ?? 0), 0);
  out.push(st.bold(fit(`${totals.groups} application names, ${totals.runs} runs${more.length ? ` (${more.join(', ')})` : ''}`)));
  if (planned.length > 0) out.push(fit(`plans for ${planned.length}: ${gibHours(net)} over the runs seen`));
  const growing = groups.filter((g) => g.grows).length;
  if (growing > 0) out.push(fit(`memory growing run over run: ${growing}`));
  return `${out.join('\n')}\n`;
}

const formatHours = (h: number): string => (h >= 10 ? h.toFixed(0) : h.toFixed(1));

const signed = (share: number): string => `${share >= 0 ? '+' : '−'}${pct(Math.abs(share))}`;

const CSV_COLUMNS = [
  'appName',
  'runs',
  'failed',
  'diedOfMemory',
  'sparkVersion',
  'clusterManager',
  'heapSize',
  'heapP50',
  'heapP95',
  'heapMax',
  'overheadSize',
  'overheadMax',
  'plan',
  'byteHours',
  'heapGrowth',
  'inputGrowth',
];

export const fleetCsvHeader = (): string => `${CSV_COLUMNS.join(',')}\n`;

export function fleetCsvRow(g: FleetGroup): string {
  const r = (x: FleetRegion): FleetGroup['regions'][number] | undefined => g.regions.find((y) => y.region === x);
  const n = (v: number | null | undefined): string => (v === null || v === undefined ? '' : String(v));
  const cells = [
    g.appName,
    String(g.runs),
    String(g.failed),
    String(g.died),
    g.sparkVersion ?? '',
    g.clusterManager,
    n(r('heap')?.size),
    n(r('heap')?.p50),
    n(r('heap')?.p95),
    n(r('heap')?.max),
    n(r('overhead')?.size),
    n(r('overhead')?.max),
    g.plan ? g.plan.changes.map((c) => `${c.key}=${c.to}`).join(' ') : '',
    n(g.plan?.byteHours),
    n(g.grows?.share),
    n(g.grows?.input?.share),
  ];
  // Numbers as they are (a number is never read as a formula); text escaped for spreadsheets.
  return `${cells.map((c) => (/^-?\d+(\.\d+)?$/.test(c) ? c : escapeCsv(c))).join(',')}\n`;
}

/** A group as one JSON line: numbers and codes only (the contract: test/contract.ts FleetGroupSchema). */
export const fleetJsonl = (g: FleetGroup): string => `${jsonText(g)}\n`;
