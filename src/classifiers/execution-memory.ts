import { fmtBytes } from '../render/units.js';
import { defineClassifier } from './define.js';
import { adaptiveSkew, fewerCores, fix, moreHeap, morePartitions } from './remedy.js';
import { direct, find, reportFrom, roleOf } from './match.js';

// MemoryConsumer.allocatePage / TaskMemoryManager (2.0–2.2 plain OutOfMemoryError, 2.3+
// SparkOutOfMemoryError, 3.3+ error classes), and the hash-relation and aggregation variants.
const PATTERN = /SparkOutOfMemoryError|Unable to acquire (\d+) bytes of memory, got (\d+)|UNABLE_TO_ACQUIRE_MEMORY|SPILL_OUT_OF_MEMORY|POINTER_ARRAY_OUT_OF_MEMORY|AGGREGATE_OUT_OF_MEMORY|Not enough memory to grow pointer array|No enough memory for aggregation|Can't acquire \d+ bytes memory to build hash relation|There is not enough memory to build hash map|Error while calling spill\(\) on/;

export default defineClassifier({
  code: 'execution-memory',
  meta: {
    title: "A task could not get the execution memory it asked for (Spark's memory manager refused, not the JVM)",
    kind: 'failure',
    rank: 22,
    detects: 'SparkOutOfMemoryError, "Unable to acquire N bytes of memory, got M", the UNABLE_TO_ACQUIRE_MEMORY / SPILL_OUT_OF_MEMORY / POINTER_ARRAY_OUT_OF_MEMORY / AGGREGATE_OUT_OF_MEMORY error classes, and hash-relation build failures.',
    fix: "A task's share of execution memory is between 1/(2N) and 1/N of the pool (N concurrent tasks): fewer cores per executor, more partitions, AQE skew handling, or more heap.",
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN)).filter((x) => !/off-heap/i.test(x.signal.text));
    if (matches.length === 0) return;
    const l = ctx.layout;
    const remediation = [];
    const asked = matches.map((x) => /Unable to acquire (\d+) bytes of memory, got (\d+)/.exec(x.signal.text)).find((m) => m);
    if (l) {
      remediation.push(morePartitions(ctx.app));
      const skew = adaptiveSkew(ctx.app);
      if (skew) remediation.push(skew);
      const fc = fewerCores(l);
      if (fc) remediation.push(fc);
      const why = asked ? `a task asked for ${fmtBytes(Number(asked[1]))} more and got ${fmtBytes(Number(asked[2]))}; each of ${l.params.slots} tasks may hold ${fmtBytes(l.executor.perTaskMin)}–${fmtBytes(l.executor.perTaskMax)}` : `each of ${l.params.slots} tasks may hold ${fmtBytes(l.executor.perTaskMin)}–${fmtBytes(l.executor.perTaskMax)} of execution memory`;
      remediation.push(moreHeap(l, ctx.app, why));
    } else {
      remediation.push(fix('spark.executor.memory', null, null, `raise execution memory (layout unknown: ${ctx.layoutError})`));
    }
    report(reportFrom(matches, roleOf(matches), 'execution', 'high', remediation));
  },
});
