import { defineClassifier } from './define.js';
import { direct, exitEvidence, find, processEvidence, reportFrom, roleOf, stagesOf } from './match.js';
import { heapFixes } from './heap-fixes.js';
import { fix } from './remedy.js';

// Kyuubi's JVM Quake (SparkJVMQuake, Kyuubi ≥ 1.10) kills a JVM whose GC time outruns its run time:
// "JVM GC has reached the threshold!!!" then System.exit(502), which reaches YARN, Kubernetes and the
// shell as 502 mod 256 = 246 ("Exit status: 246", "exit code 246(unexpected)").
const PATTERN = /JVM GC has reached the threshold|(?:exit(?:ed with)? (?:code|status)(?: is)?|exitCode|exit code)\s*[:=]?\s*(?:246|502)\b/i;

export default defineClassifier({
  code: 'jvm-quake-exit',
  meta: { kind: 'failure', rank: 19 },
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const role = roleOf(matches);
    const fixes = heapFixes(ctx, role, 'heap', stagesOf(matches), matches);
    report(
      reportFrom(
        matches,
        role,
        'heap',
        'high',
        {
          needs: fixes.needs,
          advice: [fix(null, null, null, 'quake-threshold'), ...fixes.advice],
        },
        [...exitEvidence(matches, 246), ...exitEvidence(matches, 502), ...processEvidence(ctx, matches, role)],
      ),
    );
  },
});
