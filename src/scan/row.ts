import { diagnoseApp, type Diagnosis } from '../diagnose/index.js';
import { problemOf } from '../errors.js';
import { hasContent, readAll, type InputFailure } from '../input/read.js';
import type { TimelineView } from '../state/timeline.js';

/** One application of a scan, or one path that could not be read. */
export type ScanRow =
  | {
      path: string;
      app: Diagnosis;
      attempt: string | null;
      user: string | null;
      startTime: number | null;
      endTime: number | null;
      /** For the HTML page only (bounded: timeline.ts); null otherwise. */
      timeline: TimelineView | null;
    }
  | { path: string; failures: InputFailure[] };

/** Reads and diagnoses one unit (a zip may hold several attempts: one row each). */
export async function scanUnit(unitPath: string, signal?: AbortSignal, withTimeline = false): Promise<ScanRow[]> {
  const rows: ScanRow[] = [];
  try {
    for await (const read of readAll([unitPath], { signal })) {
      for (const a of read.apps.filter(hasContent)) {
        const s = a.state;
        rows.push({
          path: read.path,
          app: diagnoseApp(a),
          attempt: s.attemptId,
          user: s.user,
          startTime: s.startTime,
          endTime: s.endTime,
          timeline: withTimeline ? s.timelineView() : null,
        });
      }
      if (read.failures.length > 0) rows.push({ path: read.path, failures: read.failures });
    }
  } catch (e) {
    rows.push({ path: unitPath, failures: [{ part: null, problem: problemOf(e) }] });
  }
  return rows;
}
