import { defineClassifier } from './define.js';
import { heapFixes } from './heap-fixes.js';
import { direct, find, reportFrom, stagesOf } from './match.js';

// SparkExitCode.OOM = 52: SparkUncaughtExceptionHandler exits with it after an OutOfMemoryError.
// K8s 3.2+ prints "52(JVM OOM)"; YARN "Exit status: 52"; standalone "Command exited with code 52".
const PATTERN = /(?:exit(?:ed with)? (?:code|status)(?: is)?[:=]?\s*|exitCode[:=]\s*)52\b|\b52\(JVM OOM\)/i;

export default defineClassifier({
  code: 'jvm-oom-exit',
  meta: {
    kind: 'failure',
    rank: 28,
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    report(reportFrom(matches, 'executor', 'heap', 'high', heapFixes(ctx, 'executor', 'heap', stagesOf(matches))));
  },
});
