import { POLICY } from './policy.js';
import { defineClassifier } from './define.js';
import { find, reportFrom } from './match.js';
import { fix, roundUp, sizeConf } from './remedy.js';

// BroadcastExchangeExec / QueryExecutionErrors (2.x–4.1 wordings, _LEGACY_ERROR_TEMP_2248–2250)
// and Databricks' OutOfMemorySparkException.
const PATTERN =
  /Not enough memory to build and broadcast the table|Cannot broadcast the table (?:that is larger than|over|with more than)|Size of broadcasted table far exceeds estimates/;

export default defineClassifier({
  code: 'broadcast-oom',
  meta: {
    kind: 'failure',
    rank: 6,
  },
  classify(ctx, report) {
    const matches = find(ctx, PATTERN);
    if (matches.length === 0) return;
    const props = ctx.app.sparkProperties;
    const heap = ctx.layout?.driver.heap ?? null;
    report(
      reportFrom(matches, 'driver', 'heap', 'high', [
        fix(
          'spark.sql.autoBroadcastJoinThreshold',
          props['spark.sql.autoBroadcastJoinThreshold'] ?? String(POLICY.autoBroadcastThreshold.value),
          '-1',
          'stop-auto-broadcast',
        ),
        fix(null, null, null, 'shuffle-join-hint'),
        fix(
          'spark.driver.memory',
          heap !== null ? sizeConf(heap) : null,
          heap !== null ? sizeConf(roundUp(heap * POLICY.driverGrowth.value, POLICY.heapStep.value)) : null,
          'driver-broadcast-heap',
        ),
      ]),
    );
  },
});
