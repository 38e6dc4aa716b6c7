import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLASSIFIERS } from '../../src/classifiers/index.js';
import { anyTrigger } from '../../src/classifiers/triggers.js';
import { diagnosePaths, only } from '../helpers.js';

/**
 * No rule can be starved by the text scanner's pre-filter: it is the union of the classifiers' own
 * triggers (src/classifiers/triggers.ts), and here every trigger, alternative by alternative, is
 * written as one line of text, fed to diagnose on its own (whatever kind it sniffs as) and as a
 * line of a Spark log, and the classifier must fire on it.
 *
 * Each example is one line, except where the pattern itself spans lines (a Python traceback ending
 * in MemoryError). `conf`: what the one line cannot say (the heap, for a limit to compare with).
 */
const EXAMPLES: Record<string, Array<string | { line: string; conf?: Record<string, string> }>> = {
  'array-size-oom': [
    'java.lang.OutOfMemoryError: Requested array size exceeds VM limit',
    // JDK 17's ArraysSupport.hugeLength; JDK 8's ByteArrayOutputStream.hugeCapacity (a bare OutOfMemoryError).
    'java.lang.OutOfMemoryError: Required array length 2147483639 + 9 is too large',
    'java.lang.OutOfMemoryError\n\tat java.io.ByteArrayOutputStream.hugeCapacity(ByteArrayOutputStream.java:123)',
  ],
  'broadcast-oom': [
    'org.apache.spark.SparkException: Not enough memory to build and broadcast the table to all worker nodes. As a workaround, you can either disable broadcast by setting spark.sql.autoBroadcastJoinThreshold to -1 or increase the spark driver memory by setting spark.driver.memory to a higher value.',
    'org.apache.spark.SparkException: Cannot broadcast the table that is larger than 8.0 GiB: 9.1 GiB.',
    'org.apache.spark.sql.execution.OutOfMemorySparkException: Size of broadcasted table far exceeds estimates and exceeds limit of spark.driver.maxResultSize=4294967296.',
  ],
  'context-shutdown': [
    'org.apache.spark.SparkException: Job 0 cancelled because SparkContext was shut down',
    'java.lang.IllegalStateException: SparkContext has been shutdown',
  ],
  'direct-buffer-oom': [
    'java.lang.OutOfMemoryError: Direct buffer memory',
    // Netty's PlatformDependent.incrementMemoryCounter, as itself and as a fetch failure's message (before 3.2).
    'io.netty.util.internal.OutOfDirectMemoryError: failed to allocate 16777216 byte(s) of direct memory (used: 3120562176, max: 3132096512)',
    'org.apache.spark.shuffle.FetchFailedException: failed to allocate 16777216 byte(s) of direct memory (used: 64424509440, max: 64424509440)',
    // ShuffleBlockFetcherIterator since 3.2 (SPARK-27991), once spark.shuffle.maxAttemptsOnNettyOOM ran out.
    'org.apache.spark.shuffle.FetchFailedException: Block shuffle_1_12239_80 fetch failed after 10 retries due to Netty OOM',
  ],
  'execution-memory': [
    'java.lang.OutOfMemoryError: Unable to acquire 262144 bytes of memory, got 0',
    'org.apache.spark.memory.SparkOutOfMemoryError: [UNABLE_TO_ACQUIRE_MEMORY] Unable to acquire 65536 bytes of memory, got 0. SQLSTATE: 53200',
    'org.apache.spark.memory.SparkOutOfMemoryError: [POINTER_ARRAY_OUT_OF_MEMORY] Not enough memory to grow pointer array SQLSTATE: 82002',
    'ERROR UnsafeExternalSorter: Unable to grow the pointer array',
    'org.apache.spark.memory.SparkOutOfMemoryError: [AGGREGATE_OUT_OF_MEMORY] No enough memory for aggregation SQLSTATE: 82001',
    'org.apache.spark.memory.SparkOutOfMemoryError: Could not allocate memory to grow BytesToBytesMap.',
    "org.apache.spark.memory.SparkOutOfMemoryError: Can't acquire 1048576 bytes memory to build hash relation, got 74448 bytes.",
    'org.apache.spark.memory.SparkOutOfMemoryError: There is not enough memory to build hash map',
    'org.apache.spark.memory.SparkOutOfMemoryError: [SPILL_OUT_OF_MEMORY] Error while calling spill() on org.apache.spark.util.collection.unsafe.sort.UnsafeExternalSorter@72075707 : Stream closed SQLSTATE: 82003',
  ],
  'executor-exit': [
    'Executor app-20240301100000-0001/3 removed: Command exited with code 143',
    'Container container_e18_1700000000000_0042_01_000007 on host: node-7 was preempted.',
    'ERROR Executor: Exit as unable to send heartbeats to driver more than 60 times',
  ],
  'exit-137': ['The executor with id 3 exited with exit code 137(SIGKILL, possible container OOM).'],
  'fetch-failed': ['org.apache.spark.shuffle.MetadataFetchFailedException: Missing an output location for shuffle 15'],
  'gc-overhead': ['java.lang.OutOfMemoryError: GC overhead limit exceeded'],
  'gpu-oom': [
    'com.nvidia.spark.rapids.jni.GpuSplitAndRetryOOM: GPU OutOfMemory: could not split inputs and retry. The current attempt: {HostMemoryBuffer{address=0x7fac24b85210, length=729491223, id=974}}',
    'com.nvidia.spark.rapids.jni.GpuRetryOOM: GPU OutOfMemory: Current threadCountBlockedUntilReady: 0. Could not split the current attempt: {SpillableColumnarBatch{rows=1}}',
    'java.lang.OutOfMemoryError: Could not allocate native memory: std::bad_alloc: out_of_memory: RMM failure at:/cudf/cpp/build/_deps/rmm-src/include/rmm/mr/device/pool_memory_resource.hpp:257: Maximum pool size exceeded',
    'java.lang.OutOfMemoryError: Could not allocate native memory: std::bad_alloc: out_of_memory: CUDA error at: /rmm/include/rmm/mr/device/cuda_memory_resource.hpp:70: cudaErrorMemoryAllocation out of memory',
  ],
  'heap-below-minimum': [
    'java.lang.IllegalArgumentException: [INVALID_DRIVER_MEMORY] System memory 259522560 must be at least 471859200.',
    'org.apache.spark.SparkIllegalArgumentException: [INVALID_EXECUTOR_MEMORY] Executor memory 314572800 must be at least 471859200.',
  ],
  'heap-oom': [
    'java.lang.OutOfMemoryError: Java heap space',
    'org.apache.spark.SparkException: [CANNOT_LOAD_STATE_STORE.HDFS_STORE_PROVIDER_OUT_OF_MEMORY] An error occurred during loading state. Could not load HDFS state store with id StateStoreId[ checkpointRootLocation=/chk/state, operatorId=0, partitionId=3, storeName=default ] because of an out of memory exception. SQLSTATE: 58030',
    'org.apache.spark.SparkException: [CANNOT_LOAD_STATE_STORE.ROCKSDB_STORE_PROVIDER_OUT_OF_MEMORY] An error occurred during loading state. Could not load RocksDB state store with id StateStoreId[ checkpointRootLocation=/chk/state, operatorId=0, partitionId=3, storeName=default ] because of an out of memory exception. SQLSTATE: 58030',
  ],
  'heartbeat-timeout': [
    'Executor heartbeat timed out after 125000 ms',
    'WARN HeartbeatReceiver: Removing executor 5 with no recent heartbeats: 160348 ms exceeds timeout 120000 ms',
  ],
  'jvm-oom-exit': ['The executor with id 2 exited with exit code 52(JVM OOM).'],
  'jvm-quake-exit': [
    'ERROR SparkJVMQuake: JVM GC has reached the threshold!!! (bucket: 240s, killThreshold: 200s)',
    'Executor app-20240301100000-0001/4 removed: Command exited with code 246',
  ],
  'kryo-buffer-overflow': [
    'org.apache.spark.SparkException: Kryo serialization failed: Buffer overflow. Available: 0, required: 134217728. To avoid this, increase spark.kryoserializer.buffer.max value.',
    'org.apache.spark.SparkException: [KRYO_BUFFER_OVERFLOW] Kryo serialization failed: Buffer overflow. Available: 0, required: 1. To avoid this, increase "spark.kryoserializer.buffer.max" value. SQLSTATE: 54006',
  ],
  'limit-mismatch': [
    {
      line: 'Container killed by YARN for exceeding physical memory limits. 10.2 GB of 10 GB physical memory used. Consider boosting spark.executor.memoryOverhead.',
      conf: { 'spark.executor.memory': '8g' },
    },
  ],
  'max-result-size': [
    'Job aborted due to stage failure: Total size of serialized results of 16 tasks (1048.5 MB) is bigger than spark.driver.maxResultSize (1024.0 MB)',
    'org.apache.spark.SparkException: Result is larger than maxResultSize',
    'Tasks result size has exceeded maxResultSize',
  ],
  'metaspace-oom': ['java.lang.OutOfMemoryError: Metaspace'],
  'native-thread-oom': [
    'java.lang.OutOfMemoryError: unable to create native thread: possibly out of memory or process/resource limits reached',
  ],
  'offheap-oom': [
    'org.apache.gluten.exception.GlutenException: Error during calling Java code from native code: org.apache.gluten.memory.memtarget.ThrowOnOomMemoryTarget$OutOfMemoryException: Not enough spark off-heap execution memory. Acquired: 8.0 MiB, granted: 2.0 MiB.',
    'org.apache.spark.memory.SparkOutOfMemoryError: Unable to acquire 1048576 bytes of off-heap memory',
  ],
  'oom-killed': [
    'pod spark-exec-3 container spark-kubernetes-executor last state: terminated, exit code: 137, termination reason: OOMKilled',
    'kernel: Memory cgroup out of memory: Killed process 4242 (java) total-vm:18874368kB, anon-rss:16777216kB',
  ],
  'pod-evicted': [
    'pod spark-exec-3 evicted: The node was low on resource: memory. Container spark-kubernetes-executor was using 17Gi, which exceeds its request of 16Gi.',
  ],
  'python-memory-error': [
    'MemoryError',
    'org.apache.spark.api.python.PythonException: Traceback (most recent call last):\n  File "/opt/job.py", line 40, in explode_rows\nMemoryError',
    'pyspark.errors.exceptions.base.PySparkMemoryError: out of memory',
  ],
  'python-worker-crash': ['org.apache.spark.SparkException: Python worker exited unexpectedly (crashed)'],
  'python-worker-fault': [
    'Fatal Python error: Segmentation fault',
    'org.apache.spark.SparkException: Python worker exited unexpectedly (crashed): Current thread 0x00000001f0796140 (most recent call first):',
  ],
  'task-failed': [
    'Job aborted due to stage failure: Task 3 in stage 1.0 failed 4 times, most recent failure: Lost task 3.3 in stage 1.0 (TID 7) (node-2 executor 2): java.lang.NullPointerException',
  ],
  'yarn-memory-exceeded': [
    'Container killed by YARN for exceeding physical memory limits. 9.1 GB of 8.8 GB physical memory used. Consider boosting spark.executor.memoryOverhead.',
    'Container [pid=20225,containerID=container_e18_1700000000000_0042_01_000003] is running beyond physical memory limits. Current usage: 9.1 GB of 8.8 GB physical memory used; 11.2 GB of 18.5 GB virtual memory used. Killing container.',
    "Container [pid=20225,containerID=container_e18_1700000000000_0042_01_000003] is running 315781120B beyond the 'PHYSICAL' memory limit. Current usage: 9.1 GB of 8.8 GB physical memory used; 11.2 GB of 18.5 GB virtual memory used. Killing container.",
    'Container container_e18_1700000000000_0042_01_000003 is under oom because it exceeded its physical memory limit',
    'Container marked as failed: container_e18_1700000000000_0042_01_000003 on host: node-3. Exit status: -104. Diagnostics: Container killed on request.',
  ],
  'yarn-vmem-exceeded': [
    'Container killed by YARN for exceeding memory limits. 2.3 GB of 2.1 GB virtual memory used. Consider boosting spark.yarn.executor.memoryOverhead.',
    'Container [pid=32085,containerID=container_1467148440412_0020_02_000002] is running beyond virtual memory limits. Current usage: 190.4 MB of 1 GB physical memory used; 2.1 GB of 2.1 GB virtual memory used. Killing container.',
    "Container [pid=1,containerID=container_1467148440412_0020_02_000002] is running 3432448B beyond the 'VIRTUAL' memory limit. Current usage: 173.3 MB of 1 GB physical memory used; 2.2 GB of 2.1 GB virtual memory used. Killing container.",
    'Container marked as failed: container_1467148440412_0020_02_000002 on host: node-2. Exit status: -103. Diagnostics: Container killed on request.',
  ],
};

