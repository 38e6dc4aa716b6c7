import { defineClassifier } from './define.js';
import { direct, find, reportFrom, roleOf, stagesOf } from './match.js';
import { fix, partitionsNeed, skewNeed, taskNeed } from './remedy.js';

// MemoryConsumer.allocatePage / TaskMemoryManager (2.0–2.2 plain OutOfMemoryError, 2.3+
// SparkOutOfMemoryError, 3.3+ error classes), and the hash-relation and aggregation variants.
const PATTERN =
  /SparkOutOfMemoryError|Unable to acquire (\d+) bytes of memory, got (\d+)|UNABLE_TO_ACQUIRE_MEMORY|SPILL_OUT_OF_MEMORY|POINTER_ARRAY_OUT_OF_MEMORY|AGGREGATE_OUT_OF_MEMORY|Not enough memory to grow pointer array|No enough memory for aggregation|Can't acquire \d+ bytes memory to build hash relation|There is not enough memory to build hash map|Error while calling spill\(\) on/;

export default defineClassifier({
  code: 'execution-memory',
  meta: {
    kind: 'failure',
    rank: 22,
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN)).filter((x) => !/off-heap/i.test(x.signal.text));
    if (matches.length === 0) return;
    const l = ctx.layout;
    const asked = matches.map((x) => /Unable to acquire (\d+) bytes of memory, got (\d+)/.exec(x.signal.text)).find((m) => m);
    const stages = stagesOf(matches);
    if (!l) {
      report(
        reportFrom(matches, roleOf(matches), 'execution', 'high', {
          needs: [],
          advice: [fix('spark.executor.memory', null, null, 'raise-execution-no-layout', { layout: ctx.layoutProblem! })],
        }),
      );
      return;
    }
    const share = { slots: l.params.slots, perTaskMin: l.executor.perTaskMin, perTaskMax: l.executor.perTaskMax };
    const why = asked
      ? { kind: 'asked' as const, asked: Number(asked[1]), got: Number(asked[2]), ...share }
      : { kind: 'task-share' as const, ...share };
    report(
      reportFrom(matches, roleOf(matches), 'execution', 'high', {
        needs: [partitionsNeed(ctx.app, stages), skewNeed(ctx, stages), taskNeed(ctx, why)],
        advice: [],
      }),
    );
  },
});
