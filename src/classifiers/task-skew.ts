import type { Evidence } from '../findings.js';
import { defineClassifier } from './define.js';
import type { Need } from '../plan/needs.js';
import { fix, partitionsNeed, skewNeed } from './remedy.js';

const MIN_TASKS = 10; // skew needs a population
const MIN_MAX_MS = 60_000; // a straggler under a minute costs little
const RATIO = 5; // the slowest task ≥ 5× the median (medians come from power-of-two buckets: ±2×)

export default defineClassifier({
  code: 'task-skew',
  meta: {
    kind: 'warning',
    rank: 62,
    thresholds: {
      ratio: { value: RATIO, why: 'slowest / median task duration' },
      minMaxMs: { value: MIN_MAX_MS, why: 'stragglers under a minute cost little' },
      minTasks: { value: MIN_TASKS, why: 'a median needs tasks' },
    },
  },
  triggers: [],
  classify(ctx, report) {
    const skewed = [...ctx.app.stages.values()]
      .filter((s) => s.durations.n >= MIN_TASKS && s.durations.max >= MIN_MAX_MS && s.durations.max >= RATIO * s.durations.quantile(0.5))
      .sort((a, b) => b.durations.max - a.durations.max);
    if (skewed.length === 0) return;
    const stages = skewed.map((s) => s.key);
    report({
      role: 'executor',
      region: 'execution',
      confidence: 'medium',
      occurrences: skewed.length,
      executors: [],
      evidence: skewed.slice(0, 5).map((s): Evidence => ({
        at: null,
        metrics: 'task',
        messageId: 'stage-skew',
        data: {
          stage: s.stageId,
          attempt: s.attempt,
          name: s.name,
          maxMs: s.durations.max,
          medianMs: s.durations.quantile(0.5),
          tasks: s.durations.n,
        },
      })),
      needs: [skewNeed(ctx, stages), partitionsNeed(ctx.app, stages)].filter((n): n is Need => n !== null),
      remediation: [fix(null, null, null, 'salt-keys')],
    });
  },
});
