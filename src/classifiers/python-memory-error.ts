import { fmtBytes } from '../render/units.js';
import { GiB } from '../memory/index.js';
import { defineClassifier } from './define.js';
import { direct, find, reportFrom } from './match.js';
import { containerWith, fix, roundUp, sizeConf } from './remedy.js';

// Python's own MemoryError, raised inside a worker (PythonException: Traceback … MemoryError), e.g.
// when spark.executor.pyspark.memory's RLIMIT_AS (worker.py setrlimit) is reached.
const PATTERN = /(?:PythonException|Traceback)[\s\S]*?^\s*MemoryError\b|^MemoryError\b|\bpyspark\.errors\.[\w.]*MemoryError/m;

export default defineClassifier({
  code: 'python-memory-error',
  meta: {
    title: 'Python code in a worker raised MemoryError',
    kind: 'failure',
    rank: 29,
    detects: 'A MemoryError at the end of a Python traceback in a task failure (PythonException). With spark.executor.pyspark.memory set, the worker\'s address-space limit was reached.',
    fix: 'Raise spark.executor.pyspark.memory (or set it), process smaller batches (spark.sql.execution.arrow.maxRecordsPerBatch), avoid toPandas()/collect of big groups in UDFs.',
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const l = ctx.layout;
    const props = ctx.app.sparkProperties;
    const remediation = [];
    if (l) {
      const cur = l.executor.pyspark;
      const next = cur > 0 ? roundUp(cur * 2, GiB) : roundUp(Math.max(l.executor.overhead, GiB), GiB);
      remediation.push(fix('spark.executor.pyspark.memory', cur > 0 ? sizeConf(cur) : null, sizeConf(next), `${cur > 0 ? 'the Python address-space limit was reached: double it' : 'give Python workers memory of their own'}; container becomes ${fmtBytes(containerWith(l, { pyspark: next }))}`));
    }
    const batch = Number(props['spark.sql.execution.arrow.maxRecordsPerBatch'] ?? '10000');
    remediation.push(fix('spark.sql.execution.arrow.maxRecordsPerBatch', String(batch), String(Math.max(1000, Math.floor(batch / 4))), 'pandas UDFs receive smaller Arrow batches'));
    report(reportFrom(matches, 'executor', l && l.executor.pyspark > 0 ? 'pyspark' : 'overhead', 'high', remediation));
  },
});
