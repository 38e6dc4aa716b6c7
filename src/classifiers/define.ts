import type { Finding, Severity } from '../findings.js';
import type { MemoryLayout } from '../memory/index.js';
import type { AppState, Outcome } from '../state/app.js';
import type { PolicyKey } from './policy.js';
import type { LayoutProblem } from './remedies.js';

export interface ClassifierContext {
  app: AppState;
  /** Null when the configuration could not be turned into a layout (the reason is in layoutProblem). */
  layout: MemoryLayout | null;
  layoutProblem: LayoutProblem | null;
  outcome: Outcome;
  /** A PySpark application (submit flags, a pyspark shell, or Python operators in its SQL plans). */
  python: boolean;
}

/** What a classifier reports: a finding without its code (the classifier's) and, unless it says, its severity
 * (from the classifier's meta and the app's outcome). */
export type Report = Omit<Finding, 'code' | 'severity'> & { severity?: Severity };

/** A number that decides whether a finding fires, with where it comes from. */
interface Threshold {
  value: number;
  why: string;
}

interface ClassifierMeta {
  /** 'failure': critical when the application failed or did not finish, else a warning (it recovered). */
  kind: 'failure' | 'warning' | 'info';
  /**
   * Root-cause order when several failures are found: lower explains higher (a container kill
   * explains the heartbeat loss and fetch failures that follow it).
   */
  rank: number;
  /**
   * false: what failed is not memory (a process stopped on request, a lost shuffle, a bug). Such a
   * finding is never the memory verdict; it answers "what did fail" for a failed application with no
   * memory cause. Default true.
   */
  memory?: boolean;
  /** A last resort: dropped when any other failure was found (job-failed names the failed job, no more). */
  fallback?: boolean;
  /** Named thresholds, with where each number comes from. */
  thresholds?: Record<string, Threshold>;
  /** The shared suggestion numbers (policy.ts) its remediation uses, for `explain`. */
  uses?: readonly PolicyKey[];
}

/**
 * A classifier is data plus a pure function of the folded state and the memory layout: it reports
 * codes and data, never words (those are in src/render/words/classifiers.ts, keyed by code).
 */
export interface Classifier {
  code: string;
  meta: ClassifierMeta;
  /**
   * The texts this classifier looks for in failure signals, exactly the patterns its classify()
   * matches with: the text-log scanner turns an entry into signals only when one of them (of any
   * classifier) is in it (src/classifiers/triggers.ts), so no rule can be starved by that filter.
   * Empty for classifiers that read metrics or the outcome, not failure texts.
   */
  triggers: readonly RegExp[];
  classify(ctx: ClassifierContext, report: (r: Report) => void): void;
}

export function defineClassifier(c: Classifier): Classifier {
  return c;
}
