import type { Problem } from '../errors.js';

export type Layout = 'single' | 'rolling' | 'databricks-rolled' | 'legacy-dir' | 'zip';

/** One file of an application's event log; `open` yields its raw (possibly compressed) bytes. */
export interface Part {
  /** Path shown in evidence: the file, or `archive.zip!entry`. */
  name: string;
  open(): AsyncIterable<Buffer>;
  /**
   * The writer had not finished this file (`.inprogress`, or a rolling log whose status marker says
   * so): a compressed stream that ends mid-frame is then the normal state, not corruption.
   */
  inProgress: boolean;
}

/** One application attempt's event log, in reading order. */
export interface AppLog {
  parts: Part[];
  /** Facts the layout itself states (legacy version files, rolling status markers). */
  hints: LayoutHints;
}

export interface LayoutHints {
  sparkVersion?: string;
  /** true/false when the layout says whether the app finished; undefined when it does not say. */
  complete?: boolean;
  /** The app id the file or directory name carries, for logs whose events lack it (Spark ≤ 1.2). */
  appIdFromName?: string;
  /**
   * A rolling log (eventlog_v2_*) whose numbered parts have gaps, or lacks its first ones
   * (events_1_… and on, or after the last .compact file): the missing numbers (the first 20 of
   * them) and how many are missing. The parts present are read; what the missing ones held
   * (for part 1: the application start, its configuration) is not there. Absent when none is missing.
   */
  missingParts?: { indices: number[]; total: number };
}

/** What the user named (or what a directory walk found): one log, or a zip of several. */
interface Input {
  path: string;
  layout: Layout;
  apps: AppLog[];
  /** Set when the input could not be opened or laid out; its apps are then empty. */
  error?: Problem;
}

/** An input as resolved, ready to read. */
export interface ResolvedInput extends Input {
  /** Releases anything resolving made (the spooled copy of a zip read from stdin or downloaded). */
  dispose?: () => Promise<void>;
}
