import type { Finding, Region } from '../../findings.js';

/**
 * What each finding code means, for the verdict line and `explain`: a title, how it is detected,
 * how it is fixed in general (findings compute concrete values). Keyed by code; the registry test
 * checks every classifier has its words here.
 */
export interface ClassifierWords {
  title: string;
  detects: string;
  fix: string;
  /** What the region means for this code, when the region's own phrase would mislead (an eviction is the node's memory, not the pod's limit). */
  region?: string;
}

export const CLASSIFIER_WORDS: Readonly<Record<string, ClassifierWords>> = {
  'context-shutdown': {
    title: 'The SparkContext was shut down under the running jobs',
    detects:
      '"Job N cancelled because SparkContext was shut down", "SparkContext has been shutdown" in a job, stage or SQL failure of an application that failed. The driver stopped (Ctrl-C, spark-submit killed, the application\'s own stop(), YARN killing the application master): not memory by itself.',
    fix: "Read the driver's log for what came before the shutdown; a memory failure there is diagnosed with it.",
  },
  'executor-exit': {
    title: 'A process exited with a code that is not memory (executors, or the YARN application master)',
    detects:
      "An exit code in an executor's removal or loss reason (YARN Exit status, Kubernetes exit code, standalone Command exited) that cannot be memory: 143 SIGTERM (preemption, release, kill on request), 50 uncaught exception, 56 heartbeat failure, -102 preempted, 53 local disk, and the others of src/classifiers/exit-codes.ts. Only for applications that failed.",
    fix: "Read the exited process's own log (yarn logs -containerId, kubectl logs --previous) for the cause each code points to.",
  },
  'fetch-failed': {
    title: 'Shuffle output was lost with an executor (FetchFailed)',
    detects:
      'FetchFailedException, MetadataFetchFailedException, "Missing an output location for shuffle" in an application that failed: the executor holding shuffle output was lost. A consequence: the cause is why that executor died.',
    fix: 'Find why the executor died (the other findings); an external shuffle service or decommissioning keeps shuffle files past an executor.',
  },
  'job-failed': {
    title: 'A job failed, for a reason the logs given do not name',
    detects:
      "The application failed (its last job or SQL execution failed, or Spark 4's ExitCode), and no other finding names a cause: the failure text of its jobs is given as evidence.",
    fix: "Read the driver's log for the exception; give it to diagnose with the event log.",
  },
  'jvm-quake-exit': {
    title: "Kyuubi's JVM Quake killed a JVM for spending its time in GC (exit 502, seen as 246)",
    detects:
      '"JVM GC has reached the threshold" (SparkJVMQuake), or exit code 246 or 502: Kyuubi\'s plugin kills a JVM whose GC time outruns its work, and System.exit(502) reaches the cluster as 246.',
    fix: 'The heap is what fills: the same fixes as gc-overhead (more heap, fewer cores, more partitions).',
  },
  'limit-mismatch': {
    title: "YARN enforced a limit other than the container the log's configuration computes",
    detects:
      'A YARN memory kill stating its limit ("X of Y physical memory used") where Y differs from the container computed from the log\'s configuration by more than the message\'s rounding.',
    fix: 'Above: YARN rounded the request up to a multiple of yarn.scheduler.minimum-allocation-mb. Below: the job ran with other settings than the log shows; the stated limit is the truth, and the plan is sized from it.',
  },
  'still-running': {
    title: 'The log is still being written: the application runs, or its driver died without closing it',
    detects:
      'An .inprogress log (or a rolling log not marked complete) without SparkListenerApplicationEnd. The log alone cannot tell a running application from a dead driver.',
    fix: "Check whether the application still runs (yarn application -status, kubectl get pod); if not, diagnose the log with the driver's log.",
  },
  'task-failed': {
    title: 'A job failed because a task threw an exception that is not memory',
    detects:
      '"Task N in stage S failed M times, most recent failure: Lost task …: <exception>" in a job, stage or SQL failure, where the exception is not a memory error nor an executor loss.',
    fix: 'The code or the data the task read is the cause: the exception at the evidence says where.',
  },
  'array-size-oom': {
    title: 'A single array would exceed 2^31 elements (OutOfMemoryError: Requested array size exceeds VM limit)',
    detects:
      'java.lang.OutOfMemoryError: Requested array size exceeds VM limit: one buffer (a serialized partition, record or result) passed 2 GB. More heap does not help.',
    fix: 'Make the single thing smaller: more partitions, smaller records or collected results.',
  },
  'broadcast-oom': {
    title: 'A broadcast join table did not fit in the driver (or past the broadcast limits)',
    detects:
      '"Not enough memory to build and broadcast the table to all worker nodes", "Cannot broadcast the table that is larger than 8GB / over N rows", Databricks "Size of broadcasted table far exceeds estimates". The driver collects and builds the table before sending it.',
    fix: 'Stop broadcasting that table: spark.sql.autoBroadcastJoinThreshold=-1 or a smaller value, a shuffle (merge) join hint, fresh table statistics; or a bigger driver heap.',
  },
  'direct-buffer-oom': {
    title: 'NIO direct buffers (Netty shuffle and network) ran out (OutOfMemoryError: Direct buffer memory)',
    detects: 'java.lang.OutOfMemoryError: Direct buffer memory. Direct buffers live outside the heap, in the overhead.',
    fix: 'Raise the overhead and cap direct memory explicitly (-XX:MaxDirectMemorySize), or make Netty prefer heap buffers.',
  },
  'driver-lost': {
    title: 'The event log stops while jobs were running: the driver died (or is still running)',
    detects:
      'No SparkListenerApplicationEnd, and jobs started that never ended. A driver killed for memory leaves exactly this; so does one still running, or one lost with its node.',
    fix: "Read the driver's side: its log, the YARN AM container's diagnostics or the driver pod's status, and give them to diagnose with the event log. Driver OOMs come from collect()/toPandas(), broadcasts and too many tasks' results.",
  },
  'execution-memory': {
    title: "A task could not get the execution memory it asked for (Spark's memory manager refused, not the JVM)",
    detects:
      'SparkOutOfMemoryError, "Unable to acquire N bytes of memory, got M", the UNABLE_TO_ACQUIRE_MEMORY / SPILL_OUT_OF_MEMORY / POINTER_ARRAY_OUT_OF_MEMORY / AGGREGATE_OUT_OF_MEMORY error classes, and hash-relation build failures.',
    fix: "A task's share of execution memory is between 1/(2N) and 1/N of the pool (N concurrent tasks): fewer cores per executor, more partitions, AQE skew handling, or more heap.",
  },
  'exit-137': {
    title: 'A process was SIGKILLed (exit 137) with no further reason: most often a memory kill',
    detects:
      'Exit code 137 (128 + SIGKILL) in an executor loss or removal reason, without OOMKilled or a YARN memory message. The kernel OOM killer, a cgroup limit, or a -XX:OnOutOfMemoryError="kill -9 %p" hook sent it.',
    fix: 'Treat as a container memory kill: raise the overhead; check the node kernel log (dmesg: "Memory cgroup out of memory") and the executor stderr for an OutOfMemoryError before the kill.',
  },
  'gc-overhead': {
    title: 'A JVM spent over 98% of its time in GC for under 2% of heap back (GC overhead limit exceeded)',
    detects: 'java.lang.OutOfMemoryError: GC overhead limit exceeded (HotSpot UseGCOverheadLimit) in task, stage, job or SQL failure text.',
    fix: 'The heap is nearly full of live objects: the same fixes as heap-oom (more partitions, fewer cores, more heap).',
  },
  'gc-pressure': {
    title: 'Executors spent a large share of task time in garbage collection',
    detects:
      'Sum of task "JVM GC Time" over sum of "Executor Run Time", for the application and per executor (Dr. Elephant ExecutorGcHeuristic thresholds).',
    fix: 'Give tasks more heap (more memory or fewer cores per executor), cache less, or use G1 on large heaps.',
  },
  'heap-below-minimum': {
    title: 'Spark refused to start a JVM whose heap is below its minimum (1.5 × the 300 MiB it reserves)',
    detects:
      '"System memory N must be at least M" (the driver, or local mode) or "Executor memory N must be at least M" from UnifiedMemoryManager, and the 3.5+ error classes INVALID_DRIVER_MEMORY / INVALID_EXECUTOR_MEMORY (SQLSTATE F0000). A configuration too small to start, not a running job filling its memory.',
    fix: 'Give that JVM at least the minimum the message states: spark.driver.memory (--driver-memory) or spark.executor.memory (--executor-memory).',
  },
  'heap-oom': {
    title: 'A JVM ran out of heap (java.lang.OutOfMemoryError: Java heap space)',
    detects:
      'java.lang.OutOfMemoryError: Java heap space in a task failure (ExceptionFailure) or in stage, job or SQL failure text. The innermost recognisable stack frame tells the region: Tungsten sorters and hash maps → execution, MemoryStore and broadcasts → storage, serializer buffers → user.',
    fix: 'Give each task more heap or less data: more shuffle partitions, AQE skew-join handling, fewer cores per executor, or a bigger spark.executor.memory (spark.driver.memory for the driver).',
  },
  'heap-underused': {
    title: 'Executors never used most of their heap: memory is over-provisioned',
    detects:
      'For an application that succeeded: the highest JVMHeapMemory peak of any executor (Task Executor Metrics / StageExecutorMetrics, Spark 3.0+) under half of spark.executor.memory, for heaps of 4 GiB and more.',
    fix: 'Lower spark.executor.memory to the observed peak plus headroom, or run more cores per executor.',
  },
  'heartbeat-timeout': {
    title: 'An executor stopped heartbeating (usually frozen in full GC, sometimes a lost node)',
    detects:
      '"Executor heartbeat timed out after N ms" in an executor loss or removal reason. Confidence rises when the same executors spent a large share of task time in GC.',
    fix: 'Relieve heap pressure (more heap per task, fewer cores, more partitions); longer timeouts only hide it.',
  },
  'heavy-spill': {
    title: 'Stages spilled a lot of execution memory to disk',
    detects:
      'Per stage, task "Memory Bytes Spilled" summed; reported when at least 1 GiB and 10× the largest task\'s peak execution memory: tasks had far more to sort, aggregate or join than their execution share.',
    fix: 'More, smaller partitions (spark.sql.shuffle.partitions, AQE coalescing from a higher start), or more execution memory per task.',
  },
  'jvm-oom-exit': {
    title: 'An executor JVM exited with code 52: an OutOfMemoryError reached the uncaught-exception handler',
    detects:
      "Exit code 52 (SparkExitCode.OOM) in an executor loss or removal reason. The OutOfMemoryError itself is in that executor's stderr; the task that triggered it may not be in the event log.",
    fix: 'The heap overflowed: more partitions, fewer cores per executor, or more heap. Read the executor stderr for which OutOfMemoryError it was.',
  },
  'kryo-buffer-overflow': {
    title: 'A Kryo-serialized object outgrew spark.kryoserializer.buffer.max',
    detects:
      '"Kryo serialization failed: Buffer overflow. Available: a, required: r … increase spark.kryoserializer.buffer.max" (and the 4.0 KRYO_BUFFER_OVERFLOW error class).',
    fix: "Raise spark.kryoserializer.buffer.max: double the maximum it ran with (Kryo's stated one, the log's, else the 64m default), or more when the message shows the object took more (the full buffer plus the write that did not fit, with headroom); at most 2047m, since KryoSerializer refuses 2048m or more. At that cap no setting helps: the object (a huge record, task result or broadcast) must get smaller.",
    region: 'a cap Spark sets on one serialization buffer (in user memory), not the heap running out',
  },
  'max-result-size': {
    title: 'Results sent to the driver passed spark.driver.maxResultSize',
    detects:
      '"Total size of serialized results of N tasks (X) is bigger than spark.driver.maxResultSize (Y)" in a stage or job failure (every version and unit style), or the executor-side "Result is larger than maxResultSize". The property itself in the configuration is not a failure.',
    fix: 'Do not bring that much to the driver (write it out, aggregate first, toLocalIterator); or raise spark.driver.maxResultSize together with spark.driver.memory, which must hold the results.',
    region: 'a limit Spark checks, not the heap running out',
  },
  'metaspace-oom': {
    title: 'Class metadata ran out (OutOfMemoryError: Metaspace)',
    detects:
      'java.lang.OutOfMemoryError: Metaspace or Compressed class space. Metaspace is outside the heap, in the overhead; usually many generated classes (codegen, UDF-heavy plans) or a class-loader leak.',
    fix: 'Raise -XX:MaxMetaspaceSize in extraJavaOptions (and the overhead with it), or cut generated classes (spark.sql.codegen.wholeStage=false as a test).',
  },
  'native-thread-oom': {
    title: 'The JVM could not start another thread (OutOfMemoryError: unable to create native thread)',
    detects:
      'java.lang.OutOfMemoryError: unable to create new native thread: the process or container hit its thread limit (ulimit -u, pids cgroup) or had no memory left for thread stacks.',
    fix: 'Fewer threads (fewer cores, smaller client thread pools), a higher process limit, or more overhead for thread stacks.',
  },
  'gpu-oom': {
    title: "The GPU's memory was exhausted (RAPIDS Accelerator)",
    detects:
      'A task failed, or an executor logged an error, with the RAPIDS Accelerator\'s GpuSplitAndRetryOOM or GpuRetryOOM ("GPU OutOfMemory: could not split inputs and retry", retries exhausted), or cudf\'s "Could not allocate native memory: std::bad_alloc: out_of_memory: RMM failure" / "CUDA error … cudaErrorMemoryAllocation". The plugin retries GpuRetryOOM itself: its INFO lines about a retry are not failures.',
    fix: 'Give each task more of the GPU: restore a memory pool capped below the default (spark.rapids.memory.gpu.allocFraction, maxAllocFraction), lower spark.rapids.sql.concurrentGpuTasks, then less data per task (smaller spark.sql.files.maxPartitionBytes for a scan, more spark.sql.shuffle.partitions otherwise). Not the JVM heap.',
    region: "the RAPIDS pool on the GPU, not the JVM's memory",
  },
  'offheap-oom': {
    title: 'The off-heap execution pool (spark.memory.offHeap.size) was exhausted',
    detects: 'Native engines (Gluten/Velox) or Tungsten off-heap allocations refused: "Not enough spark off-heap execution memory".',
    fix: 'Raise spark.memory.offHeap.size from the pool the run had (the layout, or the pool Gluten prints) and switch the pool on (spark.memory.offHeap.enabled) where nothing says it is; YARN adds the pool to the container from Spark 3.0, Kubernetes from 3.1, so only there does the container grow. Or give each task more of it (fewer cores).',
    region: "memory Spark manages outside the JVM's heap",
  },
  'oom-killed': {
    title: 'The kernel killed a container for exceeding its memory cgroup limit (Kubernetes OOMKilled)',
    detects:
      'Termination reason OOMKilled in an executor loss or removal reason (ExecutorPodsLifecycleManager), kubectl output, or pod JSON. The pod limit is heap + overhead (+ pyspark, + off-heap from 3.0); the heap cannot pass -Xmx, so the rest overflowed.',
    fix: 'Raise spark.executor.memoryOverhead (or spark.kubernetes.memoryOverheadFactor), cap Python workers with spark.executor.pyspark.memory; not the heap.',
  },
  'pod-evicted': {
    title: 'Kubernetes evicted a pod because its node ran low on memory',
    region: "the node ran short of memory (node pressure, not the pod's own limit)",
    detects:
      'Pod status reason Evicted with "The node was low on resource: memory" (kubectl describe Events, pod JSON/YAML). The kubelet evicts pods using more memory than they requested first.',
    fix: 'Keep memory requests equal to limits (Spark sets both to the container size unless a pod template lowers the request), size the overhead to real use, and reserve node memory for the system (kubelet --system-reserved, eviction thresholds).',
  },
  'python-memory-error': {
    title: 'Python code in a worker raised MemoryError',
    detects:
      "A MemoryError at the end of a Python traceback in a task failure (PythonException). With spark.executor.pyspark.memory set, the worker's address-space limit was reached.",
    fix: 'Raise spark.executor.pyspark.memory (or set it), process smaller batches (spark.sql.execution.arrow.maxRecordsPerBatch), avoid toPandas()/collect of big groups in UDFs.',
  },
  'python-worker-crash': {
    title: 'A Python worker process died without a traceback (most often killed for memory; the cause is not shown)',
    detects:
      '"Python worker exited unexpectedly (crashed)" in a task failure with no faulthandler dump: the same words for every runner (RDD, UDF, Arrow/pandas) and version. A SIGKILL (an OOM killer) and a native crash with the faulthandler off look alike, so confidence is low. Python workers live outside the JVM: in spark.executor.pyspark.memory when set, else in the overhead. With a dump anywhere in the inputs it is python-worker-fault instead.',
    fix: 'Turn on the faulthandler (spark.python.worker.faulthandler.enabled; 4.0+ SQL UDFs: spark.sql.execution.pyspark.udf.faulthandler.enabled) to tell a native crash from a kill; for a kill, give Python workers their own memory (spark.executor.pyspark.memory) or more overhead.',
  },
  'python-worker-fault': {
    title: 'A Python worker crashed with a traceback (faulthandler): a native crash, not a memory limit',
    detects:
      '"Python worker exited unexpectedly (crashed): Fatal Python error: Segmentation fault" (3.2+ with the faulthandler on), "Fatal Python error: …" in an executor\'s stderr, or the 4.1 dump Spark asks for itself. faulthandler runs on SIGSEGV, SIGABRT, SIGBUS, SIGFPE and SIGILL; the SIGKILL of an OOM killer leaves no dump, so no memory setting is suggested.',
    fix: 'Read the dump: the innermost Python frame names the call (ctypes, a C extension, Arrow or NumPy) that crashed; upgrade or work around that library.',
  },
  'task-skew': {
    title: "Some tasks took far longer than their stage's median: skewed partitions",
    detects:
      'Per stage, the slowest task ≥ 5× the median task duration and ≥ 1 minute, with at least 10 tasks. Skewed partitions are the common cause of single-task OOMs.',
    fix: 'AQE skew-join handling, salting hot keys, more partitions.',
  },
  'yarn-memory-exceeded': {
    title: 'YARN killed a container for exceeding its physical memory limit',
    detects:
      "Container killed by YARN for exceeding (physical) memory limits / running beyond physical memory limits / beyond the 'PHYSICAL' memory limit / exit status -104, in an executor loss or removal reason. The heap cannot exceed -Xmx, so the part outside it (overhead: JVM native memory, Netty buffers, Python workers) overflowed.",
    fix: 'Size spark.executor.memoryOverhead to what the process used outside the heap, plus headroom; cap Python workers with spark.executor.pyspark.memory. Raising the heap makes it worse.',
  },
  'yarn-vmem-exceeded': {
    title: 'YARN killed a container for exceeding its virtual memory limit',
    detects:
      "Container killed by YARN for exceeding virtual memory limits / running beyond virtual memory limits / beyond the 'VIRTUAL' memory limit / exit status -103. Virtual size (reserved address space, not memory used) passed yarn.nodemanager.vmem-pmem-ratio × the container.",
    fix: "Turn the NodeManager's virtual memory check off (YARN-4714) or raise its ratio; memory settings in Spark are not the cause.",
  },
};

