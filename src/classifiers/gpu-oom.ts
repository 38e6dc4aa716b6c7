import type { Need } from '../plan/needs.js';
import { defineClassifier } from './define.js';
import { direct, find, processEvidence, reportFrom, roleOf, type Match } from './match.js';
import { POLICY } from './policy.js';
import { fix, partitionsNeed, settingNeed, smallerSplits } from './remedy.js';

/**
 * GPU memory exhausted under the RAPIDS Accelerator for Apache Spark (NVIDIA/spark-rapids), as a task's
 * failure reason or an executor's log leaves it:
 * - `com.nvidia.spark.rapids.jni.GpuSplitAndRetryOOM: GPU OutOfMemory: could not split inputs and retry. …`
 *   and `GPU OutOfMemory: a batch of N cannot be split!` / `targetSize: … cannot be split further!`
 *   (sql-plugin RmmRapidsRetryIterator.scala: the retry framework halved the input as far as it could).
 * - `com.nvidia.spark.rapids.jni.GpuRetryOOM`: the plugin's own retry signal, caught and retried inside
 *   its withRetry blocks (RmmRapidsRetryIterator.next); as a task's failure reason it means the retries ran
 *   out or the allocation was outside a retry block.
 * - cudf's JNI (java/src/main/native/include/jni_utils.hpp, CATCH_STD): rmm::out_of_memory becomes
 *   `java.lang.OutOfMemoryError: Could not allocate native memory: ` + RMM's what(), which reads
 *   `std::bad_alloc: out_of_memory: RMM failure at: …` (older RMM: `std::bad_alloc: RMM failure at: …`) or
 *   `… CUDA error at: …: cudaErrorMemoryAllocation out of memory`.
 * The CPU twins (CpuRetryOOM, CpuSplitAndRetryOOM, "CPU OutOfMemory:") are host memory, not matched here.
 * The plugin's INFO/DEBUG lines that quote a retried GpuRetryOOM are not failures: the text-log scanner
 * drops them (src/containerlogs/scanner.ts).
 */
const PATTERN =
  /\bGpu(?:SplitAnd)?RetryOOM\b|GPU OutOfMemory:|Could not allocate native memory: std::bad_alloc: (?:out_of_memory: )?(?:RMM failure|CUDA error)|cudaErrorMemoryAllocation/;

/** Frames of a file scan (the plugin's multi-file and per-file readers, Spark's own scan RDDs): the task read its input split. */
const SCAN_FRAME = /PartitionReader|MultiFile\w*Reader|GpuDataSourceRDD|FileScanRDD|DataSourceRDD|GpuFileSourceScanExec/;

const num = (v: string | undefined): number | null => {
  const n = v === undefined ? NaN : Number(v.trim());
  return Number.isFinite(n) ? n : null;
};

export default defineClassifier({
  code: 'gpu-oom',
  meta: {
    kind: 'failure',
    // After the off-heap pool (27), before exit 52 (28): a GPU OOM is named by its own text.
    rank: 27.5,
    uses: [
      'rapidsConcurrentGpuTasksDefault',
      'gpuTaskShrink',
      'rapidsAllocFractionFloor',
      'rapidsMaxAllocFractionDefault',
      'filesMaxPartitionBytes',
      'partitionGrowth',
    ],
  },
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const props = ctx.app.sparkProperties;
    const stages = [...new Set(matches.flatMap((x) => [...x.signal.stages]))].sort();
    const needs: Need[] = [];

    // 1. A pool the user capped below what the plugin takes by default: the GPU had memory the job was not
    // allowed to use. Restoring it comes first (RapidsConf: allocFraction must stay ≤ maxAllocFraction).
    const alloc = num(props['spark.rapids.memory.gpu.allocFraction']);
    const maxAlloc = num(props['spark.rapids.memory.gpu.maxAllocFraction']);
    const floor = POLICY.rapidsAllocFractionFloor.value;
    if (maxAlloc !== null && maxAlloc < floor)
      needs.push(
        settingNeed(
          'spark.rapids.memory.gpu.maxAllocFraction',
          String(POLICY.rapidsMaxAllocFractionDefault.value),
          { compare: 'at-least', unit: 'number' },
          'gpu-pool-max',
          { fraction: maxAlloc },
        ),
      );
    if (alloc !== null && alloc < floor)
      needs.push(
        settingNeed('spark.rapids.memory.gpu.allocFraction', String(floor), { compare: 'at-least', unit: 'number' }, 'gpu-pool-fraction', {
          fraction: alloc,
        }),
      );

    // 2. Fewer tasks on the GPU at once: NVIDIA's first advice for a GPU OOM (RAPIDS best practices, "How to
    // handle GPU OOM issues"); the GPU's memory is shared by every task holding its semaphore.
    const tasks = num(props['spark.rapids.sql.concurrentGpuTasks']) ?? POLICY.rapidsConcurrentGpuTasksDefault.value;
    if (tasks > 1) {
      const next = Math.max(1, Math.floor(tasks / POLICY.gpuTaskShrink.value));
      needs.push(
        settingNeed('spark.rapids.sql.concurrentGpuTasks', String(next), { compare: 'at-most', unit: 'number' }, 'gpu-fewer-tasks', {
          tasks,
          set: props['spark.rapids.sql.concurrentGpuTasks'] !== undefined,
        }),
      );
    }

    // 3. Less data per task: a scan that could not split its input gets smaller file splits; anything else
    // more shuffle partitions.
    if (readsFiles(matches)) {
      // Plain bytes, as heavy-spill's smaller splits: the same key, the same value (keys-table.ts: no unit suffix before 2.4).
      const { cur, next } = smallerSplits(ctx.app);
      needs.push(
        settingNeed(
          'spark.sql.files.maxPartitionBytes',
          String(next),
          { compare: 'at-most', unit: 'bytes', sql: true, stages },
          'gpu-smaller-splits',
          {
            splits: cur,
          },
        ),
      );
    } else {
      needs.push(partitionsNeed(ctx.app, stages));
    }

    const role = roleOf(matches);
    report(
      reportFrom(
        matches,
        role,
        'gpu',
        'high',
        // GPU memory is not the JVM's: a bigger heap or overhead changes nothing the GPU holds.
        { needs, advice: [fix('spark.executor.memory', null, null, 'keep-heap-gpu')] },
        processEvidence(ctx, matches, role),
      ),
    );
  },
});

function readsFiles(matches: Match[]): boolean {
  return matches.some((x) => x.signal.frames.some((f) => SCAN_FRAME.test(f)));
}
