import { diagnoseApp, type Diagnosis } from '../diagnose/index.js';
import { problemOf } from '../errors.js';
import { hasContent, readInput, type InputFailure } from '../input/read.js';
import { resolveUnit } from '../sources/resolve.js';
import type { Unit } from '../sources/walk.js';
import type { TimelineView } from '../state/timeline.js';
import type { AppState } from '../state/app.js';
import { isKnownKey } from '../plan/keys.js';

/**
 * What `--by app-name` needs of a run besides its diagnosis: the executor time it held (each
 * executor from ExecutorAdded to ExecutorRemoved, or to the application's end), the bytes its tasks
 * read, and the settings of its own that spark-triage knows (bounded by src/plan/keys-table.ts).
 */
interface RunFacts {
  /** Executor-milliseconds; null when no executor has both ends known. */
  executorMs: number | null;
  inputBytes: number | null;
  python: boolean;
  conf: Record<string, string>;
}

function runFacts(s: AppState, python: boolean): RunFacts {
  let executorMs: number | null = null;
  for (const e of s.executors.values()) {
    const end = e.removedAt ?? s.endTime;
    if (e.addedAt === null || end === null || end < e.addedAt) continue;
    executorMs = (executorMs ?? 0) + (end - e.addedAt);
  }
  const conf: Record<string, string> = {};
  const all = s.effectiveConf;
  for (const k of Object.keys(all).sort()) if (isKnownKey(k)) conf[k] = all[k]!;
  return { executorMs, inputBytes: s.inputBytes, python, conf };
}

/**
 * One application of a scan, or one path that could not be read. An application whose log could be
 * read only in part (cut short, a corrupt part) is one row: its diagnosis, with what stopped the reading.
 */
export type ScanRow =
  | {
      path: string;
      app: Diagnosis;
      /** Why its log could not be read to the end; empty when it was. */
      readFailures: InputFailure[];
      attempt: string | null;
      user: string | null;
      startTime: number | null;
      endTime: number | null;
      /** For the HTML page only (bounded: timeline.ts); null otherwise. */
      timeline: TimelineView | null;
      run: RunFacts;
    }
  | { path: string; failures: InputFailure[] };

/**
 * Reads and diagnoses one unit of the scan's listing (a zip may hold several attempts: one row each),
 * as `readAll` would read its path, but from what the listing already knows of it.
 */
export async function scanUnit(unit: Unit, signal?: AbortSignal, withTimeline = false): Promise<ScanRow[]> {
  const rows: ScanRow[] = [];
  try {
    for await (const input of resolveUnit(unit)) {
      const read = await readInput(input, { signal });
      const shown = new Set<InputFailure>();
      for (const a of read.apps.filter(hasContent)) {
        const s = a.state;
        const app = diagnoseApp(a);
        for (const f of a.failures) shown.add(f);
        rows.push({
          path: read.path,
          app,
          readFailures: a.failures,
          attempt: s.attemptId,
          user: s.user,
          startTime: s.startTime,
          endTime: s.endTime,
          timeline: withTimeline ? s.timelineView() : null,
          run: runFacts(s, app.python),
        });
      }
      // What no application's row carries (the input itself unreadable, a log with nothing read) is a row of its own.
      const rest = read.failures.filter((f) => !shown.has(f));
      if (rest.length > 0) rows.push({ path: read.path, failures: rest });
    }
  } catch (e) {
    rows.push({ path: unit.path, failures: [{ part: null, problem: problemOf(e) }] });
  }
  return rows;
}
