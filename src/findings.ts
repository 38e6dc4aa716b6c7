import { z } from 'zod';

/** Finding codes are a public contract, like ESLint rule ids: never rename one. */
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export const ROLES = ['executor', 'driver'] as const;
export const REGIONS = ['reserved', 'user', 'execution', 'storage', 'heap', 'overhead', 'offHeap', 'pyspark', 'container', 'maxResultSize'] as const;
export const CONFIDENCES = ['high', 'medium', 'low'] as const;

export type Severity = (typeof SEVERITIES)[number];
export type Role = (typeof ROLES)[number];
export type Region = (typeof REGIONS)[number];
export type Confidence = (typeof CONFIDENCES)[number];

export const EvidenceSchema = z.object({ source: z.string(), text: z.string() });
export const RemediationSchema = z.object({
  conf: z.string().nullable(),
  current: z.string().nullable(),
  suggested: z.string().nullable(),
  reason: z.string(),
});
export const FindingSchema = z.object({
  code: z.string(),
  severity: z.enum(SEVERITIES),
  role: z.enum(ROLES),
  region: z.enum(REGIONS),
  confidence: z.enum(CONFIDENCES),
  occurrences: z.number().int(),
  executors: z.array(z.string()),
  evidence: z.array(EvidenceSchema),
  remediation: z.array(RemediationSchema),
});
export const VerdictSchema = z.object({
  code: z.string(),
  role: z.enum(ROLES),
  region: z.enum(REGIONS),
  confidence: z.enum(CONFIDENCES),
  summary: z.string(),
});

export type Evidence = z.infer<typeof EvidenceSchema>;
export type Remediation = z.infer<typeof RemediationSchema>;
export type Finding = z.infer<typeof FindingSchema>;
export type Verdict = z.infer<typeof VerdictSchema>;

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

export const confidenceRank = (c: Confidence): number => CONFIDENCE_ORDER[c];
