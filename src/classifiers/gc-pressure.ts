import { defineClassifier } from './define.js';
import { compareIds } from './match.js';
import type { Need } from '../plan/needs.js';
import { POLICY } from './policy.js';
import { heapNeed, maxPeak, settingNeed } from './remedy.js';

// The ratio is JVM GC time over task run time (the sums of the tasks' "JVM GC Time" and "Executor Run
// Time"), the measure Spark's own Executors page colours: an executor's task time turns red when GC
// passes 10% of it (SPARK-12149, executorspage.js GCTimePercent = 0.1). Dr. Elephant's
// ExecutorGcHeuristic uses the same 0.10 ("severe") and 0.15 ("critical") but over each executor's
// lifetime (add → end) and from 5 minutes of it; over task time the ratio is higher, so this fires no
// later than Dr. Elephant would.
const SEVERE = 0.1;
const CRITICAL = 0.15;
const MIN_RUN_TIME_MS = 60_000;
/** The busiest executor's heap under this share of -Xmx: GC time is churn, not a full heap (heap-underused's own bar). */
const CHURN_SHARE = 0.5;

export default defineClassifier({
  code: 'gc-pressure',
  meta: {
    kind: 'warning',
    rank: 60,
    thresholds: {
      severe: {
        value: SEVERE,
        why: "GC time over task time that Spark's Executors page shades red (SPARK-12149); Dr. Elephant's ExecutorGcHeuristic 'severe', over executor lifetime",
      },
      critical: {
        value: CRITICAL,
        why: "high confidence from here: Dr. Elephant's ExecutorGcHeuristic 'critical' (DEFAULT_GC_SEVERITY_A_THRESHOLDS), over executor lifetime",
      },
      churnShare: {
        value: CHURN_SHARE,
        why: "our choice: with the busiest executor's heap peak under half of -Xmx, GC time is churn and more heap is not suggested (heap-underused's bar)",
      },
      minRunTimeMs: {
        value: MIN_RUN_TIME_MS,
        why: 'our choice: under a minute of task time the ratio is noise (Dr. Elephant waits for 5 minutes of executor lifetime)',
      },
    },
  },
  triggers: [],
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
    // More heap helps a heap that fills up; with the busiest executor's heap under half full, the time
    // goes to churn (short-lived garbage), which the collector, not the size, answers.
    const peak = maxPeak(ctx.app, 'JVMHeapMemory');
    const churn = ctx.layout !== null && peak !== null && peak < CHURN_SHARE * ctx.layout.executor.heap;
    const needs = churn ? [] : [heapNeed(ctx, { kind: 'gc', share })];
    const opts = ctx.app.sparkProperties['spark.executor.extraJavaOptions'] ?? null;
    if (
      ctx.layout &&
      ctx.layout.executor.heap >= POLICY.g1HeapFloor.value &&
      // An explicit choice of collector (CMS, G1, ZGC, Shenandoah) is the user's: only Java 8's default is changed.
      !/-XX:\+Use\w+GC\b/.test(opts ?? '') &&
      !/^(?:1[1-9]|[2-9]\d)/.test(ctx.app.javaVersion ?? '')
    ) {
      needs.push(
        settingNeed(
          'spark.executor.extraJavaOptions',
          `${opts ? `${opts} ` : ''}-XX:+UseG1GC`,
          { compare: 'at-least', unit: 'text' },
          'use-g1',
          {
            heap: ctx.layout.executor.heap,
          },
        ),
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
      needs: needs.filter((n): n is Need => n !== null),
      remediation: [],
    });
  },
});
