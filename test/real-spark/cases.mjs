// The real failures run.mjs produces, one entry per case. Each names how it is produced (the
// application in src/main/java/.../RealSparkApps.java and the configuration here), what the run
// must show for it to count (`sanity`: checked on the driver's and executors' output, so a run that
// failed some other way is never written as a fixture), and what a correct diagnosis says
// (`checks`: which of the collected files are given to `diagnose`, and the expected finding).
//
// Expectations say what the evidence in those files supports, decided from Spark's behaviour and
// the logs, never copied from spark-triage's output. Where the product disagrees, the check carries
// `knownMismatch` with the reason, and the test marks exactly that check as a known failure.

/** Executor and driver heaps: the smallest Spark accepts (UnifiedMemoryManager: 1.5 × 300 MiB reserved). */
const HEAP = '512m';

/** The codec of each case, per Spark line: every codec on every line, plus rolling logs. */
const CODECS = {
  'heap-oom': { '3.3.3': 'lz4', '3.5.6': 'zstd', '4.0.1': 'rolling-zstd' },
  'exit-137-onoom': { '3.3.3': 'none', '3.5.6': 'lz4', '4.0.1': 'snappy' },
  'gc-overhead': { '3.3.3': 'snappy', '3.5.6': 'none', '4.0.1': 'lz4' },
  'jvm-oom-exit': { '3.3.3': 'zstd', '3.5.6': 'snappy', '4.0.1': 'none' },
  'execution-memory': { '3.3.3': 'none', '3.5.6': 'lz4', '4.0.1': 'zstd' },
  'max-result-size': { '3.3.3': 'lz4', '3.5.6': 'none', '4.0.1': 'snappy' },
  'broadcast-oom': { '3.3.3': 'snappy', '3.5.6': 'zstd', '4.0.1': 'none' },
  'kryo-buffer-overflow': { '3.3.3': 'zstd', '3.5.6': 'snappy', '4.0.1': 'lz4' },
  'driver-oom-killed': { '3.3.3': 'none', '3.5.6': 'lz4', '4.0.1': 'zstd' },
  healthy: { '3.3.3': 'rolling-none', '3.5.6': 'rolling-lz4', '4.0.1': 'rolling-zstd' },
  'executor-killed-recovers': { '3.3.3': 'lz4', '3.5.6': 'zstd', '4.0.1': 'snappy' },
  'yarn-pmem-client': { '3.3.3': 'zstd', '3.5.6': 'lz4', '4.0.1': 'zstd' },
  'yarn-pmem-cluster': { '3.3.3': 'none', '3.5.6': 'zstd', '4.0.1': 'rolling-zstd' },
  'yarn-vmem-client': { '3.3.3': 'snappy', '3.5.6': 'none', '4.0.1': 'lz4' },
};

/** spark.eventLog.* for a codec name of the table above. */
export function eventLogConf(codec) {
  const rolling = codec.startsWith('rolling-');
  const c = rolling ? codec.slice('rolling-'.length) : codec;
  return {
    'spark.eventLog.enabled': 'true',
    'spark.eventLog.compress': String(c !== 'none'),
    ...(c !== 'none' ? { 'spark.eventLog.compression.codec': c } : {}),
    // Explicit on every line: 4.0 turned rolling (and zstd) on by default, 3.x had them off.
    'spark.eventLog.rolling.enabled': String(rolling),
  };
}

const LOCAL = { master: 'local-cluster[2,1,1024]', deployMode: 'client' };
const base = {
  'spark.executor.memory': HEAP,
  // Bounded: no run waits long for a lost executor (default 120s).
  'spark.network.timeout': '60s',
};

const eventlog = ['eventlog'];

// Known mismatches: the product's answer differs from what the evidence supports. Each is the
// reason the test marks that check as a known failure (it.fails); see the issue 15 report.
/** Every reason that applies to one check, in one string (undefined when none does). */
const all = (...reasons) => reasons.filter(Boolean).join(' — AND — ') || undefined;
/** No job failed: the query died in the driver while building the broadcast. */
const withDriver = ['eventlog', 'driver.log'];

