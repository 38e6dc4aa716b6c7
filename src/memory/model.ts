import type { ClusterManager } from '../state/app.js';
import { MemoryConfigError, MiB, parseBool, parseFraction, parseIntStrict, parseSize, toMiB } from './sizes.js';
import { atLeast, parseVersion, type Version } from './version.js';

/**
 * The memory regions Spark configures, computed exactly as Spark computes them. Pure: no I/O.
 * Every size is a whole number of bytes. Sources, by rule:
 *   UnifiedMemoryManager.scala     reserved 300 MiB, 1.5 × reserved floor, fraction, storage/execution
 *   StaticMemoryManager.scala      the legacy (pre-1.6, or useLegacyMode before 3.0) fixed split
 *   ExecutionMemoryPool.scala      per-task share between 1/(2N) and 1/N of the pool
 *   ResourceProfile.scala          overhead = max(factor × heap, minimum), container = heap + overhead
 *                                  + pyspark + off-heap (3.0+), amounts in whole MiB
 *   YarnAllocator / YarnSparkHadoopUtil (≤ 3.0)   YARN overhead factor 0.07 (< 1.4), then 0.10
 *   BasicExecutorFeatureStep / BasicDriverFeatureStep, Constants.scala (Kubernetes)
 *                                  factor 0.1, or 0.4 (NON_JVM_MEMORY_OVERHEAD_FACTOR) for Python/R apps
 *   config/package.scala           defaults: spark.memory.fraction 0.6 (0.75 in 1.6), storageFraction 0.5,
 *                                  driver.maxResultSize 1g, executor/driver memory 1g, AM 512m
 * Where the seed articles round or simplify (e.g. "heap × 0.6" without the reserved 300 MiB, or
 * overhead as 10% with no 384 MiB floor), the source above wins.
 */
export const RESERVED_SYSTEM_MEMORY = 300 * MiB;
const MIN_OVERHEAD_MIB = 384;
const NON_JVM_OVERHEAD_FACTOR = 0.4;

export interface MemoryInput {
  /** Spark properties (event log, then --conf overrides). */
  conf: Record<string, string>;
  clusterManager: ClusterManager;
  sparkVersion: string | null;
  /** The default resource profile's executor requests (name → amount, memory in MiB), if the log had one. */
  resourceProfile?: Record<string, number> | null;
  /** A Python (or R) application: changes the Kubernetes overhead default and where Python workers live. */
  isPython?: boolean | null;
  /** Cores per executor seen in the log, used when no setting states them (standalone takes every core). */
  observedCores?: number | null;
}

export interface ExecutorLayout {
  heap: number;
  reserved: number;
  usable: number;
  user: number;
  unified: number;
  storage: number;
  execution: number;
  cores: number;
  perTaskMin: number;
  perTaskMax: number;
  overhead: number;
  offHeap: number;
  pyspark: number;
  container: number;
}

export interface DriverLayout {
  heap: number;
  overhead: number;
  /** 0 means unlimited (spark.driver.maxResultSize=0). */
  maxResultSize: number;
  container: number;
}

export interface MemoryLayout {
  sparkVersion: string | null;
  clusterManager: ClusterManager;
  executor: ExecutorLayout;
  driver: DriverLayout;
  /** Whether the layout follows the legacy static manager (no sharing between storage and execution). */
  legacyMode: boolean;
  /** The inputs behind the numbers, for showing formulas. */
  params: { memoryFraction: number; storageFraction: number; slots: number; taskCpus: number };
  notes: string[];
}

const containerManagers: ReadonlySet<ClusterManager> = new Set(['yarn', 'kubernetes', 'mesos']);

