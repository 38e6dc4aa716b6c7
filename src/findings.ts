import type { Location } from './input/stats.js';
import type { EvidenceMessage } from './classifiers/evidence.js';
import type { RemedyMessage } from './classifiers/remedies.js';
import type { Need } from './plan/needs.js';

/**
 * What detection hands the renderers: codes and raw data (bytes as integers, ids, counts), never
 * words. Finding codes are a public contract, like ESLint rule ids: never rename one.
 */
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export const ROLES = ['executor', 'driver'] as const;
/** Memory regions; 'none' for a failure that is not memory (an executor stopped on request, a lost shuffle, a bug). */
export const REGIONS = [
  'reserved',
  'user',
  'execution',
  'storage',
  'heap',
  'overhead',
  'offHeap',
  'pyspark',
  'container',
  'maxResultSize',
  'none',
  /** The GPU's memory (the RAPIDS Accelerator's RMM pool): outside the JVM and its container settings. */
  'gpu',
] as const;
export const CONFIDENCES = ['high', 'medium', 'low'] as const;

export type Severity = (typeof SEVERITIES)[number];
export type Role = (typeof ROLES)[number];
export type Region = (typeof REGIONS)[number];
export type Confidence = (typeof CONFIDENCES)[number];

/** Where evidence was read: a line of an input, or a figure folded from many (task or executor metrics). */
type EvidenceOrigin = { at: Location } | { at: null; metrics: 'task' | 'executor' };

/** One piece of evidence: where, and a coded message with its data (src/classifiers/evidence.ts). */
export type Evidence = EvidenceOrigin & EvidenceMessage;

/**
 * One change (or a piece of advice, when `conf` is null): the setting, its value now and the one
 * suggested, as spark-submit takes them, with a coded reason (src/classifiers/remedies.ts).
 */
export type Remediation = { conf: string | null; current: string | null; suggested: string | null } & RemedyMessage;

export interface Finding {
  code: string;
  severity: Severity;
  role: Role;
  region: Region;
  confidence: Confidence;
  occurrences: number;
  executors: string[];
  evidence: Evidence[];
  /** What the application needs by this finding (the plan meets the needs of all findings together). */
  needs: Need[];
  /** The plan's changes that meet this finding's needs, then its advice. */
  remediation: Remediation[];
}

export interface Verdict {
  code: string;
  role: Role;
  region: Region;
  confidence: Confidence;
}

const CONFIDENCE_ORDER: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };
const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Most severe first, then most certain, then most frequent; code breaks ties so output is stable. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    CONFIDENCE_ORDER[a.confidence] - CONFIDENCE_ORDER[b.confidence] ||
    b.occurrences - a.occurrences ||
    a.code.localeCompare(b.code)
  );
}