export const CASES = [
  {
    name: 'heap-oom',
    ...LOCAL,
    produced:
      'groupByKey(2) of 6,000 strings of 100 KB (600 MB) that all share one key: the reducing task holds the whole group (ExternalAppendOnlyMap / CompactBuffer) in a 512 MiB executor heap; each attempt dies of Java heap space and the executor then exits 52 (SparkUncaughtExceptionHandler).',
    conf: { ...base },
    sanity: [/java\.lang\.OutOfMemoryError: Java heap space/],
    checks: (v) => [{ inputs: eventlog, expect: { code: 'heap-oom', role: 'executor', region: 'execution', also: ['jvm-oom-exit'] } }],
  },
  {
    name: 'exit-137-onoom',
    ...LOCAL,
    produced:
      'Each task reads its partition (6,000 strings of 100 KB, 600 MB) into a java.util.ArrayList to sort it in memory, in a 512 MiB executor heap started with spark.executor.extraJavaOptions=-XX:OnOutOfMemoryError="kill -9 %p": the JVM kills itself at the first OutOfMemoryError, before Spark can report the task, so the event log only has executors that exited with code 137. The JVM\'s banner ("# java.lang.OutOfMemoryError: Java heap space", "# -XX:OnOutOfMemoryError=…") is in each killed executor\'s stdout (SPARK_HOME/work/<app>/<id>/stdout), collected with its stderr.',
    conf: { ...base, 'spark.executor.extraJavaOptions': "-XX:OnOutOfMemoryError='kill -9 %p'" },
    collectExecutorLogs: /^# java\.lang\.OutOfMemoryError/m,
    sanity: [/^# java\.lang\.OutOfMemoryError: Java heap space/m, /Command exited with code 137/],
    checks: (v) => [
      // The event log alone: executors lost with exit code 137 and no stated reason.
      { inputs: eventlog, expect: { code: 'exit-137', role: 'executor', region: 'container' } },
      // With the executors' output: the kill was the JVM's reaction to a heap OutOfMemoryError.
      {
        inputs: ['eventlog', 'executor-logs'],
        expect: { code: 'heap-oom', role: 'executor', region: 'heap', also: ['exit-137'] },
      },
    ],
  },
  {
    name: 'gc-overhead',
    ...LOCAL,
    produced:
      'One task fills a java.util.HashMap<Long,String> without bound under the Parallel collector (-XX:+UseParallelGC, the collector that enforces UseGCOverheadLimit) in a 512 MiB executor heap: "GC overhead limit exceeded". -XX:GCTimeLimit=90 -XX:GCHeapFreeLimit=10 (defaults 98 and 2) make HotSpot give up after tens of seconds of thrashing instead of minutes, before the driver drops the executor for missed heartbeats.',
    // Each attempt thrashes for about a minute on this machine: two attempts, not four, bound the run.
    conf: {
      ...base,
      'spark.executor.extraJavaOptions': '-XX:+UseParallelGC -XX:GCTimeLimit=90 -XX:GCHeapFreeLimit=10',
      'spark.network.timeout': '120s',
      'spark.task.maxFailures': '2',
    },
    timeoutMs: 420_000,
    sanity: [/GC overhead limit exceeded/],
    checks: (v) => [{ inputs: eventlog, expect: { code: 'gc-overhead', role: 'executor', region: 'user' } }],
  },
  {
    name: 'jvm-oom-exit',
    ...LOCAL,
    produced:
      "A task starts a thread of its own that fills the heap; its OutOfMemoryError reaches the executor's default uncaught-exception handler (SparkUncaughtExceptionHandler), which exits 52 (SparkExitCode.OOM). The task itself never throws, so only the exit code is in the event log.",
    conf: { ...base },
    sanity: [/code 52|exit code 52|exitCode 52|52/],
    checks: (v) => [{ inputs: eventlog, expect: { code: 'jvm-oom-exit', role: 'executor', region: 'heap' } }],
  },
  {
    name: 'execution-memory',
    ...LOCAL,
    produced:
      'A sort of 16 rows of 4 MB each with spark.memory.fraction=0.01: the unified pool of a 512 MiB executor is ~2 MiB, smaller than one row, so UnsafeExternalSorter cannot get a page even after spilling and throws SparkOutOfMemoryError (Unable to acquire / UNABLE_TO_ACQUIRE_MEMORY).',
    conf: { ...base, 'spark.memory.fraction': '0.01', 'spark.sql.shuffle.partitions': '4', 'spark.sql.adaptive.enabled': 'false' },
    sanity: [/SparkOutOfMemoryError|UNABLE_TO_ACQUIRE_MEMORY|Unable to acquire/],
    checks: (v) => [{ inputs: eventlog, expect: { code: 'execution-memory', role: 'executor', region: 'execution' } }],
  },
  {
    name: 'max-result-size',
    ...LOCAL,
    produced:
      'collect() of four 600 KB byte arrays with spark.driver.maxResultSize=1m: TaskSetManager aborts the job once the fetched results pass the limit.',
    conf: { ...base, 'spark.driver.maxResultSize': '1m' },
    sanity: [/is bigger than (spark\.driver\.)?maxResultSize/],
    checks: (v) => [{ inputs: eventlog, expect: { code: 'max-result-size', role: 'driver', region: 'maxResultSize' } }],
  },
  {
    name: 'broadcast-oom',
    ...LOCAL,
    // Spark 4.0.1, same application: the driver fails earlier, deserializing a task result of the
    // broadcast's collect job ("Exception while getting task result: java.lang.IllegalStateException:
    // unread block data", no OutOfMemoryError or broadcast wording anywhere in its output), so
    // there is no broadcast-oom to record on that line.
    versions: ['3.3.3', '3.5.6'],
    produced:
      'A join with functions.broadcast() on a 1.2-million-row table of three SHA-512 hex strings (~500 MB as rows, every column used by the aggregate after it) and a 512 MiB driver: BroadcastExchangeExec runs out of driver heap while collecting and building the relation and fails the query with "Not enough memory to build and broadcast the table to all worker nodes".',
    conf: { ...base, 'spark.sql.adaptive.enabled': 'false' },
    sanity: [/Not enough memory to build and broadcast the table/],
    checks: (v) => [
      // The driver's output always has the message; the event log has it only where Spark records a
      // failed SQL execution's error (SparkListenerSQLExecutionEnd.errorMessage, 3.4+). On 3.3 the event
      // log says nothing failed: the driver log's 'Exception in thread "main"' says the application did.
      {
        inputs: withDriver,
        expect: { code: 'broadcast-oom', role: 'driver', region: 'heap' },
      },
    ],
  },
  {
    name: 'kryo-buffer-overflow',
    ...LOCAL,
    produced:
      'A typed Dataset of 2 MB records encoded with Encoders.kryo, spark.serializer=KryoSerializer and spark.kryoserializer.buffer.max=1m: each task fails encoding a record (KryoSerializerInstance.serialize: "Kryo serialization failed: Buffer overflow"), four attempts, job aborted. (Task results no longer overflow since 3.4: they are serialized to a stream.)',
    conf: { ...base, 'spark.serializer': 'org.apache.spark.serializer.KryoSerializer', 'spark.kryoserializer.buffer.max': '1m' },
    sanity: [/Kryo serialization failed: Buffer overflow|KRYO_BUFFER_OVERFLOW/],
    checks: (v) => [{ inputs: eventlog, expect: { code: 'kryo-buffer-overflow', role: 'executor', region: 'user' } }],
  },
  {
    name: 'driver-oom-killed',
    ...LOCAL,
    produced:
      'collect() of 48 × 16 MB byte arrays with spark.driver.maxResultSize=0 (unlimited) into a 512 MiB driver started with -XX:OnOutOfMemoryError="kill -9 %p": the driver dies mid-job, its event log stops without SparkListenerApplicationEnd (still named .inprogress); driver.log is the driver process\'s output up to its death.',
    conf: { ...base, 'spark.driver.maxResultSize': '0' },
    driverJavaOptions: "-XX:OnOutOfMemoryError='kill -9 %p'",
    expectKilled: true,
    sanity: [/# java\.lang\.OutOfMemoryError: Java heap space/],
    checks: (v) => [
      // The event log alone cannot say why the driver stopped, and an .inprogress log may be an application
      // still running: still-running, information, no verdict and no driver-memory plan (issue 14).
      { inputs: eventlog, expect: { code: 'still-running', role: 'driver', region: 'none', severity: 'info', verdict: null } },
      // With the driver's output: the driver's heap.
      { inputs: withDriver, expect: { code: 'heap-oom', role: 'driver', region: 'heap' } },
    ],
  },
  {
    name: 'healthy',
    ...LOCAL,
    produced:
      "The heap-oom application's shape (groupByKey of 6,000 strings of 100 KB) over 1,000 keys: every group fits, the application succeeds.",
    conf: { ...base },
    sanity: [/groups: 1000\b/],
    checks: (v) => [{ inputs: withDriver, expect: { code: null } }],
  },
  {
    name: 'executor-killed-recovers',
    ...LOCAL,
    produced:
      'A job of 24 slow tasks; three seconds in, the driver program SIGKILLs one executor JVM (found by its command line, ProcessHandle.destroyForcibly). The standalone Master starts a replacement, the lost tasks are retried and the application succeeds.',
    conf: { ...base },
    sanity: [/killing executor process \d+ with SIGKILL/, /count: 24/],
    checks: (v) => [
      // A recovered executor loss: a warning, not critical.
      { inputs: eventlog, expect: { code: 'exit-137', role: 'executor', region: 'container', severity: 'warning' } },
    ],
  },
  {
    name: 'yarn-pmem-client',
    master: 'yarn',
    deployMode: 'client',
    yarn: { vmemRatio: 20 },
    produced:
      "Spark on a real YARN (MiniYARNCluster, NodeManager pmem and vmem checks on, vmem-pmem ratio 20, monitor every 1 s), client mode: one executor of 512 MiB heap + 384 MiB overhead (an 896 MiB container) whose task allocates and touches native memory (Unsafe.allocateMemory, 32 MiB steps) until the NodeManager kills the container for exceeding its physical memory; retried until the job or YARN gives up. Collected: the event log, the driver's output (spark-submit, client mode), `yarn logs -applicationId` (Hadoop LogsCLI) and `yarn application -status`.",
    app: 'offheap-grows',
    appArgs: [String(3 * 1024 * 1024 * 1024), 'true'],
    conf: { ...base },
    sanity: [/physical memory/],
    checks: (v) => [
      { inputs: eventlog, expect: { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead' } },
      {
        inputs: ['eventlog', 'driver.log', 'yarn-logs.txt'],
        expect: { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead' },
      },
      // What an on-call engineer has without the event log.
      { inputs: ['yarn-logs.txt'], expect: { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead' } },
    ],
  },
  {
    name: 'yarn-pmem-cluster',
    master: 'yarn',
    deployMode: 'cluster',
    yarn: { vmemRatio: 20 },
    produced:
      "As yarn-pmem-client, in cluster mode: the driver runs in the application master's container, so its log is in `yarn logs` (container _000001); driver.log is spark-submit's client output (application reports and the final diagnostics).",
    app: 'offheap-grows',
    appArgs: [String(3 * 1024 * 1024 * 1024), 'true'],
    conf: { ...base },
    sanity: [/physical memory/],
    checks: (v) => [
      { inputs: eventlog, expect: { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead' } },
      { inputs: ['eventlog', 'yarn-logs.txt'], expect: { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead' } },
      { inputs: ['yarn-logs.txt'], expect: { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead' } },
      // What spark-submit printed (cluster mode: the YARN client's reports and final diagnostics), and
      // `yarn application -status` (its Diagnostics quote the driver's exception).
      { inputs: ['driver.log'], expect: { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead' } },
      { inputs: ['yarn-status.txt'], expect: { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead' } },
    ],
  },
  {
    name: 'yarn-vmem-client',
    master: 'yarn',
    deployMode: 'client',
    yarn: { vmemRatio: 5 },
    produced:
      "Spark on MiniYARNCluster with vmem-pmem ratio 5 (an 896 MiB container may map 4.4 GiB): the executor's task reserves native memory without touching it (Unsafe.allocateMemory, 8 GiB in all), so its virtual size, not its resident size, passes the limit and the NodeManager kills it for virtual memory.",
    app: 'offheap-grows',
    appArgs: [String(8 * 1024 * 1024 * 1024), 'false'],
    conf: { ...base },
    sanity: [/virtual memory/],
    checks: (v) => [
      { inputs: eventlog, expect: { code: 'yarn-vmem-exceeded', role: 'executor', region: 'container' } },
      {
        inputs: ['eventlog', 'driver.log', 'yarn-logs.txt'],
        expect: { code: 'yarn-vmem-exceeded', role: 'executor', region: 'container' },
      },
    ],
  },
];

export const codecOf = (name, version) => CODECS[name]?.[version] ?? 'none';
