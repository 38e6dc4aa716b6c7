import { defineClassifier } from './define.js';
import { direct, find, reportFrom } from './match.js';
import { POLICY } from './policy.js';
import { roundUp, settingNeed, sizeConf } from './remedy.js';

// Python's own MemoryError, raised inside a worker (PythonException: Traceback … MemoryError), e.g.
// when spark.executor.pyspark.memory's RLIMIT_AS (worker.py setrlimit) is reached.
const PATTERN = /(?:PythonException|Traceback)[\s\S]*?^\s*MemoryError\b|^MemoryError\b|\bpyspark\.errors\.[\w.]*MemoryError/m;

export default defineClassifier({
  code: 'python-memory-error',
  meta: {
    kind: 'failure',
    rank: 29,
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const l = ctx.layout;
    const props = ctx.app.sparkProperties;
    const needs = [];
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
    report(reportFrom(matches, 'executor', l && l.executor.pyspark > 0 ? 'pyspark' : 'overhead', 'high', { needs, advice: [] }));
  },
});
