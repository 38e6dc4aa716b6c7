/**
 * Every word the memory model says: its notes and its errors, from codes and data (src/memory/notes.ts,
 * src/memory/errors.ts). Sizes read two ways, "4 GiB (4294967296 bytes)", so they can be checked against
 * Spark's own numbers. Where the text quotes Spark, it is Spark's wording for that version (source cited
 * in src/memory/rules.ts).
 */
import type { MemoryConfigError, MemoryNote } from '../memory/index.js';
import { fmtBytes } from './units.js';

type D = Record<string, string | number | boolean | null>;

/** A datum as text; a missing one shows as '?' rather than 'undefined'. */
const t = (x: string | number | boolean | null | undefined): string => (x === undefined || x === null ? '?' : String(x));

/** "100 MiB (104857600 bytes)". */
export function sizeText(bytes: number | string | boolean | null | undefined): string {
  if (typeof bytes !== 'number') return String(bytes);
  return `${fmtBytes(bytes)} (${bytes} bytes)`;
}

const mibText = (mib: unknown): string => (typeof mib === 'number' ? sizeText(mib * 1024 * 1024) : String(mib));

const COLLECTOR: Record<string, string> = {
  parallel: 'Parallel',
  serial: 'Serial',
  g1: 'G1',
  cms: 'CMS',
  zgc: 'ZGC',
  shenandoah: 'Shenandoah',
  epsilon: 'Epsilon',
};
const MANAGER: Record<string, string> = {
  yarn: 'YARN',
  kubernetes: 'Kubernetes',
  standalone: 'standalone',
  local: 'local',
  mesos: 'Mesos',
  unknown: 'an unknown cluster manager',
};
const version = (d: D): string => (d.version ? `Spark ${t(d.version)}` : 'current Spark');
/** Java's Double.toString for the values Spark prints ('1.0', '0.75'). */
const javaDouble = (n: unknown): string => (typeof n === 'number' ? (Number.isInteger(n) ? n.toFixed(1) : String(n)) : String(n));
/** 1.6 printed reserved × 1.5 as a Double: 4.718592E8. */
const javaSci = (n: number): string => {
  if (Number.isInteger(n) && Math.abs(n) < 1e7) return n.toFixed(1);
  const e = Math.floor(Math.log10(Math.abs(n)));
  return `${String(n / 10 ** e)}E${e}`;
};

const DEPLOY_REASON: Record<string, string> = {
  option: 'chosen with --deploy-mode',
  'k8s-submit-in-driver':
    'spark.kubernetes.submitInDriver=true: the driver ran in its own pod (the pod starts it with spark-submit --deploy-mode client, so spark.submit.deployMode reads "client" there)',
  'master-url': 'from the master URL (yarn-cluster / yarn-client)',
  'java-command': "from the driver's main class in the log (ApplicationMaster runs the driver inside YARN; SparkSubmit outside)",
  'mesos-dispatcher': 'spark.mesos.driver.frameworkId is set: the Mesos dispatcher launched the driver',
  'submit-deploy-mode': 'from spark.submit.deployMode',
  'yarn-am-settings': 'spark.yarn.am.* settings are present, which only apply in YARN client mode',
  default: "nothing says otherwise; client is spark-submit's default",
};

const PY_REASON: Record<string, string> = {
  option: 'said with --python',
  'spark.yarn.isPython': 'spark.yarn.isPython=true (set by spark-submit for Python apps on YARN)',
  'spark.kubernetes.resource.type': 'spark.kubernetes.resource.type=python (set by spark-submit for Python apps on Kubernetes)',
  configuration: 'its settings (spark.submit.pyFiles or spark.pyspark.*)',
  'java-command': "the driver's main class (PythonRunner or pyspark-shell)",
  plans: 'Python operators in its SQL plans',
  none: 'nothing in its settings, main class or plans is Python',
};

const COLLECTOR_REASON = (d: D): string => {
  if (d.reason === 'flag') return `${t(d.flag)} in its Java options`;
  if (d.reason === 'java-version')
    return `Java ${t(d.javaMajor)} (from the log) defaults to ${Number(d.javaMajor) <= 8 ? 'Parallel on server-class machines' : 'G1'}`;
  return `no Java version known; assumed Java ${t(d.javaMajor)}, the newest this Spark runs on, whose default is ${Number(d.javaMajor) <= 8 ? 'Parallel' : 'G1'} (pass the log, or --conf spark.${t(d.role)}.extraJavaOptions=-XX:+UseParallelGC, to change)`;
};

