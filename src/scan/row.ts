import { diagnoseApp, type ApplicationDiagnosis } from '../diagnose.js';
import { describeError } from '../errors.js';
import { hasContent, readInput } from '../read.js';
import { resolveInputs } from '../sources/resolve.js';

/** One application of a scan, or one path that could not be read. */
export type ScanRow =
  | { path: string; app: ApplicationDiagnosis; user: string | null; startTime: number | null; endTime: number | null }
  | { path: string; error: string };

/** Reads and diagnoses one unit (a zip may hold several attempts: one row each). */
export async function scanUnit(unitPath: string): Promise<ScanRow[]> {
  const rows: ScanRow[] = [];
  try {
    for await (const input of resolveInputs([unitPath])) {
      const read = await readInput(input);
      for (const a of read.apps.filter(hasContent)) {
        const d = diagnoseApp(a);
        rows.push({ path: read.path, app: d.result, user: a.state.user, startTime: a.state.startTime, endTime: a.state.endTime });
      }
      if (read.error !== undefined) rows.push({ path: read.path, error: read.error });
    }
  } catch (e) {
    rows.push({ path: unitPath, error: describeError(e) });
  }
  return rows;
}

/** Failed first: a failed or unfinished application, or any critical finding. */
export function isFailedRow(row: ScanRow): boolean {
  if ('error' in row) return true;
  return row.app.outcome === 'failed' || row.app.outcome === 'incomplete' || row.app.findings.some((f) => f.severity === 'critical');
}
