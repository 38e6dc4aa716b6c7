import { GiB } from '../memory/index.js';
import type { Evidence } from '../findings.js';
import { defineClassifier } from './define.js';
import type { Need } from '../plan/needs.js';
import { POLICY } from './policy.js';
import { aqeOn, fix, inputSplitNeed, partitionsNeed, skewNeed } from './remedy.js';

const MIN_SPILL = GiB; // below 1 GiB spilled in a stage the cost is small whatever the ratio
const SPILL_TO_PEAK = 10; // spilled ≥ 10 × the largest task's peak execution memory: spilling, over and over

export default defineClassifier({
  code: 'heavy-spill',
  meta: {
    kind: 'warning',
    rank: 61,
    thresholds: {
      minSpillBytes: { value: MIN_SPILL, why: 'below 1 GiB per stage spilling is cheap' },
      spillToPeak: { value: SPILL_TO_PEAK, why: "spill ≥ 10× the biggest task's in-memory peak means repeated spill cycles" },
    },
  },
  triggers: [],
  classify(ctx, report) {
    const heavy = [...ctx.app.stages.values()]
      .filter((s) => s.memorySpilled >= MIN_SPILL && s.memorySpilled >= SPILL_TO_PEAK * Math.max(1, s.peakExecution.max))
      .sort((a, b) => b.memorySpilled - a.memorySpilled);
    if (heavy.length === 0) return;
    // What sets a stage's task count: for a stage that reads files, not shuffle output, its input
    // splits; for one after a SQL shuffle, spark.sql.shuffle.partitions — unless its count differs
    // from that setting with AQE off, when the code (repartition(n)) or a session chose it.
    const props = ctx.app.sparkProperties;
    const setting = Number(props['spark.sql.shuffle.partitions'] ?? POLICY.sqlShufflePartitions.value);
    const aqe = aqeOn(ctx.app);
    const chosen = (s: (typeof heavy)[number]): boolean =>
      s.readsShuffle === true && !aqe && s.numTasks !== null && Number.isFinite(setting) && s.numTasks !== setting;
    const scans = heavy.filter((s) => s.readsShuffle === false).map((s) => s.key);
    const byCode = heavy.filter(chosen);
    const shuffled = heavy.filter((s) => s.readsShuffle !== false && !chosen(s)).map((s) => s.key);
    const l = ctx.layout;
    report({
      role: 'executor',
      region: 'execution',
      confidence: 'medium',
      occurrences: heavy.length,
      executors: [],
      evidence: heavy.slice(0, 5).map((s): Evidence => ({
        at: null,
        metrics: 'task',
        messageId: 'stage-spill',
        data: {
          stage: s.stageId,
          attempt: s.attempt,
          name: s.name,
          spilled: s.memorySpilled,
          diskSpilled: s.diskSpilled,
          tasks: s.tasks,
          largestPeak: s.peakExecution.n > 0 ? s.peakExecution.max : null,
        },
      })),
      needs: [
        shuffled.length > 0 ? partitionsNeed(ctx.app, shuffled) : null,
        scans.length > 0 ? inputSplitNeed(ctx.app, scans) : null,
        scans.length < heavy.length ? skewNeed(ctx, [...shuffled, ...byCode.map((s) => s.key)]) : null,
      ].filter((n): n is Need => n !== null),
      remediation: [
        ...(l ? [fix(null, null, null, 'spill-task-share', { perTaskMin: l.executor.perTaskMin, perTaskMax: l.executor.perTaskMax })] : []),
        ...byCode
          .slice(0, 5)
          .map((s) => fix(null, null, null, 'more-partitions-in-code', { stage: s.key, partitions: s.numTasks!, setting })),
      ],
    });
  },
});
