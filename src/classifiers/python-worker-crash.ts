import { defineClassifier } from './define.js';
import { direct, find, reportFrom } from './match.js';
import { containerFixes, fix } from './remedy.js';

// PythonRunner: "Python worker exited unexpectedly (crashed)" with or without the faulthandler dump.
const PATTERN = /Python worker exited unexpectedly \(crashed\)/;

export default defineClassifier({
  code: 'python-worker-crash',
  meta: {
    title: 'A Python worker process died (often killed for memory, or a native crash)',
    kind: 'failure',
    rank: 30,
    detects: '"Python worker exited unexpectedly (crashed)" in a task failure. Python workers live outside the JVM: in spark.executor.pyspark.memory when set, else in the overhead.',
    fix: 'Give Python workers their own memory (spark.executor.pyspark.memory) or more overhead; turn on the faulthandler to see native crashes.',
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const l = ctx.layout;
    const region = l && l.executor.pyspark > 0 ? 'pyspark' : 'overhead';
    const remediation = l ? containerFixes(l, ctx.app, null, true).filter((r) => r.conf !== 'spark.executor.memory') : [];
    remediation.push(fix('spark.python.worker.faulthandler.enabled', ctx.app.sparkProperties['spark.python.worker.faulthandler.enabled'] ?? null, 'true', 'prints the Python traceback of a crashing worker (Spark 3.2+), telling a segfault from a kill'));
    report(reportFrom(matches, 'executor', region, 'medium', remediation));
  },
});