export function computeLayout(input: MemoryInput): MemoryLayout {
  const notes: string[] = [];
  const conf = input.conf;
  const cm = input.clusterManager;
  const v = parseVersion(input.sparkVersion);
  const rp = input.resourceProfile ?? {};
  const versionText = input.sparkVersion ? `Spark ${input.sparkVersion}` : 'Spark version unknown, current rules';
  const managerText = { yarn: 'YARN', kubernetes: 'Kubernetes', standalone: 'standalone', local: 'local', mesos: 'Mesos', unknown: 'cluster manager unknown' }[cm];
  const get = (k: string): string | undefined => {
    const x = conf[k];
    return x === undefined || x.trim() === '' ? undefined : x;
  };
  const isPython = input.isPython ?? isPythonApp(conf);

  // --- executor heap -------------------------------------------------------------------------
  let heap: number;
  if (cm === 'local') {
    heap = sizeOr(conf, 'spark.driver.memory', MiB, 1024 * MiB, notes, 'spark.driver.memory defaulted to 1g');
    notes.push('local mode: the executor runs inside the driver JVM, so its heap is spark.driver.memory');
  } else if (get('spark.executor.memory') !== undefined) {
    heap = parseSize('spark.executor.memory', get('spark.executor.memory')!, MiB);
  } else if (rp.memory !== undefined) {
    heap = rp.memory * MiB;
    notes.push('executor heap taken from the default resource profile in the event log');
  } else {
    heap = 1024 * MiB;
    notes.push('spark.executor.memory defaulted to 1g');
  }
  const heapMiB = toMiB(heap);

  // --- cores and task slots -------------------------------------------------------------------
  const cores = executorCores(conf, cm, rp, input.observedCores ?? null, notes);
  const taskCpus = get('spark.task.cpus') !== undefined ? parseIntStrict('spark.task.cpus', get('spark.task.cpus')!) : 1;
  if (taskCpus < 1) throw new MemoryConfigError(`spark.task.cpus=${taskCpus}: must be at least 1`);
  const slots = Math.max(1, Math.floor(cores / taskCpus));

  // --- heap regions ---------------------------------------------------------------------------
  const legacyMode = !atLeast(v, 1, 6) || (!atLeast(v, 3, 0) && get('spark.memory.useLegacyMode') !== undefined && parseBool('spark.memory.useLegacyMode', get('spark.memory.useLegacyMode')!));
  const storageFraction = fraction(conf, 'spark.memory.storageFraction', 0.5);
  let reserved: number;
  let usable: number;
  let unified: number;
  let storage: number;
  let execution: number;
  let perTaskMax: number;
  let memFraction = 0;
  if (legacyMode) {
    // StaticMemoryManager: fixed regions, no reserved memory, no borrowing.
    reserved = 0;
    usable = heap;
    storage = Math.floor(heap * fraction(conf, 'spark.storage.memoryFraction', 0.6) * fraction(conf, 'spark.storage.safetyFraction', 0.9));
    execution = Math.floor(heap * fraction(conf, 'spark.shuffle.memoryFraction', 0.2) * fraction(conf, 'spark.shuffle.safetyFraction', 0.8));
    unified = storage + execution;
    perTaskMax = Math.floor(execution / slots);
    notes.push(
      atLeast(v, 1, 6)
        ? 'legacy static memory manager (spark.memory.useLegacyMode=true): storage = heap × 0.6 × 0.9, execution = heap × 0.2 × 0.8, no borrowing'
        : `static memory manager (${versionText} predates unified memory): storage = heap × 0.6 × 0.9, execution (shuffle) = heap × 0.2 × 0.8`,
    );
  } else {
    reserved = RESERVED_SYSTEM_MEMORY;
    const minSystem = Math.ceil(reserved * 1.5);
    if (heap < minSystem) {
      throw new MemoryConfigError(
        `${cm === 'local' ? 'spark.driver.memory' : 'spark.executor.memory'}=${heapMiB}m: Spark refuses to start: ` +
          `memory ${heap} must be at least ${minSystem} (1.5 × the 300 MiB reserved; UnifiedMemoryManager)`,
      );
    }
    usable = heap - reserved;
    memFraction = fraction(conf, 'spark.memory.fraction', atLeast(v, 2, 0) ? 0.6 : 0.75);
    if (get('spark.memory.fraction') === undefined) notes.push(`spark.memory.fraction defaulted to ${atLeast(v, 2, 0) ? '0.6' : '0.75 (Spark 1.6)'}`);
    unified = Math.floor(usable * memFraction);
    storage = Math.floor(unified * storageFraction);
    execution = unified - storage;
    // ExecutionMemoryPool: with storage empty a task may grow to 1/N of the whole unified pool.
    perTaskMax = Math.floor(unified / slots);
  }
  const user = usable - unified;
  const perTaskMin = Math.floor(execution / (2 * slots));

  // --- off-heap -------------------------------------------------------------------------------
  let offHeap = 0;
  const offHeapEnabled = get('spark.memory.offHeap.enabled') !== undefined && parseBool('spark.memory.offHeap.enabled', get('spark.memory.offHeap.enabled')!);
  if (offHeapEnabled) {
    offHeap = get('spark.memory.offHeap.size') !== undefined ? parseSize('spark.memory.offHeap.size', get('spark.memory.offHeap.size')!, 1) : (rp.offHeap ?? 0) * MiB;
    if (offHeap <= 0) throw new MemoryConfigError('spark.memory.offHeap.size must be > 0 when spark.memory.offHeap.enabled=true (Spark refuses to start)');
    notes.push(`off-heap pool ${offHeap} bytes, split like the heap's unified pool: storage ${Math.floor(offHeap * storageFraction)}, execution ${offHeap - Math.floor(offHeap * storageFraction)}`);
  }

  // --- overhead, PySpark, container -----------------------------------------------------------
  let overhead = 0;
  let pyspark = 0;
  let container: number;
  if (containerManagers.has(cm)) {
    overhead = overheadMiB('executor', heapMiB, conf, cm, v, isPython, rp.memoryOverhead, notes, versionText, managerText) * MiB;
    const py = get('spark.executor.pyspark.memory') ?? (rp['pyspark.memory'] !== undefined ? `${rp['pyspark.memory']}m` : undefined);
    if (py !== undefined && cm !== 'mesos') {
      if (atLeast(v, 2, 4)) pyspark = toMiB(parseSize('spark.executor.pyspark.memory', py, MiB)) * MiB;
      else notes.push(`spark.executor.pyspark.memory is ignored before Spark 2.4 (${versionText})`);
    }
    if (isPython && pyspark === 0) notes.push('Python app without spark.executor.pyspark.memory: the Python workers live inside the overhead, with no limit of their own');
    const offHeapInContainer = atLeast(v, 3, 0) ? toMiB(offHeap) * MiB : 0;
    if (offHeap > 0 && !atLeast(v, 3, 0)) notes.push(`off-heap memory is not added to the container before Spark 3.0 (${versionText}): it had to fit inside spark.executor.memoryOverhead`);
    container = heap + overhead + pyspark + offHeapInContainer;
  } else {
    container = heap + offHeap;
    notes.push(`${managerText}: no container limit is enforced, so no overhead is reserved; "container" is the heap plus off-heap`);
  }

  return {
    sparkVersion: input.sparkVersion,
    clusterManager: cm,
    executor: { heap, reserved, usable, user, unified, storage, execution, cores, perTaskMin, perTaskMax, overhead, offHeap, pyspark, container },
    driver: driverLayout(conf, cm, v, isPython, notes, versionText, managerText),
    legacyMode,
    params: { memoryFraction: memFraction, storageFraction, slots, taskCpus },
    notes,
  };
}

