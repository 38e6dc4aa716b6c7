import { defineClassifier } from './define.js';
import { direct, find, reportFrom } from './match.js';
import { fix, keepHeapAdvice, roomNeed } from './remedy.js';

// "exit code 137" (K8s ≤3.1), "137(SIGKILL, possible container OOM)" (3.2+), YARN's "Exit code is
// 137" / "Exit status: 137", standalone "Command exited with code 137".
const PATTERN = /(?:exit(?:ed with)? (?:code|status)(?: is)?[:=]?\s*|exitCode[:=]\s*)137\b|\b137\(SIGKILL/i;
const EXPLAINED = /OOMKilled|Container killed by YARN|beyond (?:the '\w+' memory limit|\w+ memory limits)/;

export default defineClassifier({
  code: 'exit-137',
  meta: {
    kind: 'failure',
    rank: 13,
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN)).filter((x) => !EXPLAINED.test(x.signal.text));
    if (matches.length === 0) return;
    const keep = keepHeapAdvice(ctx);
    report(
      reportFrom(matches, 'executor', 'container', 'medium', {
        needs: [roomNeed(ctx, null, null)],
        advice: [
          ...(ctx.layout ? [] : [fix('spark.executor.memoryOverhead', null, null, 'raise-overhead-plain')]),
          ...(keep ? [keep] : []),
          fix(null, null, null, 'confirm-sigkill'),
        ],
      }),
    );
  },
});
