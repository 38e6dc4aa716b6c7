import type { Need } from '../plan/needs.js';
import { defineClassifier } from './define.js';
import type { HolderKind } from './evidence.js';
import { dumpOf, holderEvidence, holderKind } from './holders.js';
import { direct, find, processEvidence, reportFrom, roleOf, stagesOf } from './match.js';
import { POLICY } from './policy.js';
import { fix, partitionsNeed, settingNeed, skewNeed, taskNeed } from './remedy.js';

// MemoryConsumer.allocatePage / TaskMemoryManager: 2.0–2.2 a plain OutOfMemoryError, 2.3+
// SparkOutOfMemoryError, error class UNABLE_TO_ACQUIRE_MEMORY from 3.2 (printed "[CLASS] …" from 3.4,
// " SQLSTATE: 53200" appended from 4.0). 4.1 gave the sorter, aggregate and spill failures classes of
// their own (POINTER_ARRAY_ / AGGREGATE_ / SPILL_OUT_OF_MEMORY, SQLSTATE 82002 / 82001 / 82003); before
// that the same texts were plain strings (4.0: _LEGACY_ERROR_TEMP_3300–3302, printed without a prefix).
// error-classes.json / error-conditions.json of the released jars 3.2.0–4.1.0 (issue 16, error-classes.md).
const ACQUIRE = /SparkOutOfMemoryError|Unable to acquire (\d+) bytes of memory, got (\d+)|UNABLE_TO_ACQUIRE_MEMORY|SQLSTATE: 53200\b/;
const SORTER = /POINTER_ARRAY_OUT_OF_MEMORY|Not enough memory to grow pointer array|Unable to grow the pointer array|SQLSTATE: 82002\b/;
const AGGREGATE =
  /AGGREGATE_OUT_OF_MEMORY|No enough memory for aggregation|Could not allocate memory to grow BytesToBytesMap|SQLSTATE: 82001\b/;
const HASH_RELATION = /Can't acquire \d+ bytes memory to build hash relation|There is not enough memory to build hash map/;
// 4.1 capitalised "Error while calling spill()"; every earlier version prints "error while calling spill()".
const SPILL = /SPILL_OUT_OF_MEMORY|[Ee]rror while calling spill\(\) on|SQLSTATE: 82003\b/;
/** A spill that failed for its disk (the IOException's message follows " : "): not memory. */
const DISK = /No space left on device|Disk quota exceeded|Input\/output error|Read-only file system|Too many open files/;

export default defineClassifier({
  code: 'execution-memory',
  meta: {
    kind: 'failure',
    rank: 22,
  },
  triggers: [ACQUIRE, SORTER, AGGREGATE, HASH_RELATION, SPILL],
  classify(ctx, report) {
    const matches = direct([ACQUIRE, SORTER, AGGREGATE, HASH_RELATION, SPILL].flatMap((re) => find(ctx, re)))
      .filter((x, i, all) => all.findIndex((y) => y.signal === x.signal) === i)
      .filter((x) => !/off-heap/i.test(x.signal.text))
      .filter((x) => !(SPILL.test(x.signal.text) && DISK.test(x.signal.text) && !/Unable to acquire/.test(x.signal.text)));
    if (matches.length === 0) return;
    const l = ctx.layout;
    const role = roleOf(matches);
    const asked = matches.map((x) => /Unable to acquire (\d+) bytes of memory, got (\d+)/.exec(x.signal.text)).find((m) => m);
    const stages = stagesOf(matches);
    // Who held the memory: TaskMemoryManager's dump when the log has it (INFO), else what the message names.
    const dump = dumpOf(matches);
    const kind: HolderKind | null = dump
      ? holderKind(dump.consumers[0]!.consumer)
      : matches.some((x) => HASH_RELATION.test(x.signal.text))
        ? 'hash-relation'
        : matches.some((x) => AGGREGATE.test(x.signal.text))
          ? 'hash-map'
          : matches.some((x) => SORTER.test(x.signal.text))
            ? 'sorter'
            : null;
    const evidence = [...(dump ? [holderEvidence(dump)] : []), ...processEvidence(ctx, matches, role)];
    if (!l) {
      report(
        reportFrom(
          matches,
          role,
          'execution',
          'high',
          {
            needs: kind === 'hash-relation' ? [buildSideNeed(stages)] : [],
            advice: [fix('spark.executor.memory', null, null, 'raise-execution-no-layout', { layout: ctx.layoutProblem! })],
          },
          evidence,
        ),
      );
      return;
    }
    const share = { slots: l.params.slots, perTaskMin: l.executor.perTaskMin, perTaskMax: l.executor.perTaskMax };
    const why = asked
      ? { kind: 'asked' as const, asked: Number(asked[1]), got: Number(asked[2]), ...share }
      : { kind: 'task-share' as const, ...share };
    const needs: Array<Need | null> = [];
    switch (kind) {
      case 'hash-relation':
        // A hash join's build side (broadcast, or a shuffled hash join's) outgrew a task's memory:
        // not broadcasting it plans a sort-merge join, which spills.
        needs.push(buildSideNeed(stages), partitionsNeed(ctx.app, stages));
        break;
      case 'hash-map':
        // A hash aggregate falls back to sorting only once its map is full: smaller groups per task.
        needs.push(partitionsNeed(ctx.app, stages), skewNeed(ctx, stages));
        break;
      case 'python-queue':
        needs.push(arrowNeed(ctx.app.sparkProperties), partitionsNeed(ctx.app, stages));
        break;
      default:
        // Sorters spill; one that cannot get a page even after spilling has too small a share per task.
        needs.push(partitionsNeed(ctx.app, stages), skewNeed(ctx, stages), taskNeed(ctx, why));
    }
    report(reportFrom(matches, role, 'execution', 'high', { needs, advice: [] }, evidence));
  },
});

/** A hash relation exists only in a SQL plan: the setting applies whether or not the inputs show the plan. */
function buildSideNeed(stages: string[]): Need {
  return settingNeed('spark.sql.autoBroadcastJoinThreshold', '-1', { unit: 'text', sql: false, stages }, 'hash-build-side');
}

/** Smaller Arrow batches for a Python UDF whose input queue (HybridRowQueue) held the memory. */
function arrowNeed(props: Record<string, string>): Need {
  const batch = Number(props['spark.sql.execution.arrow.maxRecordsPerBatch'] ?? String(POLICY.arrowBatch.value));
  return settingNeed(
    'spark.sql.execution.arrow.maxRecordsPerBatch',
    String(Math.max(POLICY.arrowMin.value, Math.floor(batch / POLICY.arrowShrink.value))),
    { compare: 'at-most', unit: 'number', sql: false },
    'arrow-batch',
  );
}
