import type { HeapWhy, LayoutProblem, RemedyData, RemedyId } from '../../classifiers/remedies.js';
import type { Remediation } from '../../findings.js';
import type { ClusterManager } from '../../state/app.js';
import { fmtBytes } from '../units.js';
import { layoutProblemText } from './problems.js';

/** Whole MiB, rounded up, as Kryo's limits are set ("2047 MiB", not "2 GiB"). */
const mib = (bytes: number): string => `${Math.ceil(bytes / 2 ** 20)} MiB`;

function heapWhy(w: HeapWhy): string {
  switch (w.kind) {
    case 'execution-slots':
      return `a bigger heap gives each of ${w.slots} concurrent tasks more execution memory`;
    case 'storage':
      return 'more heap for cached and broadcast blocks';
    case 'user':
      return "more heap for objects outside Spark's unified pool";
    case 'peaked':
      return `the heap peaked at ${fmtBytes(w.peak)} of ${fmtBytes(w.heap)}`;
    case 'filled':
      return 'the heap filled up';
    case 'asked':
      return `a task asked for ${fmtBytes(w.asked)} more and got ${fmtBytes(w.got)}; each of ${w.slots} tasks may hold ${fmtBytes(w.perTaskMin)}–${fmtBytes(w.perTaskMax)}`;
    case 'task-share':
      return `each of ${w.slots} tasks may hold ${fmtBytes(w.perTaskMin)}–${fmtBytes(w.perTaskMax)} of execution memory`;
    case 'gc':
      return `tasks spent ${(w.share * 100).toFixed(1)}% of their time in GC`;
    case 'heartbeat':
      return 'long GC pauses stop the heartbeat thread';
    case 'minimum':
      return `Spark refuses to start a JVM whose heap is under ${fmtBytes(w.minimum)} (1.5 × the 300 MiB it reserves)`;
  }
}

function containerLogWhere(manager: ClusterManager, appId: string | null): string {
  if (manager === 'yarn') return `yarn logs -applicationId ${appId ?? '<app id>'} -containerId <the container>`;
  if (manager === 'kubernetes') return 'kubectl logs <the pod> --previous';
  if (manager === 'standalone') return "the worker's work/<app id>/<executor id>/stderr";
  return "the executor's stderr";
}

function whereTheDriverEnded(manager: ClusterManager, appId: string | null): string {
  if (manager === 'yarn')
    return `yarn logs -applicationId ${appId ?? '<app id>'} (the AM container ends in _000001), or yarn application -status`;
  if (manager === 'kubernetes') return 'kubectl describe pod <driver pod> (Last State, Reason: OOMKilled) and kubectl logs <driver pod>';
  return "the driver's log (spark-submit's output in client mode)";
}

const noLayout = (what: string, l: LayoutProblem): string => `${what} (layout unknown: ${layoutProblemText(l)})`;

