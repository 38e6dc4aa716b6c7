import { defineClassifier } from './define.js';
import { heapFixes } from './heap-fixes.js';
import { direct, exitEvidence, find, processEvidence, reportFrom, roleOf, stagesOf } from './match.js';

// SparkExitCode.OOM = 52: SparkUncaughtExceptionHandler exits with it after an OutOfMemoryError.
// K8s 3.2+ prints "52(JVM OOM)"; YARN "Exit status: 52" (3.x: "Container from a bad node: … Exit status:
// 52", which is YARN's wording for every exit code, not a bad node); standalone "Command exited with code 52".
const PATTERN = /(?:exit(?:ed with)? (?:code|status)(?: is)?[:=]?\s*|exitCode[:=]\s*)52\b|\b52\(JVM OOM\)/i;

export default defineClassifier({
  code: 'jvm-oom-exit',
  meta: {
    kind: 'failure',
    rank: 28,
  },
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const role = roleOf(matches);
    report(
      reportFrom(matches, role, 'heap', 'high', heapFixes(ctx, role, 'heap', stagesOf(matches), matches), [
        ...exitEvidence(matches, 52),
        ...processEvidence(ctx, matches, role),
      ]),
    );
  },
});
