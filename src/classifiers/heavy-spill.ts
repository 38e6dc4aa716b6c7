import { fmtBytes } from '../render/units.js';
import { GiB } from '../memory/index.js';
import { defineClassifier } from './define.js';
import { adaptiveSkew, fix, morePartitions } from './remedy.js';

const MIN_SPILL = GiB; // below 1 GiB spilled in a stage the cost is small whatever the ratio
const SPILL_TO_PEAK = 10; // spilled ≥ 10 × the largest task's peak execution memory: spilling, over and over

export default defineClassifier({
  code: 'heavy-spill',
  meta: {
    title: 'Stages spilled a lot of execution memory to disk',
    kind: 'warning',
    rank: 61,
    detects: 'Per stage, task "Memory Bytes Spilled" summed; reported when at least 1 GiB and 10× the largest task\'s peak execution memory: tasks had far more to sort, aggregate or join than their execution share.',
    fix: 'More, smaller partitions (spark.sql.shuffle.partitions, AQE coalescing from a higher start), or more execution memory per task.',
    thresholds: {
      minSpillBytes: { value: MIN_SPILL, why: 'below 1 GiB per stage spilling is cheap' },
      spillToPeak: { value: SPILL_TO_PEAK, why: 'spill ≥ 10× the biggest task\'s in-memory peak means repeated spill cycles' },
    },
  },
  classify(ctx, report) {
    const heavy = [...ctx.app.stages.values()].filter((s) => s.memorySpilled >= MIN_SPILL && s.memorySpilled >= SPILL_TO_PEAK * Math.max(1, s.peakExecution.max)).sort((a, b) => b.memorySpilled - a.memorySpilled);
    if (heavy.length === 0) return;
    const remediation = [morePartitions(ctx.app)];
    const skew = adaptiveSkew(ctx.app);
    if (skew) remediation.push(skew);
    if (ctx.layout) remediation.push(fix(null, null, null, `each task may use ${fmtBytes(ctx.layout.executor.perTaskMin)}–${fmtBytes(ctx.layout.executor.perTaskMax)} of execution memory; spilled data is sorted and merged again from disk`));
    report({
      role: 'executor', region: 'execution', confidence: 'medium', occurrences: heavy.length, executors: [],
      evidence: heavy.slice(0, 5).map((s) => ({ source: 'task metrics', text: `stage ${s.stageId}.${s.attempt}${s.name ? ` (${s.name.slice(0, 80)})` : ''}: ${fmtBytes(s.memorySpilled)} spilled from memory (${fmtBytes(s.diskSpilled)} on disk) over ${s.tasks} tasks; largest task peak ${fmtBytes(s.peakExecution.max)}` })),
      remediation,
    });
  },
});
