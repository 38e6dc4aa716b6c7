import type { Need } from '../plan/needs.js';
import { defineClassifier } from './define.js';
import { direct, find, processEvidence, reportFrom, roleOf } from './match.js';
import { POLICY } from './policy.js';
import { fix, roundUp, settingNeed, sizeConf } from './remedy.js';

// Python's own MemoryError: raised inside a worker (PythonException: Traceback … MemoryError; 4.x
// pyspark.errors…PythonException "An exception was thrown from the Python worker"), e.g. when
// spark.executor.pyspark.memory's RLIMIT_AS (worker.py setrlimit) is reached; or in the driver's own
// Python process (toPandas, collect), which the text scanner gives to the driver.
const PATTERN =
  /(?:PythonException|Traceback)[\s\S]*?^\s*MemoryError\b|(?:^|: )MemoryError\b(?:: [^\n]*)?$|\bpyspark\.errors\.[\w.]*MemoryError/m;

export default defineClassifier({
  code: 'python-memory-error',
  meta: {
    kind: 'failure',
    rank: 29,
  },
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const role = roleOf(matches);
    // A task's worker on "executor driver" (local mode) is still a worker; the driver's own Python has no task.
    if (role === 'driver' && !matches.some((x) => x.signal.source === 'task-exception' || x.signal.source === 'executor-lost')) {
      // The driver's Python process: outside every JVM setting; it holds what toPandas()/collect() brought back.
      report(
        reportFrom(
          matches,
          'driver',
          'pyspark',
          'high',
          { needs: [], advice: [fix(null, null, null, 'driver-python-memory'), fix(null, null, null, 'collect-less')] },
          processEvidence(ctx, matches, role),
        ),
      );
      return;
    }
    const l = ctx.layout;
    const props = ctx.app.sparkProperties;
    const needs: Need[] = [];
    if (l) {
      const cur = l.executor.pyspark;
      const next =
        cur > 0
          ? roundUp(cur * 2, POLICY.heapStep.value)
          : roundUp(Math.max(l.executor.overhead, POLICY.pysparkMin.value), POLICY.heapStep.value);
      needs.push(
        settingNeed('spark.executor.pyspark.memory', sizeConf(next), { compare: 'at-least', unit: 'mib' }, 'pyspark-limit', {
          doubled: cur > 0,
          container: l.executor.container - l.executor.pyspark + next,
        }),
      );
    }
    const batch = Number(props['spark.sql.execution.arrow.maxRecordsPerBatch'] ?? String(POLICY.arrowBatch.value));
    needs.push(
      settingNeed(
        'spark.sql.execution.arrow.maxRecordsPerBatch',
        String(Math.max(POLICY.arrowMin.value, Math.floor(batch / POLICY.arrowShrink.value))),
        { compare: 'at-most', unit: 'number', sql: false },
        'arrow-batch',
      ),
    );
    report(
      reportFrom(
        matches,
        role,
        l && l.executor.pyspark > 0 ? 'pyspark' : 'overhead',
        'high',
        { needs, advice: [] },
        processEvidence(ctx, matches, role),
      ),
    );
  },
});
