import { statedExitCode } from '../../classifiers/exit-codes.js';
import type { TimeSpan, TimelineView } from '../../state/timeline.js';
import { fmtDuration, fmtTime } from '../units.js';
import { html } from './escape.js';
import { fix } from './memory-svg.js';

/**
 * The application in time: jobs and stage attempts as bars (failed ones red), executors from their
 * addition to their removal with the exit code they stated, failed tasks as ticks, and the kill as a
 * red line across everything, so the failure is seen where it happened.
 */

const VIEW_WIDTH = 1000;
const GUTTER = 150;
const PLOT = VIEW_WIDTH - GUTTER - 10;
const LANE = 9;
const LANE_GAP = 3;
/** Lanes at most, per kind: overlapping spans beyond them share the last lane. Our choice, for a picture that fits a screen. */
const MAX_JOB_LANES = 4;
const MAX_STAGE_LANES = 8;
/** Executors drawn one per lane up to this many; beyond, the number alive is drawn as a step chart. */
const MAX_EXECUTOR_LANES = 30;
/** Tick steps for the time axis, in ms: the first that gives at most MAX_TICKS ticks. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800].map(
  (s) => s * 1000,
);
const MAX_TICKS = 8;
/** viewBox units a kill's label takes ("yarn-memory-exceeded" at 11px): closer kills share one. */
const KILL_LABEL_ROOM = 160;

export interface KillMark {
  time: number;
  code: string;
}

/** Spans packed greedily into lanes (first lane free at the span's start). */
function pack(spans: TimeSpan[], t1: number, lanes: number): Array<{ span: TimeSpan; lane: number }> {
  const ends: number[] = [];
  const out: Array<{ span: TimeSpan; lane: number }> = [];
  const sorted = spans.filter((s) => s.start !== null).sort((a, b) => a.start! - b.start! || a.id - b.id);
  for (const s of sorted) {
    let lane = ends.findIndex((e) => e <= s.start!);
    if (lane < 0) lane = ends.length < lanes ? ends.length : lanes - 1;
    ends[lane] = Math.max(ends[lane] ?? 0, s.end ?? t1);
    out.push({ span: s, lane });
  }
  return out;
}