const WORDS: { [K in RemedyId]: (d: RemedyData[K]) => string } = {
  'more-heap': (d) =>
    d.container !== null
      ? `${heapWhy(d.why)}; the executor container becomes ${fmtBytes(d.container)}`
      : `${heapWhy(d.why)}; at least this (the executor container is not computed without a memory layout)`,
  'fewer-cores': (d) =>
    `fewer concurrent tasks share the same memory: each task may use up to ${fmtBytes(d.share)} of execution memory instead of ${fmtBytes(d.perTaskMax)} ` +
    '(run more executors to keep the parallelism)' +
    (d.outsideHeap
      ? `; fewer tasks also means fewer ${d.outsideHeap.python ? 'Python workers and ' : ''}shuffle buffers outside the heap`
      : ''),
  'more-partitions': () => 'twice as many shuffle partitions halve what each task sorts, aggregates or joins at once',
  'adaptive-skew': () =>
    'with spark.sql.adaptive.enabled=true (Spark 3.0+), AQE splits skewed join partitions so no single task gets a giant one',
  'pyspark-own-memory': (d) =>
    `Python workers share the overhead today with no limit of their own; give them ${fmtBytes(d.pyspark)} (added to the container on YARN and Kubernetes, Spark 2.4+) ` +
    `so the JVM's non-heap memory keeps its overhead; container becomes ${fmtBytes(d.container)}`,
  'raise-overhead': (d) => {
    const pct = Math.round((d.margin - 1) * 100);
    const allowed = d.limitFrom === 'message' ? 'YARN allowed' : d.limitFrom === 'pod' ? 'the pod allows' : 'the container allows';
    const why =
      d.used !== null
        ? `the process used ${fmtBytes(d.used)} where ${allowed} ${fmtBytes(d.limit)}, ${fmtBytes(d.outsideHeap)} of it outside the heap; ${pct}% above that is ${fmtBytes(d.room)}`
        : `the container was killed at its limit (${fmtBytes(d.limit)}) with no figure of what it used; ${pct}% more room outside the heap is ${fmtBytes(d.room)}`;
    return `${why}: an overhead of ${fmtBytes(d.overhead)} makes the container ${fmtBytes(d.container)}`;
  },
  'shift-heap-to-overhead': (d) =>
    `no executor's heap held more than ${fmtBytes(d.peak)} of ${fmtBytes(d.heapBefore)}: ${fmtBytes(d.heapBefore - d.heap)} of it moves outside the heap ` +
    `(heap ${fmtBytes(d.heap)}, overhead ${fmtBytes(d.overhead)}), and the container stays ${fmtBytes(d.container)}`,
  'keep-heap-container-kill': (d) =>
    d.factor === null
      ? 'do not raise the heap: the heap did not overflow, the container did; with the overhead set explicitly, a bigger heap leaves the same room outside it and the kill comes back'
      : d.minimum !== null && d.until !== null
        ? `do not raise the heap: the heap did not overflow, the container did; the overhead sits at its minimum of ${fmtBytes(d.minimum)}, ` +
          `so a bigger heap adds nothing outside it until the heap passes ${fmtBytes(d.until)}, and the kill comes back`
        : `do not raise the heap: the heap did not overflow, the container did; with the overhead at ${Math.round(d.factor * 100)}% of the heap, a bigger heap adds only ` +
          `${Math.round(d.factor * 100)}% of its increase outside it while the container grows by ${Math.round((1 + d.factor) * 100)}% of it`,
  'driver-double-heap': () => 'the driver JVM ran out of heap; double it',
  'local-mode': () => 'in local mode tasks run inside the driver: spark.executor.memory has no effect',
  'driver-results-hint': () => 'look for collect(), toPandas(), large broadcasts or many small tasks accumulating results on the driver',
  'raise-heap-no-layout': (d) => `raise the executor heap (the layout could not be computed: ${layoutProblemText(d.layout)})`,
  'raise-execution-no-layout': (d) => noLayout('raise execution memory', d.layout),
  'raise-overhead-no-layout': (d) => noLayout('raise the overhead', d.layout),
  'raise-overhead-plain': () => 'raise the overhead',
  'persist-less': () =>
    'cached or broadcast blocks filled the heap: persist with MEMORY_AND_DISK_SER (or DISK_ONLY), unpersist what is no longer used, or shrink broadcasts',
  'lower-memory-fraction': (d) =>
    `user memory (your objects, UDF state, serialization buffers) grows by ${fmtBytes(d.grow)} to ${fmtBytes(d.userAfter)}, at the cost of the unified pool`,
  'split-huge-record': () =>
    'a single serialized block, record or task result reached 2 GB: split it (repartition, avoid collect_list of huge groups, write instead of collect)',
  'keep-heap-array-limit': () => 'do not raise the heap: a Java array cannot exceed 2^31 elements however big the heap is',
  'stop-auto-broadcast': () =>
    'stop automatic broadcast joins (or set it well below the table that failed); statistics underestimated its size',
  'stop-auto-broadcast-plain': () =>
    'set it to -1 to stop automatic broadcast joins (or well below the table that failed); statistics underestimated its size',
  'shuffle-join-hint': () =>
    'or hint the join as a shuffle join (/*+ MERGE(t) */ or SHUFFLE_HASH) and refresh statistics with ANALYZE TABLE … COMPUTE STATISTICS',
  'driver-broadcast-heap': () => 'the driver materialises the whole broadcast relation in its heap',
  'overhead-direct-buffers': (d) => `direct buffers count against the overhead; container becomes ${fmtBytes(d.container)}`,
  'heap-shuffle-buffers': () => 'Netty allocates shuffle buffers on the heap instead of in direct memory',
  'find-driver-end': (d) =>
    `find out how the driver ended: ${whereTheDriverEnded(d.manager, d.appId)}; then run diagnose on those with this log`,
  'driver-memory-if-oom': () =>
    "only if the driver ran out of memory: it holds collected results, broadcast tables being built, and every task's status",
  'confirm-sigkill': () =>
    'confirm in the killed process\'s stderr (java.lang.OutOfMemoryError before "kill -9" means the heap, not the container) and the node kernel log',
  'use-g1': (d) => `G1 handles ${fmtBytes(d.heap)} heaps with shorter pauses than Java 8's default Parallel collector`,
  'shrink-heap': (d) => `the peak plus 50% headroom; saves ${fmtBytes(d.saves)} per executor`,
  'network-timeout': () => 'only buys time while the memory pressure is fixed; if the node itself was lost, this is not a memory problem',
  'spill-task-share': (d) =>
    `each task may use ${fmtBytes(d.perTaskMin)}–${fmtBytes(d.perTaskMax)} of execution memory; spilled data is sorted and merged again from disk`,
  'kryo-buffer': (d) => {
    const ran = `the buffer's maximum was ${mib(d.buffer)} (${d.bufferFrom === 'message' ? 'as Kryo stated it' : d.bufferFrom === 'configuration' ? "the log's setting" : "Spark's default; the log does not set it"})`;
    // Kryo's Output.require: "required" is the bytes of the write that did not fit, not the object's size.
    const write = d.required !== null ? ` and a write of ${fmtBytes(d.required)} did not fit` : '';
    const how =
      d.basis === 'needed' && d.needed !== null
        ? `the object took at least ${mib(d.needed)}: that with 25% headroom`
        : 'doubled (Kryo names only the write that did not fit, not the whole object)';
    return d.capped
      ? `${ran}${write}: the most Kryo accepts, 2047m (KryoSerializer refuses 2048m or more); if it overflows again, the object is too large to serialize in one piece`
      : `${ran}${write}: ${how}, within Kryo's cap of 2047m`;
  },
  'kryo-at-cap': (d) =>
    `the buffer's maximum is ${d.buffer >= d.cap ? `already ${mib(d.buffer)}, Kryo's cap` : `${mib(d.buffer)} and one write needs ${mib(d.required ?? 0)}, past Kryo's cap of ${mib(d.cap)}`} (KryoSerializer refuses 2048m or more): no setting can hold this object — make it smaller: more partitions so each task result or record is smaller, aggregate before collect(), broadcast less, or write the result to storage`,
  'collect-less': () =>
    'the action collects too much: write the result to storage, aggregate before collect(), or iterate with toLocalIterator()',
  'max-result-size': (d) =>
    // To the tenth of a MiB, as the message states it: "1 GiB" would not read as past a 1 GiB limit.
    `the results reached ${d.seen < 100 * 2 ** 30 ? `${(d.seen / 2 ** 20).toFixed(1)} MiB` : fmtBytes(d.seen)} (the limit stops at the first task past it, so the total is larger); 50% headroom`,
  'driver-holds-results': () =>
    'the driver holds the serialized results and their deserialized form: at least twice maxResultSize plus 1 GiB',
  'metaspace-cap': (d) =>
    d.doubled ? 'double the metaspace cap' : 'cap metaspace explicitly so it fails early with a clear error instead of eating the overhead',
  'metaspace-causes': () =>
    'many generated classes point to very wide plans or many UDFs; a class-loader leak to repeated jar loading in a long-running session',
  'thread-limits': () =>
    'check the user process limit (ulimit -u) and the container pids limit on the nodes; thread leaks in UDFs or clients (HTTP, JDBC pools) are the usual cause',
  'offheap-grow': (d) => `the off-heap pool is shared by ${d.slots} concurrent tasks; container becomes ${fmtBytes(d.container)}`,
  'offheap-raise': () => 'raise the off-heap pool the native engine allocates from',
  'offheap-enable': () => 'spark.memory.offHeap.size counts only with the off-heap pool switched on',
  'pod-request': () => 'check the pod template: a memory request below the limit makes Spark pods the first evicted under node pressure',
  'node-reserve': () =>
    'other pods on the node may be the cause: reserve memory for the system and daemons (kubelet --system-reserved, --eviction-hard)',
  'pyspark-limit': (d) =>
    `${d.doubled ? 'the Python address-space limit was reached: double it' : 'give Python workers memory of their own'}; container becomes ${fmtBytes(d.container)}`,
  'arrow-batch': () => 'pandas UDFs receive smaller Arrow batches',
  faulthandler: () => 'prints the Python traceback of a crashing worker (Spark 3.2+), telling a segfault from a kill',
  'salt-keys': () => 'for skewed keys in joins or aggregations, salt the hot keys',
  'driver-overhead': (d) =>
    `the driver's container (the YARN application master) exceeded its limit${d.used !== null ? ` using ${fmtBytes(d.used)}` : ''}: raise the driver overhead (client mode: spark.yarn.am.memoryOverhead)`,
  'vmem-check-off': () =>
    'a NodeManager setting (yarn-site.xml): the JVM reserves far more address space than it uses (YARN-4714); the physical check still protects the node',
  'vmem-ratio': () => 'or allow more virtual memory per unit of physical memory (yarn-site.xml)',
  'keep-spark-memory-vmem': () => 'do not raise Spark memory for this: a bigger container reserves more address space in proportion',
  'read-container-log': (d) => `read the process's own log for the cause: ${containerLogWhere(d.manager, d.appId)}`,
  'fetch-failed-cause': () =>
    'shuffle output was lost with the executor that held it: find why that executor died (the other findings, its own log); an external shuffle service or decommissioning keeps shuffle files past an executor',
  'context-shutdown-cause': () =>
    "the SparkContext was stopped under the running jobs (Ctrl-C, spark-submit killed, the application's own stop(), YARN killing the application master): the driver's log says what came first",
  'task-exception': (d) => `a task threw ${d.exception}, not a memory error: the code or the data it read at the evidence is the cause`,
  'job-failure-read': (d) => `the job failed without a known cause: read the driver's log (${containerLogWhere(d.manager, d.appId)})`,
  'quake-threshold': () =>
    "Kyuubi's JVM Quake kills a JVM once its GC time outruns its work (spark.jvmQuake.killThreshold); the heap is what fills, as with GC overhead",
  'check-running': (d) =>
    d.manager === 'yarn'
      ? `yarn application -status ${d.appId ?? '<app id>'} says whether it still runs; if not, its driver died: diagnose this log with the driver's log`
      : d.manager === 'kubernetes'
        ? "kubectl get pod <driver pod> says whether it still runs; if not, its driver died: diagnose this log with the driver pod's describe and log"
        : "if the application no longer runs, its driver died: diagnose this log with the driver's log",
  'am-memory': () =>
    'the YARN application master (client mode: ExecutorLauncher) ran out of heap: raise spark.yarn.am.memory; spark.driver.memory sizes the driver, which runs elsewhere',
  'offheap-stated': (d) =>
    `the native engine was given an off-heap pool of ${fmtBytes(d.stated)}${d.taskCap !== null ? ` (${fmtBytes(d.taskCap)} per task)` : ''}; 50% more, or fewer concurrent tasks (each task's cap is the pool divided by the task slots)`,
  'driver-python-memory': () =>
    "the driver's own Python process ran out of memory (toPandas(), collect()): it is outside every JVM setting — bring back less, or use Arrow (spark.sql.execution.arrow.pyspark.enabled) and toLocalIterator()",
  'python-native-crash': (d) =>
    `a native crash${d.fatal !== null ? ` (${d.fatal})` : ''} in the Python worker, not a memory limit: the traceback in the dump names the extension or call (ctypes, a C library, Arrow/NumPy) that crashed`,
  'hash-build-side': () =>
    "a hash join's build side outgrew a task's memory: without broadcasting it Spark plans a sort-merge join, which spills instead of failing",
  'heap-minimum': (d) => `Spark refuses to start a JVM whose heap is under ${fmtBytes(d.minimum)} (1.5 × the 300 MiB it reserves)`,
  'not-spark-pod': () =>
    "not a pod of this Spark application: raise that pod's own memory limit (its resources.limits.memory), or keep it off the Spark nodes; no Spark setting changes it",
  'onoom-explained': () =>
    'the JVM killed itself on an OutOfMemoryError (-XX:OnOutOfMemoryError="kill -9 %p"): fix that OutOfMemoryError (the heap finding), not the container',
  'check-submitted-settings': () =>
    "compare the settings the job was submitted with (spark-defaults.conf, the cluster defaults, the submit command) with the log's: the limit YARN enforced is the truth about that run",
  'gpu-fewer-tasks': (d) =>
    `${d.tasks} tasks shared the GPU's memory at once (${d.set ? 'spark.rapids.sql.concurrentGpuTasks' : "the plugin's default"}): half as many leave each twice the room; NVIDIA's first step for a GPU OOM, down to 1 if it recurs`,
  'gpu-pool-fraction': (d) =>
    `the RAPIDS memory pool was set to start at ${Math.round(d.fraction * 100)}% of the GPU's memory, below the plugin's default: give it back the rest (unless another process shares this GPU on purpose)`,
  'gpu-pool-max': (d) =>
    `the RAPIDS memory pool was capped at ${Math.round(d.fraction * 100)}% of the GPU's memory (spark.rapids.memory.gpu.maxAllocFraction): lift the cap so the pool can use the whole GPU (unless another process shares it on purpose)`,
  'gpu-smaller-splits': (d) =>
    `a file scan could not split the input it read on the GPU (splits of up to ${fmtBytes(d.splits)}): half-size file splits halve what each task loads at once`,
  'keep-heap-gpu': () =>
    "do not raise the heap or the overhead: the GPU's memory ran out, not the JVM's, and no executor memory setting changes what the GPU holds",
  'heap-at-oops-limit': (d) =>
    `a heap of ${fmtBytes(d.need)} would pass ${fmtBytes(d.limit)}, where the JVM turns off compressed object pointers and holds no more objects than ${fmtBytes(d.heap)} does: ${fmtBytes(d.heap)} shared by ${d.cores} task${d.cores === 1 ? '' : 's'} instead of ${d.coresBefore} gives each task more than ${fmtBytes(d.need)} shared by ${d.coresBefore} would (run more executors to keep the parallelism)`,
  'smaller-input-splits': () =>
    'the stage reads files, not a shuffle: half the bytes per input split gives twice as many tasks, each holding half as much (spark.sql.shuffle.partitions changes only the stages after a shuffle)',
  'more-partitions-in-code': (d) =>
    `stage ${d.stage} read a shuffle of ${d.partitions} partitions, not spark.sql.shuffle.partitions' ${d.setting}: the count came from the code (repartition(n), coalesce(n)) or a session setting; raise it there`,
  'heap-past-oops-band': (d) =>
    `${d.why !== null ? `${heapWhy(d.why)}; ` : ''}past ${fmtBytes(d.limit)} the JVM turns off compressed object pointers (8-byte references), so ${fmtBytes(d.heap)} is what holds as much as ${fmtBytes(d.need)} would with them${d.container !== null ? `; the ${d.role} container becomes ${fmtBytes(d.container)}` : ''}`,
};

/** Why a remediation is suggested, unescaped (the caller escapes it for its sink). */
export function remedyText(r: Remediation): string {
  return (WORDS[r.messageId] as (d: unknown) => string)(r.data);
}