/** Classifiers that read metrics or the outcome, not failure texts: nothing to trigger. */
const NO_TEXT = ['driver-lost', 'gc-pressure', 'heap-underused', 'heavy-spill', 'job-failed', 'still-running', 'task-skew'];

/** The top-level alternatives of a pattern: `a|b(c|d)|[|]` is a, b(c|d), [|]. */
function alternatives(re: RegExp): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  const src = re.source;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(src.slice(start, i));
      start = i + 1;
    }
  }
  out.push(src.slice(start));
  return out;
}

const lineOf = (e: string | { line: string }): string => (typeof e === 'string' ? e : e.line);
const confOf = (e: string | { conf?: Record<string, string> }): Record<string, string> => (typeof e === 'string' ? {} : (e.conf ?? {}));

describe('no rule can be starved by the text pre-filter', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'st-triggers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has every text classifier in the table, and only those read no text', () => {
    const withTriggers = CLASSIFIERS.filter((c) => c.triggers.length > 0).map((c) => c.code);
    expect(Object.keys(EXAMPLES).sort()).toEqual(withTriggers.sort());
    expect(
      CLASSIFIERS.filter((c) => c.triggers.length === 0)
        .map((c) => c.code)
        .sort(),
    ).toEqual(NO_TEXT);
  });

  for (const c of CLASSIFIERS.filter((x) => x.triggers.length > 0)) {
    const examples = EXAMPLES[c.code] ?? [];

    it(`${c.code}: every alternative of its triggers has an example, and the pre-filter lets each through`, () => {
      for (const trigger of c.triggers) {
        for (const alt of alternatives(trigger)) {
          const re = new RegExp(alt, trigger.flags);
          expect(
            examples.some((e) => re.test(lineOf(e))),
            `${c.code}: no example for /${alt}/`,
          ).toBe(true);
        }
      }
      for (const e of examples) expect(anyTrigger(lineOf(e)), lineOf(e)).toBe(true);
    });

    examples.forEach((e, i) => {
      for (const as of ['text on its own', 'a line of a Spark log'] as const) {
        it(`${c.code} fires on example ${i + 1} as ${as}`, async () => {
          const line = lineOf(e);
          const file = path.join(dir, `${c.code}-${i}-${as === 'text on its own' ? 'text' : 'log'}.txt`);
          writeFileSync(file, as === 'text on its own' ? `${line}\n` : `24/03/01 10:00:00 ERROR TaskSetManager: ${line}\n`);
          const { reads, diagnoses } = await diagnosePaths([file], confOf(e));
          if (as === 'a line of a Spark log') expect(reads.map((r) => r.kind)).toEqual(['spark-log']);
          const d = only(diagnoses, () => true, 'diagnosis');
          expect(
            d.findings.map((f) => f.code),
            line,
          ).toContain(c.code);
        });
      }
    });
  }
});