/** The timeline as SVG, or null when the log carries no times to draw. */
export function timelineSvg(t: TimelineView, kills: KillMark[], killed: ReadonlySet<string>): string | null {
  const t0 = t.start;
  const t1 = t.end;
  if (t0 === null || t1 === null || !(t1 > t0)) return null;
  const x = (time: number): number => GUTTER + (Math.min(Math.max(time, t0), t1) - t0) * (PLOT / (t1 - t0));
  const parts: string[] = [];
  let y = 18;
  const laneLabel = (words: string, lanes: number): void => {
    parts.push(`<text x="0" y="${y + (lanes * (LANE + LANE_GAP)) / 2 + 3}" font-weight="600">${html(words)}</text>`);
  };

  const spanRows = (kind: 'job' | 'stage', spans: TimeSpan[], lanes: number, words: string): void => {
    const packed = pack(spans, t1, lanes);
    if (packed.length === 0) return;
    const used = Math.max(...packed.map((p) => p.lane)) + 1;
    laneLabel(words, used);
    for (const { span, lane } of packed) {
      const x0 = x(span.start!);
      const x1 = x(span.end ?? t1);
      const name = kind === 'job' ? `job ${span.id}` : `stage ${span.id}.${span.attempt}${span.name ? ` ${span.name}` : ''}`;
      const dur = span.end !== null ? fmtDuration(span.end - span.start!) : 'no end recorded';
      parts.push(
        `<rect class="${kind}${span.failed ? ' failed' : ''}" x="${fix(x0)}" y="${y + lane * (LANE + LANE_GAP)}" width="${fix(Math.max(1, x1 - x0))}" height="${LANE}" rx="1.5"><title>${html(`${name}: ${dur}${span.failed ? ', failed' : ''}`)}</title></rect>`,
      );
    }
    y += used * (LANE + LANE_GAP) + 8;
  };

  // Axis and grid first, under everything.
  const step = STEPS.find((s) => (t1 - t0) / s <= MAX_TICKS) ?? STEPS[STEPS.length - 1]!;
  const grid: string[] = [];
  for (let k = 0; k * step <= t1 - t0; k++) {
    const gx = x(t0 + k * step);
    grid.push(`<text x="${fix(gx)}" y="10" text-anchor="middle" class="muted">${html(k === 0 ? '0' : `+${tickWords(k * step)}`)}</text>`);
  }

  spanRows('job', t.jobs, MAX_JOB_LANES, 'jobs');
  spanRows('stage', t.stages, MAX_STAGE_LANES, 'stages');

  // Executors: a lane each while few, else how many were alive.
  // Executors the log saw removed but never added (a standalone master retrying during shutdown) are ticks on a lane of their own.
  const execs = t.executors.filter((e) => e.addedAt !== null);
  const orphans = t.executors.filter((e) => e.addedAt === null && e.removedAt !== null);
  if (execs.length > 0 && execs.length <= MAX_EXECUTOR_LANES) {
    laneLabel('executors', execs.length);
    execs
      .sort((a, b) => (a.addedAt ?? t0) - (b.addedAt ?? t0))
      .forEach((e, i) => {
        const x0 = x(e.addedAt ?? t0);
        const x1 = x(e.removedAt ?? t1);
        const code = e.removedReason !== null ? statedExitCode(e.removedReason) : null;
        const yy = y + i * (LANE + LANE_GAP);
        const lost = e.removedAt !== null;
        const title = `executor ${e.id}${lost ? `: removed after ${fmtDuration(e.removedAt! - (e.addedAt ?? t0))}${code !== null ? `, exit code ${code}` : ''}${e.removedReason ? ` — ${e.removedReason}` : ''}` : ''}`;
        parts.push(
          `<rect class="exec${lost ? ' lost' : ''}" x="${fix(x0)}" y="${yy}" width="${fix(Math.max(1, x1 - x0))}" height="${LANE}" rx="1.5"><title>${html(title)}</title></rect>`,
        );
        if (lost) {
          const words = code !== null ? `✕ exit ${code}` : killed.has(e.id) ? '✕ killed' : '✕';
          const end = x1 > GUTTER + PLOT - 60;
          parts.push(
            `<text x="${fix(end ? x0 - 3 : x1 + 3)}" y="${yy + 8}" font-size="9"${end ? ' text-anchor="end"' : ''} class="${killed.has(e.id) ? 'killtext' : 'muted'}">${html(words)}</text>`,
          );
        }
      });
    y += execs.length * (LANE + LANE_GAP) + 8;
  } else if (execs.length > MAX_EXECUTOR_LANES) {
    const changes = execs
      .flatMap((e) => [
        ...(e.addedAt !== null ? [{ t: e.addedAt, d: 1 }] : []),
        ...(e.removedAt !== null ? [{ t: e.removedAt, d: -1 }] : []),
      ])
      .sort((a, b) => a.t - b.t);
    let alive = 0;
    let peak = 0;
    for (const c of changes) peak = Math.max(peak, (alive += c.d));
    const h = 40;
    laneLabel(`executors (≤ ${peak})`, 3);
    alive = 0;
    let d = `M${fix(x(t0))} ${y + h}`;
    for (const c of changes) {
      d += ` H${fix(x(c.t))}`;
      alive += c.d;
      d += ` V${fix(y + h - (alive / Math.max(1, peak)) * h)}`;
    }
    d += ` H${fix(x(t1))} V${y + h} Z`;
    parts.push(`<path class="exec" d="${d}"><title>${html(`executors alive, at most ${peak}`)}</title></path>`);
    const lost = new Map<number, number>();
    for (const e of execs) if (e.removedAt !== null) lost.set(Math.round(x(e.removedAt)), (lost.get(Math.round(x(e.removedAt))) ?? 0) + 1);
    for (const [px, n] of lost)
      parts.push(
        `<rect class="exec lost" x="${px}" y="${y + h + 2}" width="1.5" height="6"><title>${html(`${n} executor${n === 1 ? '' : 's'} removed`)}</title></rect>`,
      );
    y += h + 16;
  }

  if (orphans.length > 0) {
    laneLabel('removed, never added', 1);
    const ticks = new Map<number, string[]>();
    for (const e of orphans) {
      const px = Math.round(x(e.removedAt!));
      ticks.set(px, [...(ticks.get(px) ?? []), e.id]);
    }
    for (const [px, ids] of ticks)
      parts.push(
        `<rect class="exec lost" x="${px - 1}" y="${y}" width="2" height="${LANE}"><title>${html(`executor${ids.length === 1 ? '' : 's'} ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ' …' : ''} removed`)}</title></rect>`,
      );
    y += LANE + 8;
  }

  if (t.failedTasks.length > 0) {
    laneLabel('failed tasks', 1);
    const ticks = new Map<number, { n: number; first: (typeof t.failedTasks)[number] }>();
    for (const f of t.failedTasks) {
      const px = Math.round(x(f.time));
      const tick = ticks.get(px) ?? { n: 0, first: f };
      tick.n++;
      ticks.set(px, tick);
    }
    for (const [px, tick] of ticks) {
      const what = `${tick.n} failed task${tick.n === 1 ? '' : 's'}: ${tick.first.reason} on executor ${tick.first.executor}, stage ${tick.first.stage}`;
      parts.push(`<rect class="ftask" x="${px - 1}" y="${y}" width="2" height="${LANE}"><title>${html(what)}</title></rect>`);
    }
    y += LANE + 8;
  }

  if (y <= 18) return null;
  const bottom = y;
  // A label per kill line, unless one was written near it (the same code twice reads as a smudge).
  const labelled: number[] = [];
  for (const k of [...kills].sort((a, b) => a.time - b.time)) {
    if (k.time < t0 || k.time > t1) continue;
    const kx = x(k.time);
    parts.push(
      `<line class="kill" x1="${fix(kx)}" x2="${fix(kx)}" y1="14" y2="${bottom}"><title>${html(`${k.code} at ${fmtTime(k.time)}`)}</title></line>`,
    );
    if (labelled.some((l) => Math.abs(l - kx) < KILL_LABEL_ROOM)) continue;
    labelled.push(kx);
    const anchor = kx > GUTTER + PLOT * 0.75 ? 'end' : 'start';
    parts.push(
      `<text class="killtext" x="${fix(kx + (anchor === 'end' ? -4 : 4))}" y="${bottom + 12}" text-anchor="${anchor}">${html(k.code)}</text>`,
    );
  }
  const gridLines = gridLinesFor(t0, t1, step, x, bottom);
  const height = bottom + 34;
  parts.push(
    `<text x="${GUTTER}" y="${bottom + 28}" class="muted">${html(fmtTime(t0))}</text><text x="${VIEW_WIDTH - 10}" y="${bottom + 28}" text-anchor="end" class="muted">${html(`${fmtTime(t1)} · ${fmtDuration(t1 - t0)}`)}</text>`,
  );
  return `<svg class="timeline" viewBox="0 0 ${VIEW_WIDTH} ${height}" role="img" aria-label="application timeline">${gridLines}${grid.join('')}${parts.join('')}</svg>`;
}

function gridLinesFor(t0: number, t1: number, step: number, x: (t: number) => number, bottom: number): string {
  let s = '';
  for (let k = 0; k * step <= t1 - t0; k++) {
    const gx = fix(x(t0 + k * step));
    s += `<line class="grid" x1="${gx}" x2="${gx}" y1="14" y2="${bottom}"/>`;
  }
  return s;
}

/** "15 s", "1 min", "1 min 30 s", "2 h", "1 d 6 h": a tick's offset, without zero parts. */
function tickWords(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const out: string[] = [];
  let rest = ms;
  for (const [size, word] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) out.push(`${n} ${word}`);
  }
  return out.slice(0, 2).join(' ') || `${ms} ms`;
}