const REGION_PHRASE: Record<Region, string> = {
  reserved: "Spark's reserved memory was exhausted",
  user: "user memory (objects outside Spark's unified pool) overflowed",
  execution: "execution memory (each task's share of the unified pool) overflowed",
  storage: 'storage memory (cached and broadcast blocks) filled the heap',
  heap: 'the heap overflowed',
  overhead: 'the overhead (memory outside the heap) overflowed, not the heap',
  offHeap: 'the off-heap pool overflowed',
  pyspark: "the Python workers' memory overflowed",
  container: 'the container limit was hit outside the heap',
  maxResultSize: 'results collected to the driver passed spark.driver.maxResultSize',
  none: 'not memory',
  gpu: "the GPU's memory (the RAPIDS pool) ran out, not the JVM's",
};

export const wordsFor = (code: string): ClassifierWords => CLASSIFIER_WORDS[code] ?? { title: code, detects: '', fix: '' };

/** Who failed: the role, or what the evidence says the process was (local mode's one JVM, a client-mode YARN AM, pods that are not Spark's). */
function whoFailed(f: Finding): string {
  const process = f.evidence.find((e) => e.messageId === 'process');
  if (process?.messageId === 'process') {
    const d = process.data;
    if (d.kind === 'local-mode') return 'driver (local mode: one JVM)';
    if (d.kind === 'yarn-am') return 'YARN application master (client mode)';
    return d.pods.length === 1 ? `pod ${d.pods[0]!}` : `${d.pods.length} pods`;
  }
  if (f.role === 'driver') return 'driver';
  return f.executors.length > 0 ? `${f.executors.length} executor${f.executors.length === 1 ? '' : 's'}` : 'executors';
}

/** One sentence: who, what killed it, which region, how sure. */
export function verdictSummary(f: Finding, python: boolean): string {
  const who = whoFailed(f);
  if (f.region === 'none') return `${who}: ${midSentence(wordsFor(f.code).title)} — ${f.confidence} confidence`;
  const region =
    wordsFor(f.code).region ??
    (f.region === 'overhead' && python ? 'the overhead (Python workers share it) overflowed, not the heap' : REGION_PHRASE[f.region]);
  return `${who}: ${midSentence(wordsFor(f.code).title)}: ${region} — ${f.confidence} confidence`;
}

/** Proper nouns a title may start with, kept capitalised after the verdict's "who:" (acronyms, such as YARN or NIO, keep their case anyway). */
const PROPER_NOUNS: ReadonlySet<string> = new Set(['Spark', 'Kubernetes', "Kyuubi's", 'Python']);

/** A title as it reads after "2 executors: ": its first word lower-cased unless a proper noun or an acronym. */
export function midSentence(title: string): string {
  const first = /^\S+/.exec(title)?.[0] ?? '';
  return /^[A-Z][a-z']*$/.test(first) && !PROPER_NOUNS.has(first) ? title[0]!.toLowerCase() + title.slice(1) : title;
}
