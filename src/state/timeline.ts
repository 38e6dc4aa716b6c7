/**
 * The application in time, for a picture of it (the HTML report's timeline): jobs and stage attempts
 * as spans, failed tasks as points. Folded with the rest of the state (app.ts) and bounded like it:
 * beyond the caps below, the oldest span that ended cleanly makes room (a failure, and what ran last,
 * are what explain an application's end), and what was not kept is counted in `dropped`.
 *
 * Executors are not kept here: AppState keeps each one's addition and removal (MAX_EXECUTORS), and
 * `view` reads them from it.
 */

/**
 * Jobs kept. Our choice: a picture 1,000 pixels wide shows at most a few thousand spans apart; the
 * largest real log in ../shared/eventlogs ran 1,101 jobs. ~120 bytes each: ~0.25 MiB at the cap.
 */
export const MAX_TIMELINE_JOBS = 2_000;
/** Stage attempts kept: as for jobs (the largest real log: 1,143 stage attempts). ~0.6 MiB at the cap. */
export const MAX_TIMELINE_STAGES = 5_000;
/**
 * Failed tasks kept, the first ones: a failure shows in the first few hundred, and the rest repeat it
 * (counted in dropped.failedTasks). Our choice.
 */
export const MAX_FAILED_TASKS = 500;
/** Characters of a stage name kept (Spark's call-site names run to a few dozen; a hostile one to megabytes). */
const MAX_NAME = 120;
/** Kept spans looked at, oldest first, for one that may make room (as AppState.evictStage). */
const EVICTION_LOOK = 64;

export interface TimeSpan {
  id: number;
  /** Stage attempt; 0 for jobs. */
  attempt: number;
  start: number | null;
  end: number | null;
  failed: boolean;
  /** Stage name (call site), cut to MAX_NAME; null for jobs. */
  name: string | null;
}

/** A failed task: when, where, and Spark's TaskEndReason class ("ExceptionFailure", "ExecutorLostFailure"). */
export interface FailedTask {
  time: number;
  executor: string;
  stage: string;
  reason: string;
}

/** What an executor's life is on the timeline; AppState's ExecutorState has these fields. */
interface ExecutorLife {
  id: string;
  addedAt: number | null;
  removedAt: number | null;
  removedReason: string | null;
}

/** The timeline as the renderers take it: plain data, times in epoch milliseconds. */
export interface TimelineView {
  /** The application's start and end (its last event's time when it has no end). */
  start: number | null;
  end: number | null;
  jobs: TimeSpan[];
  stages: TimeSpan[];
  executors: ExecutorLife[];
  failedTasks: FailedTask[];
  dropped: { jobs: number; stages: number; failedTasks: number };
}

export class Timeline {
  private readonly jobs = new Map<string, TimeSpan>();
  private readonly stages = new Map<string, TimeSpan>();
  private readonly failed: FailedTask[] = [];
  readonly dropped = { jobs: 0, stages: 0, failedTasks: 0 };
  /** The first and last times any event carried: the span of an application whose start or end is missing. */
  first: number | null = null;
  last: number | null = null;

  jobStart(id: number, time: number | null): void {
    this.see(time);
    const j = this.span(this.jobs, String(id), id, 0, MAX_TIMELINE_JOBS, 'jobs');
    if (j) j.start = time ?? j.start;
  }

  jobEnd(id: number, time: number | null, failed: boolean): void {
    this.see(time);
    const j = this.span(this.jobs, String(id), id, 0, MAX_TIMELINE_JOBS, 'jobs');
    if (!j) return;
    j.end = time ?? j.end;
    j.failed ||= failed;
  }

  stage(id: number, attempt: number, start: number | null, end: number | null, failed: boolean, name: string | null): void {
    this.see(start);
    this.see(end);
    const s = this.span(this.stages, `${id}.${attempt}`, id, attempt, MAX_TIMELINE_STAGES, 'stages');
    if (!s) return;
    s.start = start ?? s.start;
    s.end = end ?? s.end;
    s.failed ||= failed;
    if (name !== null) s.name = name.length > MAX_NAME ? `${name.slice(0, MAX_NAME)}…` : name;
  }

  failedTask(time: number | null, executor: string, stage: string, reason: string): void {
    this.see(time);
    if (time === null) return;
    if (this.failed.length >= MAX_FAILED_TASKS) {
      this.dropped.failedTasks++;
      return;
    }
    this.failed.push({ time, executor: executor.slice(0, MAX_NAME), stage, reason: reason.slice(0, MAX_NAME) });
  }

  /** A time an event carried (an executor's addition or removal too). */
  see(time: number | null | undefined): void {
    if (time === null || time === undefined || !Number.isFinite(time)) return;
    if (this.first === null || time < this.first) this.first = time;
    if (this.last === null || time > this.last) this.last = time;
  }

  /** Roughly the bytes held: ~120 per span and failed task, names aside (counted at their cap). */
  footprint(): number {
    return (this.jobs.size + this.failed.length) * 120 + this.stages.size * (120 + 2 * MAX_NAME);
  }

  view(start: number | null, end: number | null, executors: Iterable<ExecutorLife>): TimelineView {
    return {
      start: start ?? this.first,
      end: end ?? this.last,
      jobs: [...this.jobs.values()],
      stages: [...this.stages.values()],
      executors: [...executors].map((e) => ({ id: e.id, addedAt: e.addedAt, removedAt: e.removedAt, removedReason: e.removedReason })),
      failedTasks: [...this.failed],
      dropped: { ...this.dropped },
    };
  }

  /** The span of `key`, made when new; null when the cap is reached and no clean span can make room. */
  private span(
    map: Map<string, TimeSpan>,
    key: string,
    id: number,
    attempt: number,
    cap: number,
    kind: 'jobs' | 'stages',
  ): TimeSpan | null {
    const had = map.get(key);
    if (had) return had;
    if (map.size >= cap) {
      // Either the evicted span or this one is not kept.
      this.dropped[kind]++;
      if (!evict(map)) return null;
    }
    const s: TimeSpan = { id, attempt, start: null, end: null, failed: false, name: null };
    map.set(key, s);
    return s;
  }
}

/** Drops the oldest span that ended without failing, among the first EVICTION_LOOK; false when none may go. */
function evict(map: Map<string, TimeSpan>): boolean {
  let looked = 0;
  for (const [key, s] of map) {
    if (++looked > EVICTION_LOOK) return false;
    if (s.end === null || s.failed) continue;
    map.delete(key);
    return true;
  }
  return false;
}