function driverLayout(conf: Record<string, string>, cm: ClusterManager, v: Version | null, isPython: boolean, notes: string[], versionText: string, managerText: string): DriverLayout {
  const heap = sizeOr(conf, 'spark.driver.memory', MiB, 1024 * MiB, notes, 'spark.driver.memory defaulted to 1g');
  const maxResultSize = sizeOr(conf, 'spark.driver.maxResultSize', 1, 1024 * MiB, notes, 'spark.driver.maxResultSize defaulted to 1g');
  if (maxResultSize === 0) notes.push('spark.driver.maxResultSize=0: results collected to the driver are unlimited');
  const clientMode = (conf['spark.submit.deployMode'] ?? 'client').trim() === 'client' && !/^yarn-cluster$/i.test(conf['spark.master'] ?? '');
  let overhead = 0;
  if (cm === 'kubernetes' || (cm === 'yarn' && !clientMode) || cm === 'mesos') {
    overhead = overheadMiB('driver', toMiB(heap), conf, cm, v, isPython, undefined, notes, versionText, managerText) * MiB;
  } else if (cm === 'yarn') {
    const am = sizeOr(conf, 'spark.yarn.am.memory', MiB, 512 * MiB, [], '');
    const amOverhead = conf['spark.yarn.am.memoryOverhead'] !== undefined
      ? toMiB(parseSize('spark.yarn.am.memoryOverhead', conf['spark.yarn.am.memoryOverhead'], MiB))
      : Math.max(Math.floor(yarnFactor(v) * toMiB(am)), MIN_OVERHEAD_MIB);
    notes.push(`YARN client mode: the driver runs outside YARN; the application master is its own container of ${toMiB(am) + amOverhead} MiB (spark.yarn.am.memory ${toMiB(am)} MiB + overhead ${amOverhead} MiB)`);
  }
  return { heap, overhead, maxResultSize, container: heap + overhead };
}

