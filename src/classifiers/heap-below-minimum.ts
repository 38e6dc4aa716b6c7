import { MiB } from '../memory/index.js';
import { defineClassifier } from './define.js';
import { direct, find, reportFrom, roleOf } from './match.js';
import { POLICY } from './policy.js';
import { roundUp } from './remedy.js';

// UnifiedMemoryManager.getMaxMemory refuses to start a JVM whose heap is under 1.5 × the 300 MiB it
// reserves: "System memory <n> must be at least <min>. Please increase heap size using the
// --driver-memory option or spark.driver.memory in Spark configuration." (the driver, or local mode),
// "Executor memory <n> must be at least <min>. Please increase executor memory using the
// --executor-memory option or spark.executor.memory …" (an executor). Plain strings up to 3.4; error
// classes INVALID_DRIVER_MEMORY / INVALID_EXECUTOR_MEMORY (SQLSTATE F0000) from 3.5, on two lines from 4.0.
const DRIVER = /System memory (\d+) must be at least (\d+)|INVALID_DRIVER_MEMORY/;
const EXECUTOR = /Executor memory (\d+) must be at least (\d+)|INVALID_EXECUTOR_MEMORY/;

export default defineClassifier({
  code: 'heap-below-minimum',
  meta: { kind: 'failure', rank: 4 },
  triggers: [DRIVER, EXECUTOR],
  classify(ctx, report) {
    const executor = direct(find(ctx, EXECUTOR));
    const driver = direct(find(ctx, DRIVER)).filter((x) => !executor.some((y) => y.signal === x.signal));
    for (const [matches, re, key] of [
      [driver, DRIVER, 'spark.driver.memory'],
      [executor, EXECUTOR, 'spark.executor.memory'],
    ] as const) {
      if (matches.length === 0) continue;
      // The minimum the message states (bytes); at least 1.5 × 300 MiB reserved when it states none (4.x one-liners).
      const min = Math.max(0, ...matches.map((x) => Number(re.exec(x.signal.text)?.[2] ?? 0))) || RESERVED_MIN;
      const heap = roundUp(min, POLICY.heapStep.value);
      const role = key === 'spark.driver.memory' ? 'driver' : roleOf(matches);
      report(
        reportFrom(matches, role, 'reserved', 'high', {
          needs: [
            key === 'spark.driver.memory'
              ? { kind: 'driver-heap', heap, reason: 'oom' }
              : { kind: 'executor-heap', heap, why: { kind: 'minimum', minimum: min }, cores: null },
          ],
          // Spark refused to start, so there is often no event log and no layout: the size is known anyway, and
          // the plan sets it without one (plan/solve.ts buildWithoutLayout).
          advice: [],
        }),
      );
    }
  },
});

/** UnifiedMemoryManager: RESERVED_SYSTEM_MEMORY_BYTES = 300 MiB; the heap must be at least 1.5 × that. */
const RESERVED_MIN = 450 * MiB;
