import type { Layout, LayoutHints } from './types.js';

/**
 * Recognises the directory layouts Spark and Databricks write, from file names alone
 * (EventLogFileWriters.scala for rolling logs; the ≤1.2 FileLogger layout; Databricks rolled logs).
 * Returns the files to read in order, or null when the names are not one application's log.
 */
export interface GroupLayout {
  layout: Exclude<Layout, 'single' | 'zip'>;
  files: string[];
  hints: LayoutHints;
}

const ROLLING_PART = /^events_(\d+)_/;
/** EventLogFileWriter.COMPACTED: the History Server's compaction writes events_<N>_<app>.compact. */
const COMPACTED = '.compact';
/** Missing part numbers listed in the hint; the total is always given. */
const MAX_MISSING_LISTED = 20;
const LEGACY_PART = /^EVENT_LOG_(\d+)$/;
const DATABRICKS_PART = /^eventlog-\d{4}-\d{2}-\d{2}--\d{2}-\d{2}(\.gz)?$/;
const APP_ID = /(application_\d+_\d+|app-\d{14}-\d{4,}|local-\d{10,}|spark-application-\d+)(?:_(\d+))?/;

export function classifyGroup(dirName: string, names: string[]): GroupLayout | null {
  const rolling = names.filter((n) => ROLLING_PART.test(n));
  if (rolling.length > 0) {
    const num = (n: string): number => Number(ROLLING_PART.exec(n)![1]);
    // RollingEventLogFilesFileReader (EventLogFileReaders.scala): a compacted file sorts after the
    // plain file of its number, and replaces every file before it (dropBeforeLastCompactFile).
    const order = (n: string): number => num(n) + (n.endsWith(COMPACTED) ? 0.1 : 0);
    const sorted = rolling.sort((a, b) => order(a) - order(b));
    const lastCompact = sorted.findLastIndex((n) => n.endsWith(COMPACTED));
    const files = lastCompact >= 0 ? sorted.slice(lastCompact) : sorted;
    const status = names.find((n) => n.startsWith('appstatus_'));
    const hints: LayoutHints = { appIdFromName: appIdFromName(dirName) };
    if (status !== undefined) hints.complete = !status.endsWith('.inprogress');
    const missing = missingParts(lastCompact >= 0 ? num(files[0]!) : 1, files.map(num));
    if (missing !== undefined) hints.missingParts = missing;
    return { layout: 'rolling', files, hints };
  }
  const legacy = names.filter((n) => LEGACY_PART.test(n));
  if (legacy.length > 0) {
    const num = (n: string): number => Number(LEGACY_PART.exec(n)![1]);
    const version = names.find((n) => n.startsWith('SPARK_VERSION_'));
    const hints: LayoutHints = {
      complete: names.includes('APPLICATION_COMPLETE'),
      appIdFromName: appIdFromName(dirName),
    };
    if (version) hints.sparkVersion = version.slice('SPARK_VERSION_'.length);
    return { layout: 'legacy-dir', files: legacy.sort((a, b) => num(a) - num(b)), hints };
  }
  if (names.includes('eventlog')) {
    // Dated parts are older than the live `eventlog`; their names sort in time order.
    const dated = names.filter((n) => DATABRICKS_PART.test(n)).sort();
    return { layout: 'databricks-rolled', files: [...dated, 'eventlog'], hints: {} };
  }
  return null;
}

/**
 * The part numbers absent between `first` and the last present one. Spark numbers parts from 1
 * (RollingEventLogFilesWriter) and its reader refuses a log with a gap ("Found missing event log
 * file"); it does not check that the first is 1, so a log whose first parts were lost (a partial
 * copy, a cleaner) reads without them. We read what is there and say what is not.
 */
function missingParts(first: number, present: number[]): { indices: number[]; total: number } | undefined {
  const last = present[present.length - 1];
  if (last === undefined) return undefined;
  const have = new Set(present);
  const indices: number[] = [];
  let total = 0;
  // Present numbers are few; walk the gaps between them, not every number up to the last.
  const stops = [first - 1, ...[...have].filter((n) => n >= first).sort((a, b) => a - b)];
  for (let i = 1; i < stops.length; i++) {
    const gap = stops[i]! - stops[i - 1]! - 1;
    if (gap <= 0) continue;
    total += gap;
    for (let n = stops[i - 1]! + 1; n < stops[i]! && indices.length < MAX_MISSING_LISTED; n++) indices.push(n);
  }
  return total > 0 ? { indices, total } : undefined;
}

/** The application id (and attempt) a Spark event-log file or directory name carries. */
export function appIdFromName(name: string): string | undefined {
  const m = APP_ID.exec(name);
  return m ? m[1] : undefined;
}

/** Files a History Server ignores: hidden files and Hadoop checksum files. */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || name.endsWith('.crc');
}