const who = (d: D): string =>
  d.who === 'driver' ? "the driver's BlockManager" : Number(d.count) === 1 ? `executor ${t(d.ids)}` : `${t(d.count)} executors`;

/** One note as a sentence. */
export function memoryNoteText(n: MemoryNote): string {
  const d = n.data;
  switch (n.code) {
    case 'deploy-mode':
      return `${t(d.mode)} mode: ${DEPLOY_REASON[String(d.reason)] ?? String(d.reason)}`;
    case 'python-app':
      return d.python
        ? `a Python application: ${PY_REASON[String(d.reason)] ?? String(d.reason)}${d.flagKey ? `; Spark's own flag (${t(d.flagKey)}) ${d.sparkFlag ? 'is set, so Python-only sizes apply' : 'is not set, so Spark adds no Python-only sizes'}` : ''}`
        : `not a Python application: ${PY_REASON[String(d.reason)] ?? String(d.reason)}`;
    case 'collector':
      return `${t(d.role)} JVM: ${COLLECTOR[String(d.collector)] ?? t(d.collector)} collector assumed — ${COLLECTOR_REASON(d)}`;
    case 'jvm-max-memory':
      return `${t(d.role)} JVM: Runtime.maxMemory is ${sizeText(d.maxMemory)}, ${sizeText(d.gap)} below -Xmx ${sizeText(d.heap)}: the ${COLLECTOR[String(d.collector)] ?? t(d.collector)} collector leaves one survivor space out, and Spark sizes its pools from Runtime.maxMemory${d.exact ? '' : ' (an estimate: the young generation depends on the host or the JVM options)'}`;
    case 'testing-memory':
      return `spark.testing.memory=${t(d.value)}: Spark sizes the ${t(d.role)} pools from ${sizeText(d.value)} instead of Runtime.maxMemory`;
    case 'testing-reserved':
      return `${t(d.key)}=${t(d.value)}: reserved memory is ${sizeText(d.reserved)} instead of 300 MiB (UnifiedMemoryManager)`;
    case 'default-applied':
      return `${t(d.key)} defaulted to ${t(d.value)}${typeof d.bytes === 'number' ? ` (${t(d.bytes)} bytes)` : ''}`;
    case 'local-executor-is-driver':
      return "local mode: the executor runs inside the driver JVM, so its heap is spark.driver.memory and the driver's BlockManager is the executor's";
    case 'heap-from-resource-profile':
      return `executor heap taken from the default resource profile in the event log (${mibText(d.mib)})`;
    case 'heap-bare-number':
      return `${t(d.key)}=${t(d.value)} has no unit: the container reads it as ${mibText(d.heapMiB)} but Spark's startup check reads it as ${t(d.checkedBytes)} bytes`;
    case 'cores-from-log':
      return `executor cores taken from the log (${t(d.cores)} per executor)`;
    case 'cores-assumed-one':
      return 'executor cores assumed to be 1 (spark.executor.cores unset and none seen in the log)';
    case 'legacy-static':
      return d.since16
        ? 'legacy static memory manager (spark.memory.useLegacyMode=true): storage = Runtime.maxMemory × 0.6 × 0.9, execution = × 0.2 × 0.8, no borrowing'
        : 'static memory manager (this Spark predates unified memory, 1.6): storage = Runtime.maxMemory × 0.6 × 0.9, execution (shuffle) = × 0.2 × 0.8';
    case 'memory-fraction-zero':
      return 'spark.memory.fraction=0: Spark accepts it, and leaves nothing for storage or execution';
    case 'offheap-pool':
      return `off-heap pool ${sizeText(d.bytes)}, split like the heap's unified pool: storage ${sizeText(d.storage)}, execution ${sizeText(d.execution)}`;
    case 'offheap-all-execution':
      return `off-heap pool ${sizeText(d.bytes)}, all of it execution memory (${d.reason === 'legacy' ? 'the static manager gives off-heap storage nothing' : 'Spark 1.6 had no off-heap storage'})`;
    case 'offheap-not-in-container':
      return `off-heap memory (${sizeText(d.bytes)}) is not added to the ${MANAGER[String(d.manager)] ?? t(d.manager)} container ${d.since ? `before Spark ${t(d.since)}` : 'by this manager'}: it must fit inside the overhead`;
    case 'pyspark-before-2-4':
      return `${t(d.key)} is ignored before Spark 2.4`;
    case 'pyspark-not-python':
      return `${t(d.key)} is set, but Spark adds it to the container only for Python applications${d.flag ? ` (${t(d.flag)})` : ''}, and this one is not flagged as one`;
    case 'python-workers-in-overhead':
      return 'Python app without spark.executor.pyspark.memory in the container: the Python workers live inside the overhead, with no limit of their own';
    case 'overhead-default':
      return `${t(d.role)} overhead defaulted to max(${t(d.factor)} × heap, ${t(d.minMiB)} MiB) = ${mibText(d.overheadMiB)} (${d.factorKey ? `${t(d.factorKey)}` : d.nonJvm ? 'factor 0.4 for a Python/R app in cluster mode' : 'default factor'}${d.minKey ? `, minimum from ${t(d.minKey)}` : ''}; ${MANAGER[String(d.manager)] ?? t(d.manager)}, ${version(d)})`;
    case 'overhead-explicit':
      return `${t(d.role)} overhead from ${t(d.key)}: ${mibText(d.mib)}`;
    case 'overhead-alternate':
      return `${t(d.role)} overhead from ${t(d.key)}: ${mibText(d.mib)} (read as the older name of ${t(d.primary)})`;
    case 'overhead-key-ignored':
      return `${t(d.key)} is ignored here (${MANAGER[String(d.manager)] ?? t(d.manager)}, ${version(d)}): this Spark does not read it for the ${t(d.role)}`;
    case 'no-container':
      return `${MANAGER[String(d.manager)] ?? t(d.manager)}: no container limit is enforced, so no overhead is reserved; "container" is the heap plus off-heap`;
    case 'driver-no-container':
      return d.reason === 'client'
        ? 'client mode: the driver runs where spark-submit ran, outside any container'
        : d.reason === 'local'
          ? 'local mode: the driver is the only JVM, with no container'
          : d.reason === 'standalone'
            ? 'standalone: the driver has no container limit'
            : 'the driver has no container here';
    case 'yarn-am-container':
      return `YARN client mode: the application master is its own container of ${mibText(d.totalMiB)} (spark.yarn.am.memory ${mibText(d.amMiB)} + overhead ${mibText(d.overheadMiB)})`;
    case 'max-result-size-unlimited':
      return 'spark.driver.maxResultSize=0: results collected to the driver are unlimited';
    case 'max-result-size-truncated':
      return `spark.driver.maxResultSize=${t(d.value)} counts as ${sizeText(d.bytes)}: up to Spark 2.3 it is truncated to whole MiB and a bare number is bytes`;
    case 'min-heap-on-max-memory':
      return `the minimum heap applies to Runtime.maxMemory (${sizeText(d.maxMemory)}), not to -Xmx (${sizeText(d.heap)})`;
    case 'task-cpus-exceed-cores':
      return `spark.task.cpus=${t(d.taskCpus)} is above the ${t(d.cores)} executor cores: before Spark 3.0 the application starts but no task can ever be scheduled`;
    case 'observed-reproduced':
      return `${who(d)}: the logged on-heap Maximum Memory equals the formula's ${t(d.region)} pool to the byte (${sizeText(d.pool)})`;
    case 'observed-other-collector':
      return `${who(d)}: the logged on-heap Maximum Memory (${sizeText(d.pool)}) is what the ${COLLECTOR[String(d.collector)] ?? t(d.collector)} collector gives, not the ${COLLECTOR[String(d.assumed)] ?? t(d.assumed)} assumed (formula ${sizeText(d.formula)})`;
    case 'observed-survivor-gap':
      return `${who(d)}: the logged on-heap Maximum Memory (${sizeText(d.pool)}) is ${sizeText(Number(d.formula) - Number(d.pool))} below the formula's: the JVM reported Runtime.maxMemory ≈ ${sizeText(d.impliedMaxMemory)}, ${sizeText(d.gap)} under -Xmx, one survivor space of a generational collector sized by the host or the JVM build`;
    case 'observed-settings-differ':
      return `${who(d)}: the logged on-heap Maximum Memory (${sizeText(d.pool)}) is above the formula's ${t(d.region)} pool (${sizeText(d.formula)}): the JVM ran with settings other than the log's (Runtime.maxMemory ≈ ${sizeText(d.impliedMaxMemory)}: a bigger heap, or other fractions)`;
    case 'observed-heap-unknown':
      return `${who(d)}: the logged on-heap Maximum Memory (${sizeText(d.pool)}) differs from the formula's (${sizeText(d.formula)}) because the log records no heap for this JVM: Spark's default ${sizeText(d.heap)} was assumed, and the JVM reported Runtime.maxMemory ≈ ${sizeText(d.impliedMaxMemory)}`;
    case 'observed-version-unknown':
      return `${who(d)}: the logged on-heap Maximum Memory (${sizeText(d.pool)}) cannot be checked: the log records no Spark version, so today's rules were applied (Runtime.maxMemory ≈ ${sizeText(d.impliedMaxMemory)})`;
    case 'observed-not-local':
      return `${who(d)}: a local-mode application runs no executors besides the driver, so these BlockManagers (${sizeText(d.pool)}, Runtime.maxMemory ≈ ${sizeText(d.impliedMaxMemory)}) come from another application's events`;
    case 'observed-unexplained':
      return `${who(d)}: the logged on-heap Maximum Memory (${sizeText(d.pool)}) differs from the formula's ${t(d.region)} pool (${sizeText(d.formula)}) by more than a survivor space`;
  }
}