function overheadMiB(
  role: 'executor' | 'driver', heapMiB: number, conf: Record<string, string>, cm: ClusterManager, v: Version | null,
  isPython: boolean, fromProfile: number | undefined, notes: string[], versionText: string, managerText: string,
): number {
  const keys = [`spark.${role}.memoryOverhead`, cm === 'yarn' ? `spark.yarn.${role}.memoryOverhead` : '', cm === 'mesos' ? `spark.mesos.${role}.memoryOverhead` : ''].filter(Boolean);
  for (const k of keys) {
    const x = conf[k];
    if (x !== undefined && x.trim() !== '') return toMiB(parseSize(k, x, MiB));
  }
  if (fromProfile !== undefined) return fromProfile;
  let factor: number;
  let factorText: string;
  const factorKey = `spark.${role}.memoryOverheadFactor`;
  if (atLeast(v, 3, 3) && conf[factorKey] !== undefined) {
    factor = parseFraction(factorKey, conf[factorKey]);
    factorText = `${factorKey}=${factor}`;
  } else if (cm === 'kubernetes') {
    if (conf['spark.kubernetes.memoryOverheadFactor'] !== undefined) {
      factor = parseFraction('spark.kubernetes.memoryOverheadFactor', conf['spark.kubernetes.memoryOverheadFactor']);
      factorText = `spark.kubernetes.memoryOverheadFactor=${factor}`;
    } else if (isPython) {
      factor = NON_JVM_OVERHEAD_FACTOR;
      factorText = '0.40 (Python/R app)';
    } else {
      factor = 0.1;
      factorText = '0.10';
    }
  } else {
    factor = cm === 'yarn' ? yarnFactor(v) : 0.1;
    factorText = factor.toFixed(2);
  }
  const minKey = `spark.${role}.minMemoryOverhead`;
  const min = atLeast(v, 4, 0) && conf[minKey] !== undefined ? toMiB(parseSize(minKey, conf[minKey], MiB)) : MIN_OVERHEAD_MIB;
  notes.push(`${role} overhead defaulted to max(${factorText} × heap, ${min} MiB) (${managerText}, ${versionText})`);
  return Math.max(Math.floor(factor * heapMiB), min);
}

/** YarnSparkHadoopUtil.MEMORY_OVERHEAD_FACTOR: 0.07 until Spark 1.4 raised it (SPARK-6085). */
function yarnFactor(v: Version | null): number {
  return atLeast(v, 1, 4) ? 0.1 : 0.07;
}

function executorCores(conf: Record<string, string>, cm: ClusterManager, rp: Record<string, number>, observed: number | null, notes: string[]): number {
  const set = conf['spark.executor.cores'];
  if (set !== undefined && set.trim() !== '' && cm !== 'local') return parseIntStrict('spark.executor.cores', set);
  if (rp.cores !== undefined && cm !== 'local') return rp.cores;
  if (cm === 'local') {
    const m = /^local\[(\d+)/.exec((conf['spark.master'] ?? '').trim());
    if (m) return Number(m[1]);
  }
  if (observed !== null && observed > 0) {
    notes.push(`executor cores taken from the log (${observed} per executor)`);
    return observed;
  }
  notes.push('executor cores assumed to be 1 (spark.executor.cores unset and none seen in the log)');
  return 1;
}

function fraction(conf: Record<string, string>, key: string, dflt: number): number {
  const x = conf[key];
  if (x === undefined || x.trim() === '') return dflt;
  const f = parseFraction(key, x);
  if (!(f > 0 && f <= 1)) throw new MemoryConfigError(`${key}=${x}: must be in (0, 1]`);
  return f;
}

function sizeOr(conf: Record<string, string>, key: string, unit: number, dflt: number, notes: string[], note: string): number {
  const x = conf[key];
  if (x === undefined || x.trim() === '') {
    if (note) notes.push(note);
    return dflt;
  }
  return parseSize(key, x, unit);
}

/** SparkSubmit marks Python apps: spark.yarn.isPython, spark.kubernetes.resource.type, pyFiles, pyspark-shell. */
export function isPythonApp(conf: Record<string, string>): boolean {
  return (
    conf['spark.yarn.isPython'] === 'true' ||
    ['python', 'r'].includes((conf['spark.kubernetes.resource.type'] ?? '').toLowerCase()) ||
    (conf['spark.submit.pyFiles'] ?? '').trim() !== '' ||
    conf['spark.pyspark.python'] !== undefined ||
    conf['spark.pyspark.driver.python'] !== undefined
  );
}
