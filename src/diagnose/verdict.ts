import { byCode } from '../classifiers/index.js';
import { compareFindings, type Finding, type Verdict } from '../findings.js';

/**
 * The root cause: among failures (critical first, then warnings), the lowest classifier rank — a
 * container kill explains the heartbeat losses and fetch failures that follow it — then confidence.
 */
export function verdictOf(findings: Finding[]): Verdict | null {
  const failures = findings.filter((f) => byCode(f.code)?.meta.kind === 'failure');
  if (failures.length === 0) return null;
  const critical = (f: Finding): number => (f.severity === 'critical' ? 0 : 1);
  const top = failures.sort(
    (a, b) => critical(a) - critical(b) || byCode(a.code)!.meta.rank - byCode(b.code)!.meta.rank || compareFindings(a, b),
  )[0]!;
  return { code: top.code, role: top.role, region: top.region, confidence: top.confidence };
}
