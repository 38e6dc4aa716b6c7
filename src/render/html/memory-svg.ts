import type { Diagnosis } from '../../diagnose/index.js';
import { peaksAgainstLimits, type MemoryLayout } from '../../memory/index.js';
import type { Need } from '../../plan/needs.js';
import { fmtBytes } from '../units.js';
import { html } from './escape.js';
import { REGION_COLOUR } from './page.js';

/**
 * The memory picture: per role, the container as a stacked bar to scale (one scale for every role
 * on the page, so a driver beside its executors looks its size), each executor's observed peaks set
 * against the region they live in, the limit a kill happened at and what was used, and the
 * container the plan asks for. Hand-made SVG: a few rects and lines need no charting library.
 */

/** viewBox units: a left gutter for row labels, then the bars. */
const VIEW_WIDTH = 1000;
const GUTTER = 150;
/** The right column holds each peak strip's maximum. */
const RIGHT = 200;
const BAR_WIDTH = VIEW_WIDTH - GUTTER - RIGHT;
const BAR_HEIGHT = 28;
const STRIP_HEIGHT = 16;
/** The width of a character of a label inside a segment (11px bold system-ui), in viewBox units at 1000 px: a little over the real one. */
const CHAR_WIDTH = 7;
/** The width of a character of the 11px text above a bar, in viewBox units at 1000 px: a little over the real one. */
const TEXT_CHAR_WIDTH = 6.2;

type SegRegion = keyof typeof REGION_COLOUR;

/** Managers that run no container around an executor: nothing kills it at a size (memory/rules.ts CONTAINER_RULES). */
const NO_CONTAINER = new Set(['standalone', 'local']);

/** The colour of the span a peak strip is drawn over: its region's. */
const STRIP_COLOUR: Record<string, string> = {
  heap: REGION_COLOUR.heap,
  unified: REGION_COLOUR.execution,
  overhead: REGION_COLOUR.overhead,
  offHeap: REGION_COLOUR.offHeap,
  pyspark: REGION_COLOUR.pyspark,
  container: REGION_COLOUR.notCounted,
};

interface Segment {
  region: SegRegion;
  bytes: number;
}

const SEGMENT_WORD: Record<SegRegion, string> = {
  notCounted: 'not counted',
  reserved: 'reserved',
  user: 'user',
  storage: 'storage',
  execution: 'execution',
  overhead: 'overhead',
  offHeap: 'off-heap',
  pyspark: 'PySpark',
  heap: 'heap',
};

const SEGMENT_TITLE: Record<SegRegion, string> = {
  notCounted: 'one survivor space: part of -Xmx that Runtime.maxMemory leaves out, so Spark never counts it',
  reserved: 'reserved memory: fixed 300 MiB Spark keeps for itself',
  user: 'user memory: your objects, UDFs, Spark metadata',
  storage: 'storage memory: cache and broadcasts (evictable past this)',
  execution: 'execution memory: shuffles, joins, sorts, aggregations',
  overhead: 'overhead: off-heap JVM (metaspace, threads, Netty)',
  offHeap: 'off-heap memory (spark.memory.offHeap.size)',
  pyspark: 'PySpark memory (spark.executor.pyspark.memory): the Python workers',
  heap: 'heap (-Xmx)',
};

/** The metrics drawn as peak strips, in order, and their words. */
const PEAK_METRICS: ReadonlyArray<[string, string]> = [
  ['JVMHeapMemory', 'heap used'],
  ['OnHeapExecutionMemory', 'execution used'],
  ['OnHeapStorageMemory', 'storage used'],
  ['ProcessTreeJVMRSSMemory', 'JVM RSS'],
  ['ProcessTreePythonRSSMemory', 'Python RSS'],
  ['DirectPoolMemory', 'direct buffers'],
  ['JVMOffHeapMemory', 'JVM non-heap'],
  ['OffHeapExecutionMemory', 'off-heap execution'],
];

/** The executor's container: heap regions, then what lies outside the heap. */
function executorSegments(l: MemoryLayout): Segment[] {
  const e = l.executor;
  const inHeap = e.reserved + e.user + e.storage + e.execution;
  return [
    { region: 'reserved', bytes: e.reserved },
    { region: 'user', bytes: e.user },
    { region: 'storage', bytes: e.storage },
    { region: 'execution', bytes: e.execution },
    { region: 'notCounted', bytes: Math.max(0, e.heap - inHeap) },
    { region: 'overhead', bytes: e.overhead },
    { region: 'offHeap', bytes: e.offHeap },
    { region: 'pyspark', bytes: e.pyspark },
  ];
}

