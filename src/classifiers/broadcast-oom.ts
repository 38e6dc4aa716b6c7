import { GiB } from '../memory/index.js';
import { defineClassifier } from './define.js';
import { find, reportFrom } from './match.js';
import { fix, roundUp, sizeConf } from './remedy.js';

// BroadcastExchangeExec / QueryExecutionErrors (2.x–4.1 wordings, _LEGACY_ERROR_TEMP_2248–2250)
// and Databricks' OutOfMemorySparkException.
const PATTERN = /Not enough memory to build and broadcast the table|Cannot broadcast the table (?:that is larger than|over|with more than)|Size of broadcasted table far exceeds estimates/;

export default defineClassifier({
  code: 'broadcast-oom',
  meta: {
    title: 'A broadcast join table did not fit in the driver (or past the broadcast limits)',
    kind: 'failure',
    rank: 6,
    detects: '"Not enough memory to build and broadcast the table to all worker nodes", "Cannot broadcast the table that is larger than 8GB / over N rows", Databricks "Size of broadcasted table far exceeds estimates". The driver collects and builds the table before sending it.',
    fix: 'Stop broadcasting that table: spark.sql.autoBroadcastJoinThreshold=-1 or a smaller value, a shuffle (merge) join hint, fresh table statistics; or a bigger driver heap.',
  },
  classify(ctx, report) {
    const matches = find(ctx, PATTERN);
    if (matches.length === 0) return;
    const props = ctx.app.sparkProperties;
    const heap = ctx.layout?.driver.heap ?? null;
    report(reportFrom(matches, 'driver', 'heap', 'high', [
      fix('spark.sql.autoBroadcastJoinThreshold', props['spark.sql.autoBroadcastJoinThreshold'] ?? '10485760', '-1', 'stop automatic broadcast joins (or set it well below the table that failed); statistics underestimated its size'),
      fix(null, null, null, 'or hint the join as a shuffle join (/*+ MERGE(t) */ or SHUFFLE_HASH) and refresh statistics with ANALYZE TABLE … COMPUTE STATISTICS'),
      fix('spark.driver.memory', heap !== null ? sizeConf(heap) : null, heap !== null ? sizeConf(roundUp(heap * 2, GiB)) : null, 'the driver materialises the whole broadcast relation in its heap'),
    ]));
  },
});
