import { defineClassifier } from './define.js';
import { direct, find, reportFrom } from './match.js';
import { roomNeed, settingNeed } from './remedy.js';

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
    report(
      reportFrom(matches, 'executor', region, 'medium', {
        needs: [roomNeed(ctx, null, null), settingNeed('spark.python.worker.faulthandler.enabled', 'true', {}, 'faulthandler')],
        advice: [],
      }),
    );
  },
});