function driverSegments(l: MemoryLayout): Segment[] {
  const d = l.driver;
  return [
    { region: 'heap', bytes: d.heap },
    { region: 'overhead', bytes: d.overhead },
  ];
}

/** Where each region starts and ends along the bar, in bytes. */
function spans(segs: Segment[]): Map<SegRegion, [number, number]> {
  const out = new Map<SegRegion, [number, number]>();
  let at = 0;
  for (const s of segs) {
    out.set(s.region, [at, at + s.bytes]);
    at += s.bytes;
  }
  return out;
}

/** A kill's figures from a finding's needs: the limit it ran at and what was used. */
function killOf(d: Diagnosis, kind: 'executor-room' | 'driver-room'): { limit: number; used: number | null; code: string } | null {
  const main = d.verdict ? d.findings.find((f) => f.code === d.verdict!.code) : undefined;
  const ordered = main ? [main, ...d.findings.filter((f) => f !== main)] : d.findings;
  for (const f of ordered) {
    for (const n of f.needs) {
      const room = n as Extract<Need, { kind: 'executor-room' | 'driver-room' }>;
      if (n.kind === kind) return { limit: room.basis.limit, used: room.basis.used, code: f.code };
    }
  }
  return null;
}

export interface MemoryPicture {
  svg: string;
  /** The regions shown, for the legend. */
  regions: SegRegion[];
  /** What else is drawn, for the legend: peak strips, a kill, a container after the plan. */
  peaks: boolean;
  kill: boolean;
  after: boolean;
}

