import { byCode } from '../classifiers/index.js';
import { compareFindings, type Finding, type Verdict } from '../findings.js';
import type { Outcome } from '../state/app.js';

const critical = (f: Finding): number => (f.severity === 'critical' ? 0 : 1);
const rank = (f: Finding): number => byCode(f.code)!.meta.rank;

/**
 * The root cause: among memory failures (critical first, then warnings), the lowest classifier rank —
 * a container kill explains the heartbeat losses and fetch failures that follow it — then confidence.
 */
export function verdictOf(findings: Finding[]): Verdict | null {
  const failures = findings.filter((f) => byCode(f.code)?.meta.kind === 'failure' && byCode(f.code)?.meta.memory !== false);
  if (failures.length === 0) return null;
  const top = failures.sort((a, b) => critical(a) - critical(b) || rank(a) - rank(b) || compareFindings(a, b))[0]!;
  return { code: top.code, role: top.role, region: top.region, confidence: top.confidence };
}

/**
 * What failed, for an application that failed (or never finished) with no memory cause: the non-memory
 * failure of lowest rank (an executor stopped on request explains the lost shuffle after it).
 */
export function failureOf(findings: Finding[], verdict: Verdict | null, outcome: Outcome): Verdict | null {
  if (verdict !== null || outcome === 'succeeded') return null;
  const failures = findings.filter((f) => byCode(f.code)?.meta.kind === 'failure' && byCode(f.code)?.meta.memory === false);
  if (failures.length === 0) return null;
  const top = failures.sort((a, b) => rank(a) - rank(b) || compareFindings(a, b))[0]!;
  return { code: top.code, role: top.role, region: top.region, confidence: top.confidence };
}
