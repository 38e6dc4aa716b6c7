import { defineClassifier } from './define.js';
import { find, processEvidence, ranOnDriver, reportFrom } from './match.js';
import { fix } from './remedy.js';

// A job aborted because one task failed spark.task.maxFailures times with an exception that is not
// memory (TaskSetManager: "Task 3 in stage 1.0 failed 4 times, most recent failure: Lost task …: <exception>").
const PATTERN =
  /failed \d+ times?, most recent failure: Lost task [\d.]+\s+in stage [\d.]+ (?:\([^)]*\)\s*)+: ([\w.$]+(?:Exception|Error))\b/;
// Failures another classifier names: memory errors, executor losses, and a Python worker's crash
// (python-worker-crash, python-worker-fault), which is not the task's own exception.
const MEMORY =
  /OutOfMemory|MemoryError|ExecutorLostFailure|FetchFailed|Kryo|maxResultSize|SparkOutOfMemoryError|UNABLE_TO_ACQUIRE_MEMORY|Python worker exited unexpectedly|Fatal Python error/;

export default defineClassifier({
  code: 'task-failed',
  meta: { kind: 'failure', memory: false, rank: 47 },
  triggers: [PATTERN],
  classify(ctx, report) {
    if (ctx.outcome === 'succeeded') return;
    const matches = find(ctx, PATTERN, ['stage-failure', 'job-failure', 'sql-failure']).filter((x) => !MEMORY.test(x.signal.text));
    if (matches.length === 0) return;
    const exception = matches[matches.length - 1]!.m[1]!;
    // In local mode the task ran in the driver's JVM ("executor driver"), as memory findings say (roleOf).
    const role = ranOnDriver(matches) ? 'driver' : 'executor';
    report(
      reportFrom(
        matches,
        role,
        'none',
        'high',
        { needs: [], advice: [fix(null, null, null, 'task-exception', { exception })] },
        processEvidence(ctx, matches, role),
      ),
    );
  },
});