const keyValue = (d: D): string => `${t(d.key)}=${d.value ?? '(default)'}`;

function spark(words: string): string {
  return ` (Spark: "${words}")`;
}

/** One error as a line: the setting, why Spark refuses it, and Spark's own words for that version. */
export function memoryErrorText(e: Pick<MemoryConfigError, 'code' | 'data'>): string {
  const d = e.data;
  switch (e.code) {
    case 'size-fractional':
      return `${keyValue(d)}: fractional values are not supported${spark(`Fractional values are not supported. Input was: ${t(d.number)}`)}`;
    case 'size-unparseable':
      return `${keyValue(d)}: not a size${spark(`Failed to parse byte string: ${t(d.value)}`)}`;
    case 'size-bad-suffix':
      return `${keyValue(d)}: invalid suffix "${t(d.suffix)}" (use b, k, m, g, t or p)${spark(`Invalid suffix: "${t(d.suffix)}"`)}`;
    case 'size-overflow':
      return `${keyValue(d)}: Spark refuses to start: more bytes than a Java long holds (${t(d.limit)})${spark('Size must be specified as bytes (b), kibibytes (k), mebibytes (m), gibibytes (g), tebibytes (t), or pebibytes(p). E.g. 50b, 100k, or 250m.')}`;
    case 'size-too-large':
      return `${keyValue(d)}: larger than any JVM or container can hold (at most ${sizeText(d.limit)})`;
    case 'int-with-unit':
      return `${keyValue(d)}: Spark refuses to start: this setting is a plain integer of MiB (SparkConf.getInt), a unit is an error${spark(`For input string: "${String(d.value).trim()}"`)}`;
    case 'not-a-number':
      return `${keyValue(d)}: not a number`;
    case 'not-a-boolean':
      return `${keyValue(d)}: not true or false`;
    case 'not-an-integer':
      return `${keyValue(d)}: not a whole number`;
    case 'heap-below-minimum': {
      const gap = Number(d.heap) - Number(d.maxMemory);
      const why = d.testing
        ? `spark.testing.memory gives the ${t(d.role)} ${sizeText(d.systemMemory)}`
        : `the ${t(d.role)} JVM's Runtime.maxMemory is ${sizeText(d.systemMemory)}${gap > 0 ? ` (-Xmx ${sizeText(d.heap)} less one survivor space under the ${COLLECTOR[String(d.collector)] ?? t(d.collector)} collector)` : ''}`;
      return `${keyValue(d)}: Spark refuses to start: ${why}, below the minimum ${sizeText(Math.ceil(Number(d.minimum)))}${spark(systemMemoryWords(d))}`;
    }
    case 'executor-memory-below-minimum': {
      const bare = /^[0-9]+$/.test(String(d.value));
      return `${keyValue(d)}: Spark refuses to start: read as ${bare ? 'bytes (a bare number is bytes here, though the container reads it as MiB)' : 'bytes'}, ${sizeText(d.bytes)} is below the minimum ${sizeText(d.minimum)}${spark(executorMemoryWords(d))}`;
    }
    case 'heap-zero':
      return `${keyValue(d)}: a bare number is bytes here (Utils.memoryStringToMb, ${version(d)}), so the executors would get -Xmx0m and the JVM would not start`;
    case 'fraction-out-of-range':
      return `${keyValue(d)}: Spark refuses to start${spark(`${t(d.key)} should be between 0 and 1 (was '${javaDouble(d.parsed)}').`)}`;
    case 'storage-fraction-one':
      return `${keyValue(d)}: Spark refuses to start: storage may not take the whole unified pool${spark(checkValueWords(d, 'Storage fraction must be in [0,1)'))}`;
    case 'overhead-factor-range':
      return `${keyValue(d)}: Spark refuses to start${spark(checkValueWords(d, String(d.message)))}`;
    case 'offheap-size-zero':
      return `${keyValue(d)}: Spark refuses to start: spark.memory.offHeap.enabled=true needs a size${d.inMiB ? ' of at least 1 MiB (Spark sizes it in whole MiB here)' : ' above 0'}, and this is ${sizeText(d.bytes)}${spark('spark.memory.offHeap.size must be > 0 when spark.memory.offHeap.enabled == true')}`;
    case 'task-cpus-below-one':
      return `${keyValue(d)}: must be at least 1`;
    case 'task-cpus-exceed-cores':
      return `spark.task.cpus=${t(d.taskCpus)}: Spark refuses to start: each task needs more cores than an executor has${spark(`The number of cores per executor (=${t(d.cores)}) has to be >= the number of cpus per task = ${t(d.taskCpus)}.`)}`;
    case 'mesos-removed':
      return `spark.master=${t(d.master)}: ${version(d)} has no Mesos support (removed in 4.0)${spark(`Could not parse Master URL: '${t(d.master)}'`)}`;
    case 'k8s-python-unsupported':
      return `${version(d)} refuses Python applications on Kubernetes (they arrived in 2.4)${spark('Python applications are currently not supported for Kubernetes.')}`;
  }
}