/** The whole picture for one application, or null without a layout. */
export function memorySvg(d: Diagnosis): MemoryPicture | null {
  const l = d.layout;
  if (!l) return null;
  const local = l.clusterManager === 'local';
  // What the plan's 'container after' is where no container is run: the JVM's memory.
  const vessel = NO_CONTAINER.has(l.clusterManager) ? 'memory' : 'container';
  const exec = executorSegments(l);
  const drv = driverSegments(l);
  const execKill = killOf(d, 'executor-room');
  const drvKill = killOf(d, 'driver-room');
  const sum = (s: Segment[]): number => s.reduce((n, x) => n + x.bytes, 0);
  const execTotal = Math.max(l.executor.container, sum(exec));
  const drvTotal = Math.max(l.driver.container, sum(drv));
  const pe = d.plan?.executor ?? null;
  const afterExec = pe && pe.containerAfter !== pe.containerBefore ? pe.containerAfter : null;
  const afterDrv = d.plan?.driver && d.plan.driver.containerAfter !== d.plan.driver.containerBefore ? d.plan.driver.containerAfter : null;
  const observed = d.memory?.observed?.executors ?? {};
  const peakMax = Math.max(0, ...Object.values(observed).flatMap((o) => Object.values(o.peaks)));
  const full = Math.max(
    execTotal,
    local ? 0 : drvTotal,
    afterExec ?? 0,
    afterDrv ?? 0,
    execKill?.used ?? 0,
    execKill?.limit ?? 0,
    drvKill?.used ?? 0,
    drvKill?.limit ?? 0,
    Math.min(peakMax, execTotal * 1.25),
  );
  if (full <= 0) return null;
  const scale = BAR_WIDTH / full;
  const x = (bytes: number): number => GUTTER + bytes * scale;
  const parts: string[] = [];
  let y = 4;
  const regions = new Set<SegRegion>();

  let titleLength = 0;
  const bar = (role: string, title: string, segs: Segment[], total: number): void => {
    titleLength = title.length;
    parts.push(`<text x="0" y="${y + 12}" font-weight="600">${html(role)}</text>`);
    parts.push(`<text x="${GUTTER}" y="${y + 12}">${html(title)}</text>`);
    y += 20;
    let at = 0;
    parts.push(`<g class="bar" data-role="${role === 'Driver' ? 'driver' : 'executor'}" data-total="${total}">`);
    for (const s of segs) {
      if (s.bytes <= 0) continue;
      regions.add(s.region);
      const w = s.bytes * scale;
      parts.push(
        `<rect class="seg" data-region="${s.region}" data-bytes="${s.bytes}" x="${fix(x(at))}" y="${y}" width="${fix(w)}" height="${BAR_HEIGHT}" fill="${REGION_COLOUR[s.region]}"><title>${html(`${SEGMENT_WORD[s.region]} ${fmtBytes(s.bytes)} — ${SEGMENT_TITLE[s.region]}`)}</title></rect>`,
      );
      // The region and its size when they fit, else the size alone, else nothing (the legend and the hover say it).
      const words = [`${SEGMENT_WORD[s.region]} ${fmtBytes(s.bytes)}`, fmtBytes(s.bytes)].find((t) => t.length * CHAR_WIDTH + 10 <= w);
      if (words !== undefined) {
        const dark = s.region === 'execution' || s.region === 'notCounted';
        parts.push(`<text class="lbl${dark ? ' dark' : ''}" x="${fix(x(at) + 5)}" y="${y + 18}">${html(words)}</text>`);
      }
      at += s.bytes;
    }
    parts.push('</g>');
  };

  const marker = (kill: { limit: number; used: number | null; code: string } | null, after: number | null, top: number): void => {
    if (after !== null) {
      parts.push(
        `<rect class="after" x="${fix(x(0))}" y="${top - 3}" width="${fix(after * scale)}" height="${BAR_HEIGHT + 6}"><title>${html(`${vessel} after the plan: ${fmtBytes(after)}`)}</title></rect>`,
      );
      parts.push(
        // Above the bar, right-aligned, when clear of the bar's title; else below it.
        x(after) - GUTTER > (titleLength + vessel.length + 24) * TEXT_CHAR_WIDTH
          ? `<text x="${fix(x(after))}" y="${top - 6}" text-anchor="end">${html(`${vessel} after the plan ${fmtBytes(after)}`)}</text>`
          : `<text x="${fix(x(after) + 4)}" y="${top + BAR_HEIGHT + 12}">${html(`after the plan ${fmtBytes(after)}`)}</text>`,
      );
    }
    if (!kill) return;
    const lx = x(kill.limit);
    parts.push(`<line class="limit" x1="${fix(lx)}" x2="${fix(lx)}" y1="${top - 8}" y2="${top + BAR_HEIGHT + 8}"/>`);
    if (kill.used !== null) {
      const ux = x(kill.used);
      parts.push(
        `<line class="kill" x1="${fix(ux)}" x2="${fix(ux)}" y1="${top - 8}" y2="${top + BAR_HEIGHT + 8}"><title>${html(`used ${fmtBytes(kill.used)} when killed`)}</title></line>`,
      );
      parts.push(`<path class="killmark" d="M${fix(ux - 5)} ${top + BAR_HEIGHT + 14} l5 -6 l5 6 z" fill="#c0392b"/>`);
    }
    const words =
      kill.used !== null
        ? `killed at ${fmtBytes(kill.used)} used, limit ${fmtBytes(kill.limit)}`
        : `killed at its limit ${fmtBytes(kill.limit)}`;
    const anchor = lx > GUTTER + BAR_WIDTH * 0.6 ? 'end' : 'start';
    parts.push(
      `<text class="killtext" x="${fix(lx + (anchor === 'end' ? -6 : 6))}" y="${top + BAR_HEIGHT + 22}" text-anchor="${anchor}">${html(words)}</text>`,
    );
  };

  // --- executor -------------------------------------------------------------------------------
  const e = l.executor;
  const heapWords = `heap ${fmtBytes(e.heap)}`;
  const execTitle =
    e.container > 0 && !NO_CONTAINER.has(l.clusterManager)
      ? `container ${fmtBytes(e.container)} = ${heapWords}${e.overhead ? ` + overhead ${fmtBytes(e.overhead)}` : ''}${e.offHeap ? ` + off-heap ${fmtBytes(e.offHeap)}` : ''}${e.pyspark ? ` + PySpark ${fmtBytes(e.pyspark)}` : ''}`
      : `${heapWords}${e.offHeap ? ` + off-heap ${fmtBytes(e.offHeap)}` : ''} (no container: ${l.clusterManager})`;
  bar(local ? 'Executor (driver JVM)' : 'Executor', execTitle, exec, execTotal);
  const barTop = y;
  y += BAR_HEIGHT;
  marker(execKill, afterExec, barTop);
  y += execKill ? 30 : 10;

  // Peak strips: one per metric, a dot per executor (those at one spot merged), over the region's span.
  const where = spans(exec);
  const regionSpan = (r: string): [number, number] | null => {
    const heapEnd = e.heap;
    switch (r) {
      case 'heap':
        return [0, heapEnd];
      case 'unified':
        return [where.get('storage')![0], where.get('execution')![1]];
      case 'overhead':
        return where.get('overhead')!;
      case 'offHeap':
        return where.get('offHeap')!;
      case 'pyspark':
        return where.get('pyspark')!;
      case 'container':
        return [0, execTotal];
      default:
        return null;
    }
  };
  const ids = Object.keys(observed);
  for (const [metric, words] of PEAK_METRICS) {
    const dots = new Map<number, { value: number; ids: string[]; over: boolean }>();
    let top: { value: number; limit: number; percent: number | null; region: string; id: string } | null = null;
    let spanOf: [number, number] | null = null;
    let regionOf: string | null = null;
    for (const id of ids) {
      const pk = peaksAgainstLimits(e, { [metric]: observed[id]!.peaks[metric] ?? 0 })[0];
      if (!pk) continue;
      const span = regionSpan(pk.region);
      if (!span) continue;
      // A region of no size (no overhead outside a container manager) limits nothing: no strip.
      if (span[1] <= span[0]) continue;
      spanOf = span;
      regionOf = pk.region;
      const px = Math.round(Math.min(x(span[0] + pk.value), GUTTER + BAR_WIDTH + 6));
      const dot = dots.get(px) ?? { value: pk.value, ids: [], over: pk.limit > 0 && pk.value > pk.limit };
      dot.ids.push(id);
      dots.set(px, dot);
      if (!top || pk.value > top.value) top = { ...pk, id };
    }
    if (!spanOf || !top) continue;
    const cy = y + STRIP_HEIGHT / 2;
    parts.push(`<text x="0" y="${cy + 4}" class="muted">${html(words)}</text>`);
    parts.push(
      `<line x1="${fix(x(spanOf[0]))}" x2="${fix(x(spanOf[1]))}" y1="${cy}" y2="${cy}" stroke="${STRIP_COLOUR[regionOf!] ?? '#c3cad1'}" stroke-opacity="0.35" stroke-width="6" stroke-linecap="round"/>`,
    );
    parts.push(`<line class="axis" x1="${fix(x(spanOf[1]))}" x2="${fix(x(spanOf[1]))}" y1="${cy - 6}" y2="${cy + 6}"/>`);
    for (const [px, dot] of dots) {
      const who = dot.ids.length > 1 ? `${dot.ids.length} executors` : `executor ${dot.ids[0]!}`;
      parts.push(
        `<circle class="peak${dot.over ? ' over' : ''}" cx="${px}" cy="${cy}" r="3.5"><title>${html(`${who}: ${words} ${fmtBytes(dot.value)}`)}</title></circle>`,
      );
    }
    const pct = top.percent !== null ? ` · ${top.percent}% of ${top.region}` : '';
    parts.push(`<text x="${VIEW_WIDTH}" y="${cy + 4}" text-anchor="end" class="muted">${html(`max ${fmtBytes(top.value)}${pct}`)}</text>`);
    y += STRIP_HEIGHT + 6;
  }

  // --- driver ---------------------------------------------------------------------------------
  if (!local) {
    y += 10;
    const dr = l.driver;
    const drvTitle =
      // The text report's rule: the driver has a container of its own when it has an overhead (cluster mode).
      dr.overhead > 0
        ? `container ${fmtBytes(dr.container)} = heap ${fmtBytes(dr.heap)}${dr.overhead ? ` + overhead ${fmtBytes(dr.overhead)}` : ''}`
        : `heap ${fmtBytes(dr.heap)} (no driver container: ${l.deployMode === 'client' ? 'client mode' : l.clusterManager})`;
    bar('Driver', drvTitle, drv, drvTotal);
    const top = y;
    y += BAR_HEIGHT;
    if (dr.maxResultSize > 0 && dr.maxResultSize <= dr.heap) {
      const mx = x(dr.maxResultSize);
      parts.push(`<line class="limit" x1="${fix(mx)}" x2="${fix(mx)}" y1="${top - 4}" y2="${top + BAR_HEIGHT + 4}"/>`);
      parts.push(`<text x="${fix(mx + 4)}" y="${top + BAR_HEIGHT + 16}">${html(`maxResultSize ${fmtBytes(dr.maxResultSize)}`)}</text>`);
      y += 16;
    }
    marker(drvKill, afterDrv, top);
    y += drvKill ? 30 : 8;
  }

  const height = Math.ceil(y + 4);
  const svg =
    `<svg class="memory" viewBox="0 0 ${VIEW_WIDTH} ${height}" role="img" aria-label="memory layout to scale" data-bytes-per-unit="${1 / scale}">` +
    `${parts.join('')}</svg>`;
  return {
    svg,
    regions: [...regions],
    peaks: parts.some((p) => p.startsWith('<circle class="peak')),
    kill: execKill !== null || drvKill !== null,
    after: afterExec !== null || afterDrv !== null,
  };
}

export const regionWord = (r: SegRegion): string => SEGMENT_WORD[r];

/** Coordinates to two decimals: enough for a 1000-unit picture, and a smaller file. */
export const fix = (n: number): string => String(Math.round(n * 100) / 100);
