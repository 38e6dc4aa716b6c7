import { defineClassifier } from './define.js';
import { heapFixes } from './heap-fixes.js';
import { direct, find, reportFrom } from './match.js';

// SparkExitCode.OOM = 52: SparkUncaughtExceptionHandler exits with it after an OutOfMemoryError.
// K8s 3.2+ prints "52(JVM OOM)"; YARN "Exit status: 52"; standalone "Command exited with code 52".
const PATTERN = /(?:exit(?:ed with)? (?:code|status)(?: is)?[:=]?\s*|exitCode[:=]\s*)52\b|\b52\(JVM OOM\)/i;

export default defineClassifier({
  code: 'jvm-oom-exit',
  meta: {
    title: 'An executor JVM exited with code 52: an OutOfMemoryError reached the uncaught-exception handler',
    kind: 'failure',
    rank: 28,
    detects: 'Exit code 52 (SparkExitCode.OOM) in an executor loss or removal reason. The OutOfMemoryError itself is in that executor\'s stderr; the task that triggered it may not be in the event log.',
    fix: 'The heap overflowed: more partitions, fewer cores per executor, or more heap. Read the executor stderr for which OutOfMemoryError it was.',
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    report(reportFrom(matches, 'executor', 'heap', 'high', heapFixes(ctx, 'executor', 'heap')));
  },
});
