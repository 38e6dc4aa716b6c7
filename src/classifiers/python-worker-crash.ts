import { defineClassifier } from './define.js';
import { direct, find, reportFrom } from './match.js';
import { containerFixes, fix } from './remedy.js';

// PythonRunner: "Python worker exited unexpectedly (crashed)" with or without the faulthandler dump.
const PATTERN = /Python worker exited unexpectedly \(crashed\)/;

export default defineClassifier({
  code: 'python-worker-crash',
  meta: {
    kind: 'failure',
    rank: 30,
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const l = ctx.layout;
    const region = l && l.executor.pyspark > 0 ? 'pyspark' : 'overhead';
    const remediation = l ? containerFixes(l, ctx.app, null, true).filter((r) => r.conf !== 'spark.executor.memory') : [];
    remediation.push(
      fix(
        'spark.python.worker.faulthandler.enabled',
        ctx.app.sparkProperties['spark.python.worker.faulthandler.enabled'] ?? null,
        'true',
        'faulthandler',
      ),
    );
    report(reportFrom(matches, 'executor', region, 'medium', remediation));
  },
});