function systemMemoryWords(d: D): string {
  const sys = t(d.systemMemory);
  switch (d.wording) {
    case 'v1.6':
      return `System memory ${sys} must be at least ${javaSci(Number(d.minimum))}. Please use a larger heap size.`;
    case 'v4':
      return `[INVALID_DRIVER_MEMORY] System memory ${sys} must be at least ${t(d.minimum)}. Please increase heap size using the --driver-memory option or "spark.driver.memory" in Spark configuration.`;
    default:
      return `System memory ${sys} must be at least ${t(d.minimum)}. Please increase heap size using the --driver-memory option or spark.driver.memory in Spark configuration.`;
  }
}

function executorMemoryWords(d: D): string {
  if (d.wording === 'v4')
    return `[INVALID_EXECUTOR_MEMORY] Executor memory ${t(d.bytes)} must be at least ${t(d.minimum)}. Please increase executor memory using the --executor-memory option or "spark.executor.memory" in Spark configuration.`;
  return `Executor memory ${t(d.bytes)} must be at least ${t(d.minimum)}. Please increase executor memory using the --executor-memory option or spark.executor.memory in Spark configuration.`;
}

function checkValueWords(d: D, message: string): string {
  const value = javaDouble(Number(d.value));
  if (d.wording === 'v4') return `[INVALID_CONF_VALUE.REQUIREMENT] The value '${value}' in the config "${t(d.key)}" is invalid. ${message}`;
  if (d.wording === 'v3') return `'${value}' in ${t(d.key)} is invalid. ${message}`;
  return message;
}
