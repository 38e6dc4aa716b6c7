import { defineClassifier } from './define.js';
import { compareIds } from './match.js';
import { POLICY } from './policy.js';
import { fix, moreHeap } from './remedy.js';

// Dr. Elephant ExecutorGcHeuristic (DEFAULT_GC_SEVERITY_A_THRESHOLDS): GC time / executor run time
// low 0.08, moderate 0.09, severe 0.10, critical 0.15. We warn from "severe".
const SEVERE = 0.1;
const CRITICAL = 0.15;
const MIN_RUN_TIME_MS = 60_000; // below a minute of task time the ratio is noise

export default defineClassifier({
  code: 'gc-pressure',
  meta: {
    kind: 'warning',
    rank: 60,
    thresholds: {
      severe: { value: SEVERE, why: 'Dr. Elephant DEFAULT_GC_SEVERITY_A_THRESHOLDS.severe' },
      critical: { value: CRITICAL, why: 'Dr. Elephant DEFAULT_GC_SEVERITY_A_THRESHOLDS.critical' },
    },
  },
  classify(ctx, report) {
    let run = 0;
    let gc = 0;
    const heavy: string[] = [];
    for (const e of ctx.app.executors.values()) {
      run += e.runTime;
      gc += e.gcTime;
      if (e.runTime >= MIN_RUN_TIME_MS && e.gcTime / e.runTime >= SEVERE) heavy.push(e.id);
    }
    if (run < MIN_RUN_TIME_MS || gc / run < SEVERE) return;
    const share = gc / run;
    const remediation = [];
    if (ctx.layout) remediation.push(moreHeap(ctx.layout, ctx.app, { kind: 'gc', share }));
    const opts = ctx.app.sparkProperties['spark.executor.extraJavaOptions'] ?? null;
    if (
      ctx.layout &&
      ctx.layout.executor.heap >= POLICY.g1HeapFloor.value &&
      !/UseG1GC|UseZGC|UseShenandoahGC/.test(opts ?? '') &&
      !/^(?:1[1-9]|[2-9]\d)/.test(ctx.app.javaVersion ?? '')
    ) {
      remediation.push(
        fix('spark.executor.extraJavaOptions', opts, `${opts ? `${opts} ` : ''}-XX:+UseG1GC`, 'use-g1', { heap: ctx.layout.executor.heap }),
      );
    }
    report({
      role: 'executor',
      region: 'heap',
      confidence: share >= CRITICAL ? 'high' : 'medium',
      occurrences: heavy.length,
      executors: heavy.sort(compareIds),
      evidence: [
        {
          at: null,
          metrics: 'task',
          messageId: 'gc-share',
          data: { share, gcMs: gc, runMs: run, heavyExecutors: heavy.length, severe: SEVERE },
        },
      ],
      remediation,
    });
  },
});
