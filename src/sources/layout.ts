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
const LEGACY_PART = /^EVENT_LOG_(\d+)$/;
const DATABRICKS_PART = /^eventlog-\d{4}-\d{2}-\d{2}--\d{2}-\d{2}(\.gz)?$/;
const APP_ID = /(application_\d+_\d+|app-\d{14}-\d{4,}|local-\d{10,}|spark-application-\d+)(?:_(\d+))?/;

export function classifyGroup(dirName: string, names: string[]): GroupLayout | null {
  const rolling = names.filter((n) => ROLLING_PART.test(n));
  if (rolling.length > 0) {
    const num = (n: string): number => Number(ROLLING_PART.exec(n)![1]);
    const status = names.find((n) => n.startsWith('appstatus_'));
    const hints: LayoutHints = { appIdFromName: appIdFromName(dirName) };
    if (status !== undefined) hints.complete = !status.endsWith('.inprogress');
    return { layout: 'rolling', files: rolling.sort((a, b) => num(a) - num(b)), hints };
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

/** The application id (and attempt) a Spark event-log file or directory name carries. */
export function appIdFromName(name: string): string | undefined {
  const m = APP_ID.exec(name);
  return m ? m[1] : undefined;
}

/** Files a History Server ignores: hidden files and Hadoop checksum files. */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || name.endsWith('.crc');
}
