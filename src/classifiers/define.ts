import type { Confidence, Evidence, Finding, Region, Remediation, Role, Severity } from '../findings.js';
import type { MemoryLayout } from '../memory/index.js';
import type { Outcome } from '../state/app.js';
import type { AppState } from '../state/app.js';

export interface ClassifierContext {
  app: AppState;
  /** Null when the configuration could not be turned into a layout (the reason is in layoutError). */
  layout: MemoryLayout | null;
  layoutError: string | null;
  outcome: Outcome;
  /** A PySpark application (submit flags, a pyspark shell, or Python operators in its SQL plans). */
  python: boolean;
}

/** What a classifier reports; severity defaults from the classifier's meta and the app's outcome. */
export interface Report {
  role: Role;
  region: Region;
  confidence: Confidence;
  occurrences: number;
  executors: string[];
  evidence: Evidence[];
  remediation: Remediation[];
  severity?: Severity;
}

export interface ClassifierMeta {
  /** One line: what the finding means. */
  title: string;
  /** 'failure': critical when the application failed or did not finish, else a warning (it recovered). */
  kind: 'failure' | 'warning' | 'info';
  /**
   * Root-cause order when several failures are found: lower explains higher (a container kill
   * explains the heartbeat loss and fetch failures that follow it).
   */
  rank: number;
  /** How it is detected, for `explain`. */
  detects: string;
  /** How it is fixed in general, for `explain`; findings compute concrete values. */
  fix: string;
  /** Named thresholds, with where each number comes from. */
  thresholds?: Record<string, { value: number; why: string }>;
}

export interface Classifier {
  code: string;
  meta: ClassifierMeta;
  classify(ctx: ClassifierContext, report: (r: Report) => void): void;
}

export function defineClassifier(c: Classifier): Classifier {
  return c;
}

export type { Finding };
