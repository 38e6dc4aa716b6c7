import { defineClassifier } from './define.js';
import { direct, find, reportFrom } from './match.js';
import { containerFixes, fix } from './remedy.js';

// "exit code 137" (K8s ≤3.1), "137(SIGKILL, possible container OOM)" (3.2+), YARN's "Exit code is
// 137" / "Exit status: 137", standalone "Command exited with code 137".
const PATTERN = /(?:exit(?:ed with)? (?:code|status)(?: is)?[:=]?\s*|exitCode[:=]\s*)137\b|\b137\(SIGKILL/i;
const EXPLAINED = /OOMKilled|Container killed by YARN|beyond (?:the '\w+' memory limit|\w+ memory limits)/;

export default defineClassifier({
  code: 'exit-137',
  meta: {
    title: 'A process was SIGKILLed (exit 137) with no further reason: most often a memory kill',
    kind: 'failure',
    rank: 13,
    detects: 'Exit code 137 (128 + SIGKILL) in an executor loss or removal reason, without OOMKilled or a YARN memory message. The kernel OOM killer, a cgroup limit, or a -XX:OnOutOfMemoryError="kill -9 %p" hook sent it.',
    fix: 'Treat as a container memory kill: raise the overhead; check the node kernel log (dmesg: "Memory cgroup out of memory") and the executor stderr for an OutOfMemoryError before the kill.',
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN)).filter((x) => !EXPLAINED.test(x.signal.text));
    if (matches.length === 0) return;
    const l = ctx.layout;
    const remediation = l ? containerFixes(l, ctx.app, null, ctx.python) : [fix('spark.executor.memoryOverhead', null, null, 'raise the overhead')];
    remediation.push(fix(null, null, null, 'confirm in the executor stderr (java.lang.OutOfMemoryError before "kill -9" means the heap, not the container) and the node kernel log'));
    report(reportFrom(matches, 'executor', 'container', 'medium', remediation));
  },
});
