import { defineClassifier } from './define.js';
import { find, reportFrom } from './match.js';
import { driverHeapNeed, fix, settingNeed } from './remedy.js';

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
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = find(ctx, PATTERN);
    if (matches.length === 0) return;
    report(
      reportFrom(matches, 'driver', 'heap', 'high', {
        needs: [
          settingNeed(
            'spark.sql.autoBroadcastJoinThreshold',
            '-1',
            // Not gated on the log's SQL events: only a SQL join broadcasts a table (BroadcastExchangeExec),
            // and the build fails in the driver, outside the stages the message is reported with.
            { unit: 'text', sql: false },
            'stop-auto-broadcast',
          ),
          driverHeapNeed(ctx, 'broadcast'),
        ],
        // The plan carries the threshold with or without a layout (plan/solve.ts buildWithoutLayout).
        advice: [fix(null, null, null, 'shuffle-join-hint')],
      }),
    );
  },
});
