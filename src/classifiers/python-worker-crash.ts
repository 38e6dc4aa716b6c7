import { defineClassifier } from './define.js';
import { direct, find, processEvidence, reportFrom, roleOf } from './match.js';
import { fix, roomNeed, settingNeed } from './remedy.js';

// BasePythonRunner.ReaderIterator (every runner: RDD, batch UDF, Arrow/pandas UDFs share it): "Python
// worker exited unexpectedly (crashed)"; 3.2+ appends ": <faulthandler dump>" when the handler wrote one,
// 4.0+ else ". Consider setting 'spark.sql.execution.pyspark.udf.faulthandler.enabled' or…".
const PATTERN = /Python worker exited unexpectedly \(crashed\)/;
/**
 * A faulthandler dump: python-worker-fault's. The worker caught a signal and wrote its traceback, which a
 * SIGKILL (the kernel's or a container's OOM killer) never lets it do.
 */
const DUMP = /Fatal Python error: |\(crashed\):\s*(?:Current thread|Thread) 0x[0-9a-f]+ \(most recent call first\)/;

export default defineClassifier({
  code: 'python-worker-crash',
  meta: {
    kind: 'failure',
    rank: 30,
  },
  triggers: [PATTERN],
  classify(ctx, report) {
    // A dump anywhere in the application (the executor's stderr beside the driver's log) explains the crash.
    if (find(ctx, DUMP).length > 0) return;
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const l = ctx.layout;
    const region = l && l.executor.pyspark > 0 ? 'pyspark' : 'overhead';
    const role = roleOf(matches);
    // Spark 4 names its SQL-side switch in the message itself; it is a runtime SQL conf of 4.0+.
    const sqlSwitch = matches.some((x) => /spark\.sql\.execution\.pyspark\.udf\.faulthandler\.enabled/.test(x.signal.text));
    report(
      reportFrom(
        matches,
        role,
        region,
        'low',
        {
          needs: [
            role === 'executor' ? roomNeed(ctx, null, null) : null,
            settingNeed('spark.python.worker.faulthandler.enabled', 'true', {}, 'faulthandler'),
            sqlSwitch ? settingNeed('spark.sql.execution.pyspark.udf.faulthandler.enabled', 'true', {}, 'faulthandler') : null,
          ],
          // Without a layout the plan cannot size the room: say where it goes, as oom-killed and exit-137 do.
          advice:
            role === 'executor' && !l
              ? [fix('spark.executor.memoryOverhead', null, null, 'raise-overhead-no-layout', { layout: ctx.layoutProblem! })]
              : [],
        },
        processEvidence(ctx, matches, role),
      ),
    );
  },
});
