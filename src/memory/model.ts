import type { ClusterManager } from '../state/app.js';
import { decideDeployMode, type DeployDecision } from './deploy.js';
import { MemoryConfigError, type MemoryData } from './errors.js';
import { decideCollector, runtimeMaxMemory, type CollectorDecision } from './jvm.js';
import { note, type MemoryNote } from './notes.js';
import {
  CHECK_VALUE_WORDING,
  CONTAINER_RULES,
  DRIVER_MEMORY_DEFAULT_MIB,
  EXECUTOR_MEMORY_DEFAULT_MIB,
  FACTOR_RANGES,
  FACTOR_RULES,
  K8S_PYTHON_SINCE,
  LEGACY_FRACTIONS,
  LEGACY_MODE,
  MAX_RESULT_SIZE_EXACT_SINCE,
  MEMORY_FRACTION_DEFAULT,
  MESOS_REMOVED_IN,
  MIN_HEAP_WORDING,
  MIN_OVERHEAD_MIB,
  MIN_OVERHEAD_RULES,
  MIN_SYSTEM_MEMORY_FACTOR,
  OFFHEAP_MIB_CHECK,
  OFFHEAP_STORAGE_SINCE,
  OVERHEAD_KEYS,
  PYSPARK_MEMORY_SINCE,
  PYTHON_FLAG,
  RESERVED_SYSTEM_MEMORY,
  STATIC_MIN_MEMORY,
  STORAGE_FRACTION_BELOW_ONE_SINCE,
  STORAGE_FRACTION_DEFAULT,
  TASK_CPUS_CHECK_SINCE,
  YARN_AM,
  YARN_AM_MEMORY_DEFAULT_MIB,
  managerMatches,
  type ContainerRule,
  type Deploy,
  type Role,
  type VersionedDefault,
} from './rules.js';
import { checkIntMiB, MiB, parseBool, parseFraction, parseIntStrict, parsePlainIntMiB, parseSize, toMiB } from './sizes.js';
import { holds, parseVersion, type Version } from './version.js';

/**
 * The memory regions Spark configures, computed as Spark computes them. Pure: no I/O, no words.
 * Every size is a whole number of bytes. Which setting means what, for which version, manager, role and
 * deploy mode, is in rules.ts (the table, each row citing its Spark source); this file only applies it.
 */
export interface MemoryInput {
  /** Spark properties (event log, then --conf overrides). */
  conf: Record<string, string>;
  clusterManager: ClusterManager;
  sparkVersion: string | null;
  /** The default resource profile's executor requests (name → amount, memory in MiB), if the log had one. */
  resourceProfile?: Record<string, number> | null;
  /** A Python application (how it was decided: pythonReason). */
  isPython?: boolean | null;
  pythonReason?: string | null;
  /** Cores per executor seen in the log, used when no setting states them (standalone takes every core). */
  observedCores?: number | null;
  /** client or cluster, when chosen explicitly; otherwise decided from the configuration (deploy.ts). */
  deployMode?: Deploy | null;
  /** The driver JVM's version as the log's JVM Information tells it ("1.8.0_282 (Private Build)"). */
  javaVersion?: string | null;
  /** The driver's main class and arguments (sun.java.command). */
  javaCommand?: string | null;
  /**
   * True (default) when the configuration is what a user is about to submit: a Python app then gets the
   * flags SparkSubmit sets (spark.yarn.isPython; spark.kubernetes.resource.type=python in cluster mode).
   * False for a configuration read from an event log, which already holds them when Spark set them.
   */
  submitFlags?: boolean;
}

export interface ExecutorLayout {
  /** -Xmx: the heap Spark asks the JVM for, whole MiB. */
  heap: number;
  reserved: number;
  /** Runtime.maxMemory (or spark.testing.memory) − reserved. */
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

interface DriverLayout {
  heap: number;
  overhead: number;
  /** 0 means unlimited (spark.driver.maxResultSize=0). */
  maxResultSize: number;
  container: number;
}

/** What a JVM reports and what its BlockManager should therefore log. */
export interface JvmLayout {
  /** -Xmx bytes. */
  heap: number;
  /** Runtime.maxMemory under the collector. */
  maxMemory: number;
  /** What Spark sizes its pools from: spark.testing.memory when set, else maxMemory. */
  systemMemory: number;
  collector: CollectorDecision;
  /** Whether maxMemory is HotSpot's to the byte (false for CMS or a tuned young generation). */
  exact: boolean;
  javaOptions: string;
  /** The on-heap pool the BlockManager logs as Maximum (Onheap) Memory: unified, or storage in legacy mode. */
  blockManagerOnHeap: number;
  /** Where -Xmx came from: a setting, the resource profile, or Spark's default (the log then does not record the heap). */
  heapSource: 'conf' | 'profile' | 'default';
}

export interface MemoryLayout {
  sparkVersion: string | null;
  clusterManager: ClusterManager;
  /** null in local mode. */
  deployMode: Deploy | null;
  executor: ExecutorLayout;
  driver: DriverLayout;
  /** Whether the layout follows the legacy static manager (no sharing between storage and execution). */
  legacyMode: boolean;
  /** The inputs behind the numbers, for showing formulas. */
  params: { memoryFraction: number; storageFraction: number; slots: number; taskCpus: number };
  /** The executor's and the driver's JVM (the same JVM in local mode). */
  jvm: { executor: JvmLayout; driver: JvmLayout };
  python: { app: boolean; sparkFlag: boolean; nonJvm: boolean };
  notes: MemoryNote[];
}

const pick = <T>(rows: readonly VersionedDefault<T>[], v: Version | null): T => {
  const row = rows.find((r) => holds(v, r.since, r.until));
  return (row ?? rows[rows.length - 1]!).value;
};

/**
 * Layouts computed, remembered with the settings they read. A scan diagnoses applications one after
 * another, and most of a fleet's share their memory settings (a job's runs, a team's defaults):
 * computeLayout is a pure function of its input, and of the configuration it reads only the keys
 * it asks for, so a configuration holding the same values for those keys (absent ones included)
 * has the same layout, or the same error. A configuration that is enumerated (never, today) is not
 * remembered. The result is shared: nothing changes a layout once made (test/memory/model.test.ts
 * freezes one and computes with it). Our choice of size: a few per Spark version and manager.
 */
const MAX_REMEMBERED = 64;
interface Remembered {
  /** The rest of the input (everything but the configuration), as JSON. */
  rest: string;
  /** The configuration's keys read, and their values (undefined: absent). */
  read: Array<[string, string | undefined]>;
  result: MemoryLayout | MemoryConfigError;
}
const remembered: Remembered[] = [];

export function computeLayout(input: MemoryInput): MemoryLayout {
  // Every field but the configuration, each named: a field added to MemoryInput and not here does not compile.
  const others: { [K in Exclude<keyof MemoryInput, 'conf'>]-?: unknown } = {
    clusterManager: input.clusterManager,
    sparkVersion: input.sparkVersion,
    resourceProfile: input.resourceProfile ?? null,
    isPython: input.isPython ?? null,
    pythonReason: input.pythonReason ?? null,
    observedCores: input.observedCores ?? null,
    deployMode: input.deployMode ?? null,
    javaVersion: input.javaVersion ?? null,
    javaCommand: input.javaCommand ?? null,
    submitFlags: input.submitFlags ?? null,
  };
  const rest = JSON.stringify(others);
  const hit = remembered.find((r) => r.rest === rest && r.read.every(([k, v]) => own(input.conf, k) === v));
  if (hit !== undefined) {
    if (hit.result instanceof MemoryConfigError) throw hit.result;
    return hit.result;
  }
  const read = new Map<string, string | undefined>();
  let enumerated = false;
  const seen = new Proxy(input.conf, {
    get: (t, k) => {
      const v = typeof k === 'string' ? own(t, k) : undefined;
      if (typeof k === 'string') read.set(k, v);
      return v ?? (Reflect.get(t, k) as unknown);
    },
    has: (t, k) => {
      enumerated = true;
      return Reflect.has(t, k);
    },
    ownKeys: (t) => {
      enumerated = true;
      return Reflect.ownKeys(t);
    },
    getOwnPropertyDescriptor: (t, k) => {
      enumerated = true;
      return Reflect.getOwnPropertyDescriptor(t, k);
    },
  });
  let result: MemoryLayout | MemoryConfigError;
  try {
    result = layoutOf({ ...input, conf: seen });
  } catch (e) {
    if (!(e instanceof MemoryConfigError)) throw e;
    result = e;
  }
  if (!enumerated) {
    if (remembered.length >= MAX_REMEMBERED) remembered.pop();
    remembered.unshift({ rest, read: [...read], result });
  }
  if (result instanceof MemoryConfigError) throw result;
  return result;
}

/** A setting's value, never one inherited from Object.prototype (a key named "toString"). */
const own = (conf: Record<string, string>, k: string): string | undefined => (Object.hasOwn(conf, k) ? conf[k] : undefined);

function layoutOf(input: MemoryInput): MemoryLayout {
  const notes: MemoryNote[] = [];
  const conf = input.conf;
  const cm = input.clusterManager;
  const v = parseVersion(input.sparkVersion);
  const version = input.sparkVersion;
  const rp = input.resourceProfile ?? {};
  const get = (k: string): string | undefined => {
    const x = conf[k];
    return x === undefined || x.trim() === '' ? undefined : x;
  };
  const ctx: Ctx = { conf, cm, v, version, get, notes, rp };

  if (cm === 'mesos' && holds(v, MESOS_REMOVED_IN))
    throw new MemoryConfigError('mesos-removed', { master: get('spark.master') ?? 'mesos://', version });

  // --- deploy mode, Python ----------------------------------------------------------------------
  const deploy: DeployDecision = decideDeployMode(conf, cm, input.javaCommand ?? null, input.deployMode ?? null);
  ctx.deploy = deploy.mode;
  if (deploy.mode !== null) notes.push(note('deploy-mode', { mode: deploy.mode, reason: deploy.reason }));
  const python = decidePython(ctx, input);

  // --- JVMs: heap sizes, collectors, Runtime.maxMemory -----------------------------------------
  const driverOpts = javaOptions(conf, 'driver');
  const driverHeap = driverHeapBytes(ctx);
  const driverJvm = jvmOf(
    ctx,
    'driver',
    driverHeap,
    driverOpts,
    input.javaVersion ?? null,
    get('spark.driver.memory') !== undefined ? 'conf' : 'default',
  );
  let executorJvm: JvmLayout;
  let heap: number;
  if (cm === 'local') {
    heap = driverHeap;
    executorJvm = driverJvm;
    notes.push(note('local-executor-is-driver'));
  } else {
    heap = executorHeapBytes(ctx);
    const heapSource = get('spark.executor.memory') !== undefined ? 'conf' : rp.memory !== undefined ? 'profile' : 'default';
    executorJvm = jvmOf(ctx, 'executor', heap, javaOptions(conf, 'executor'), input.javaVersion ?? null, heapSource);
  }

  // --- validation Spark does at startup (SparkConf.validateSettings, config checkValue) ---------
  const legacyMode = isLegacy(ctx);
  validateFractions(ctx, legacyMode);
  const reserved = legacyMode ? 0 : reservedBytes(ctx);
  checkMinimum(ctx, legacyMode, reserved, driverJvm, cm === 'local' ? null : executorJvm);

  // --- cores and task slots -------------------------------------------------------------------
  const cores = executorCores(ctx, input.observedCores ?? null);
  const taskCpus = get('spark.task.cpus') !== undefined ? parseIntStrict('spark.task.cpus', get('spark.task.cpus')!) : 1;
  if (taskCpus < 1) throw new MemoryConfigError('task-cpus-below-one', { key: 'spark.task.cpus', value: taskCpus });
  if (cores.known && taskCpus > cores.cores) {
    if (holds(v, TASK_CPUS_CHECK_SINCE)) throw new MemoryConfigError('task-cpus-exceed-cores', { cores: cores.cores, taskCpus, version });
    notes.push(note('task-cpus-exceed-cores', { cores: cores.cores, taskCpus }));
  }
  const slots = Math.floor(cores.cores / taskCpus);

  // --- heap regions ---------------------------------------------------------------------------
  const storageFraction = fractionOr(ctx, 'spark.memory.storageFraction', STORAGE_FRACTION_DEFAULT);
  const systemMemory = executorJvm.systemMemory;
  const regions = heapRegions(ctx, legacyMode, systemMemory, reserved, storageFraction);
  const perShare = (pool: number, n: number): number => (n > 0 ? Math.floor(pool / n) : 0);
  const perTaskMax = perShare(legacyMode ? regions.execution : regions.unified, slots);
  const perTaskMin = perShare(regions.execution, 2 * slots);
  executorJvm.blockManagerOnHeap = legacyMode ? regions.storage : regions.unified;
  if (cm !== 'local')
    driverJvm.blockManagerOnHeap = heapRegions({ ...ctx, notes: [] }, legacyMode, driverJvm.systemMemory, reserved, storageFraction).pool;
  else driverJvm.blockManagerOnHeap = executorJvm.blockManagerOnHeap;

  // --- off-heap -------------------------------------------------------------------------------
  const offHeap = offHeapBytes(ctx, legacyMode, storageFraction);

  // --- container ------------------------------------------------------------------------------
  const heapMiB = toMiB(heap);
  const rule = containerRule(ctx, 'executor');
  let overhead = 0;
  let pyspark = 0;
  let container: number;
  const pysparkSet = get('spark.executor.pyspark.memory') ?? (rp['pyspark.memory'] !== undefined ? `${rp['pyspark.memory']}m` : undefined);
  if (pysparkSet !== undefined && !holds(v, PYSPARK_MEMORY_SINCE))
    notes.push(note('pyspark-before-2-4', { key: 'spark.executor.pyspark.memory' }));
  if (rule) {
    overhead = overheadMiB(ctx, 'executor', heapMiB, python.nonJvm, rp.memoryOverhead) * MiB;
    if (rule.pyspark && pysparkSet !== undefined && holds(v, PYSPARK_MEMORY_SINCE)) {
      if (python.sparkFlag)
        pyspark =
          checkIntMiB('spark.executor.pyspark.memory', pysparkSet, toMiB(parseSize('spark.executor.pyspark.memory', pysparkSet, MiB))) *
          MiB;
      else notes.push(note('pyspark-not-python', { key: 'spark.executor.pyspark.memory', flag: PYTHON_FLAG[cm]?.key ?? null }));
    }
    if (python.app && pyspark === 0) notes.push(note('python-workers-in-overhead'));
    const offHeapInContainer = rule.offHeap ? toMiB(offHeap) * MiB : 0;
    if (offHeap > 0 && !rule.offHeap)
      notes.push(note('offheap-not-in-container', { bytes: offHeap, manager: cm, since: offHeapSince(cm) }));
    container = heap + overhead + pyspark + offHeapInContainer;
  } else {
    container = heap + offHeap;
    notes.push(note('no-container', { manager: cm }));
  }

  const driver = driverLayout(ctx, driverHeap, python.nonJvm);
  return {
    sparkVersion: version,
    clusterManager: cm,
    deployMode: deploy.mode,
    executor: {
      heap,
      reserved,
      usable: regions.usable,
      user: regions.usable - regions.unified,
      unified: regions.unified,
      storage: regions.storage,
      execution: regions.execution,
      cores: cores.cores,
      perTaskMin,
      perTaskMax,
      overhead,
      offHeap,
      pyspark,
      container,
    },
    driver,
    legacyMode,
    params: { memoryFraction: regions.memoryFraction, storageFraction, slots, taskCpus },
    jvm: { executor: executorJvm, driver: driverJvm },
    python,
    notes,
  };
}

interface Ctx {
  conf: Record<string, string>;
  cm: ClusterManager;
  v: Version | null;
  version: string | null;
  get: (k: string) => string | undefined;
  notes: MemoryNote[];
  rp: Record<string, number>;
  deploy?: Deploy | null;
}

// ---------------------------------------------------------------------------------------------------

/**
 * A Python app, and Spark's own flag for it. Spark adds spark.executor.pyspark.memory to a container only
 * when its manager's flag says Python (YARN: spark.yarn.isPython; Kubernetes: spark.kubernetes.resource.type
 * =python), and Kubernetes' 0.4 overhead factor only for non-JVM (Python or R) apps in cluster mode.
 */
function decidePython(ctx: Ctx, input: MemoryInput): MemoryLayout['python'] {
  const { conf, cm, v } = ctx;
  const app = input.isPython ?? isPythonApp(conf);
  const flag = PYTHON_FLAG[cm];
  let sparkFlag = flag !== undefined && (conf[flag.key] ?? '').trim().toLowerCase() === flag.value;
  const submitting = input.submitFlags !== false;
  if (flag && !sparkFlag && app && submitting && (flag.setBySubmitIn === 'any' || ctx.deploy === 'cluster')) sparkFlag = true;
  const resourceType = (conf['spark.kubernetes.resource.type'] ?? '').trim().toLowerCase();
  const nonJvm = cm === 'kubernetes' && (resourceType === 'python' || resourceType === 'r' || (sparkFlag && app));
  if (cm === 'kubernetes' && app && submitting && !holds(v, K8S_PYTHON_SINCE)) {
    throw new MemoryConfigError('k8s-python-unsupported', { version: ctx.version });
  }
  ctx.notes.push(
    note('python-app', {
      python: app,
      reason: input.pythonReason ?? (app ? 'configuration' : 'none'),
      sparkFlag,
      flagKey: flag?.key ?? null,
    }),
  );
  return { app, sparkFlag, nonJvm };
}

/** SparkSubmit marks Python apps: spark.yarn.isPython, spark.kubernetes.resource.type, pyFiles, spark.pyspark.*. */
export function isPythonApp(conf: Record<string, string>): boolean {
  return (
    (conf['spark.yarn.isPython'] ?? '').trim() === 'true' ||
    (conf['spark.kubernetes.resource.type'] ?? '').trim().toLowerCase() === 'python' ||
    (conf['spark.submit.pyFiles'] ?? '').trim() !== '' ||
    conf['spark.pyspark.python'] !== undefined ||
    conf['spark.pyspark.driver.python'] !== undefined
  );
}

/** The JVM options Spark passes: spark.{role}.defaultJavaOptions (3.0+) then spark.{role}.extraJavaOptions. */
function javaOptions(conf: Record<string, string>, role: Role): string {
  return [conf[`spark.${role}.defaultJavaOptions`], conf[`spark.${role}.extraJavaOptions`]].filter((x) => x !== undefined).join(' ');
}

function jvmOf(
  ctx: Ctx,
  role: Role,
  heap: number,
  opts: string,
  javaVersion: string | null,
  heapSource: JvmLayout['heapSource'],
): JvmLayout {
  const collector = decideCollector(opts, javaVersion, ctx.v);
  const jm = runtimeMaxMemory(heap, collector.collector, opts);
  ctx.notes.push(
    note('collector', {
      role,
      collector: collector.collector,
      reason: collector.reason,
      flag: collector.flag,
      javaMajor: collector.javaMajor,
    }),
  );
  if (jm.gap !== 0)
    ctx.notes.push(
      note('jvm-max-memory', { role, heap, maxMemory: jm.maxMemory, gap: jm.gap, collector: collector.collector, exact: jm.exact }),
    );
  const testing = ctx.get('spark.testing.memory');
  let systemMemory = jm.maxMemory;
  if (testing !== undefined) {
    systemMemory = parseLong(ctx, 'spark.testing.memory', testing);
    if (role === 'driver' || ctx.cm !== 'local')
      ctx.notes.push(note('testing-memory', { key: 'spark.testing.memory', value: systemMemory, role }));
  }
  return { heap, maxMemory: jm.maxMemory, systemMemory, collector, exact: jm.exact, javaOptions: opts, blockManagerOnHeap: 0, heapSource };
}

/** SparkConf.getLong: a plain number of bytes. */
function parseLong(_ctx: Ctx, key: string, value: string): number {
  const s = value.trim();
  if (!/^[0-9]+$/.test(s)) throw new MemoryConfigError('not-an-integer', { key, value });
  return Number(s);
}

function driverHeapBytes(ctx: Ctx): number {
  const x = ctx.get('spark.driver.memory');
  if (x === undefined) {
    const mib = pick(DRIVER_MEMORY_DEFAULT_MIB, ctx.v);
    ctx.notes.push(
      note('default-applied', { key: 'spark.driver.memory', value: mib % 1024 === 0 ? `${mib / 1024}g` : `${mib}m`, bytes: mib * MiB }),
    );
    return mib * MiB;
  }
  // DRIVER_MEMORY is bytesConf(ByteUnit.MiB): a bare number is MiB; the JVM gets whole MiB.
  return checkIntMiB('spark.driver.memory', x, toMiB(parseSize('spark.driver.memory', x, MiB))) * MiB;
}

/**
 * spark.executor.memory → -Xmx, whole MiB. A bare number is MiB where the container is sized from the
 * config entry (YARN 2.0+, Kubernetes: bytesConf(ByteUnit.MiB)) and bytes where SparkContext.executorMemory
 * converts it (Utils.memoryStringToMb: standalone, Mesos, and everywhere before 2.0).
 */
function executorHeapBytes(ctx: Ctx): number {
  const { get, cm, v, rp, notes } = ctx;
  const x = get('spark.executor.memory');
  if (x !== undefined) {
    const bare = /^\s*[0-9]+\s*$/.test(x);
    const mibUnit = (cm === 'yarn' && holds(v, '2.0')) || cm === 'kubernetes' || cm === 'unknown';
    const mib = checkIntMiB('spark.executor.memory', x, toMiB(parseSize('spark.executor.memory', x, mibUnit ? MiB : 1)));
    if (bare)
      notes.push(note('heap-bare-number', { key: 'spark.executor.memory', value: x.trim(), heapMiB: mib, checkedBytes: Number(x.trim()) }));
    // From 2.0 Spark's own check (checkMinimum) refuses a bare number under the minimum first.
    if (mib === 0 && !holds(v, '2.0'))
      throw new MemoryConfigError('heap-zero', { key: 'spark.executor.memory', value: x, version: ctx.version });
    return mib * MiB;
  }
  if (rp.memory !== undefined) {
    notes.push(note('heap-from-resource-profile', { mib: rp.memory }));
    return rp.memory * MiB;
  }
  notes.push(note('default-applied', { key: 'spark.executor.memory', value: '1g', bytes: EXECUTOR_MEMORY_DEFAULT_MIB * MiB }));
  return EXECUTOR_MEMORY_DEFAULT_MIB * MiB;
}

function isLegacy(ctx: Ctx): boolean {
  const { v, get } = ctx;
  if (!holds(v, LEGACY_MODE.before)) {
    ctx.notes.push(note('legacy-static', { since16: false }));
    return true;
  }
  const set = get(LEGACY_MODE.key);
  if (holds(v, LEGACY_MODE.before, LEGACY_MODE.optInUntil) && set !== undefined && parseBool(LEGACY_MODE.key, set)) {
    ctx.notes.push(note('legacy-static', { since16: true }));
    return true;
  }
  return false;
}

const LEGACY_FRACTION_KEYS = [
  'spark.storage.memoryFraction',
  'spark.shuffle.memoryFraction',
  'spark.shuffle.safetyFraction',
  'spark.storage.unrollFraction',
  'spark.storage.safetyFraction',
];

/** SparkConf.validateSettings: memory fractions in [0, 1] (the legacy ones until 3.0); storageFraction < 1 from 3.0. */
function validateFractions(ctx: Ctx, _legacy: boolean): void {
  const { v, get, version } = ctx;
  const keys = [
    ...(holds(v, '1.6') ? ['spark.memory.fraction', 'spark.memory.storageFraction'] : []),
    ...(holds(v, '0.0', '3.0') ? LEGACY_FRACTION_KEYS : []),
  ];
  for (const key of keys) {
    const x = get(key);
    if (x === undefined) continue;
    const f = parseFraction(key, x);
    if (f < 0 || f > 1) throw new MemoryConfigError('fraction-out-of-range', { key, value: x.trim(), parsed: f, version });
  }
  const sf = get('spark.memory.storageFraction');
  if (sf !== undefined && holds(v, STORAGE_FRACTION_BELOW_ONE_SINCE) && parseFraction('spark.memory.storageFraction', sf) >= 1) {
    throw new MemoryConfigError('storage-fraction-one', {
      key: 'spark.memory.storageFraction',
      value: sf.trim(),
      wording: pick(CHECK_VALUE_WORDING, v),
      version,
    });
  }
}

function fractionOr(ctx: Ctx, key: string, dflt: number): number {
  const x = ctx.get(key);
  return x === undefined ? dflt : parseFraction(key, x);
}

/** UnifiedMemoryManager: spark.testing.reservedMemory, else 0 under spark.testing, else 300 MiB. */
function reservedBytes(ctx: Ctx): number {
  const r = ctx.get('spark.testing.reservedMemory');
  if (r !== undefined) {
    const n = parseLong(ctx, 'spark.testing.reservedMemory', r);
    ctx.notes.push(note('testing-reserved', { key: 'spark.testing.reservedMemory', value: r.trim(), reserved: n }));
    return n;
  }
  if (ctx.conf['spark.testing'] !== undefined) {
    ctx.notes.push(note('testing-reserved', { key: 'spark.testing', value: ctx.conf['spark.testing'], reserved: 0 }));
    return 0;
  }
  return RESERVED_SYSTEM_MEMORY;
}

/**
 * The refusals in UnifiedMemoryManager.getMaxMemory (StaticMemoryManager in legacy mode, 2.0–2.4), in the
 * order Spark meets them: the driver's own JVM, then spark.executor.memory read as bytes (getSizeAsBytes:
 * a bare number is bytes here), then each executor's JVM.
 */
function checkMinimum(ctx: Ctx, legacy: boolean, reserved: number, driver: JvmLayout, executor: JvmLayout | null): void {
  const { v, get, version } = ctx;
  let minimum: number;
  let wording: string;
  if (legacy) {
    if (!holds(v, '2.0')) return; // no check before StaticMemoryManager.MIN_MEMORY_BYTES (2.0)
    minimum = STATIC_MIN_MEMORY;
    wording = 'static';
  } else {
    wording = pick(MIN_HEAP_WORDING, v);
    minimum = wording === 'v1.6' ? reserved * MIN_SYSTEM_MEMORY_FACTOR : Math.ceil(reserved * MIN_SYSTEM_MEMORY_FACTOR);
  }
  const jvmData = (j: JvmLayout, role: Role): MemoryData => ({
    role,
    key: `spark.${role}.memory`,
    value: ctx.conf[`spark.${role}.memory`]?.trim() ?? null,
    systemMemory: j.systemMemory,
    heap: j.heap,
    maxMemory: j.maxMemory,
    collector: j.collector.collector,
    testing: get('spark.testing.memory') !== undefined,
    minimum,
    wording,
    version,
  });
  if (driver.systemMemory < minimum) throw new MemoryConfigError('heap-below-minimum', jvmData(driver, 'driver'));
  const x = get('spark.executor.memory');
  if (x !== undefined && wording !== 'v1.6') {
    const bytes = parseSize('spark.executor.memory', x, 1);
    if (bytes < minimum)
      throw new MemoryConfigError('executor-memory-below-minimum', {
        key: 'spark.executor.memory',
        value: x.trim(),
        bytes,
        minimum,
        wording,
        version,
      });
  }
  if (executor && executor.systemMemory < minimum) throw new MemoryConfigError('heap-below-minimum', jvmData(executor, 'executor'));
}

interface Regions {
  usable: number;
  unified: number;
  storage: number;
  execution: number;
  memoryFraction: number;
  /** What the BlockManager logs on-heap. */
  pool: number;
}

function heapRegions(ctx: Ctx, legacy: boolean, systemMemory: number, reserved: number, storageFraction: number): Regions {
  const { get, v, notes } = ctx;
  if (legacy) {
    // StaticMemoryManager (and BlockManager/ShuffleMemoryManager before 1.6): fixed regions of Runtime.maxMemory.
    const f = (k: string, d: number): number => fractionOr(ctx, k, d);
    const storage = Math.floor(
      systemMemory *
        f('spark.storage.memoryFraction', LEGACY_FRACTIONS.storage) *
        f('spark.storage.safetyFraction', LEGACY_FRACTIONS.storageSafety),
    );
    const execution = Math.floor(
      systemMemory *
        f('spark.shuffle.memoryFraction', LEGACY_FRACTIONS.shuffle) *
        f('spark.shuffle.safetyFraction', LEGACY_FRACTIONS.shuffleSafety),
    );
    return { usable: systemMemory, unified: storage + execution, storage, execution, memoryFraction: 0, pool: storage };
  }
  const usable = systemMemory - reserved;
  const explicit = get('spark.memory.fraction');
  const memoryFraction = explicit !== undefined ? parseFraction('spark.memory.fraction', explicit) : pick(MEMORY_FRACTION_DEFAULT, v);
  if (explicit === undefined) notes.push(note('default-applied', { key: 'spark.memory.fraction', value: memoryFraction }));
  else if (memoryFraction === 0) notes.push(note('memory-fraction-zero'));
  const unified = Math.floor(usable * memoryFraction);
  const storage = Math.floor(unified * storageFraction);
  return { usable, unified, storage, execution: unified - storage, memoryFraction, pool: unified };
}

/** spark.memory.offHeap.* (1.6+): the Tungsten pool, and Spark's refusal of an enabled pool of size 0 (0 MiB where Spark sizes it in MiB). */
function offHeapBytes(ctx: Ctx, legacy: boolean, storageFraction: number): number {
  const { get, v, cm, rp, notes } = ctx;
  if (!holds(v, '1.6')) return 0;
  const en = get('spark.memory.offHeap.enabled');
  if (en === undefined || !parseBool('spark.memory.offHeap.enabled', en)) return 0;
  const raw = get('spark.memory.offHeap.size');
  const bytes = raw !== undefined ? parseSize('spark.memory.offHeap.size', raw, 1) : (rp.offHeap ?? 0) * MiB;
  const mibCheck = OFFHEAP_MIB_CHECK.some((r) => holds(v, r.since) && managerMatches(r.managers, cm));
  if (bytes === 0 || (mibCheck && toMiB(bytes) === 0)) {
    throw new MemoryConfigError('offheap-size-zero', {
      key: 'spark.memory.offHeap.size',
      value: raw?.trim() ?? '0',
      bytes,
      inMiB: mibCheck,
      version: ctx.version,
    });
  }
  if (legacy || !holds(v, OFFHEAP_STORAGE_SINCE)) {
    notes.push(note('offheap-all-execution', { bytes, reason: legacy ? 'legacy' : 'spark-1.6' }));
  } else {
    const storage = Math.floor(bytes * storageFraction);
    notes.push(note('offheap-pool', { bytes, storage, execution: bytes - storage }));
  }
  return bytes;
}

function offHeapSince(cm: ClusterManager): string | null {
  return CONTAINER_RULES.find((r) => r.manager === cm && r.role === 'executor' && r.offHeap)?.since ?? null;
}

function containerRule(ctx: Ctx, role: Role): ContainerRule | undefined {
  return CONTAINER_RULES.find(
    (r) => r.manager === ctx.cm && r.role === role && holds(ctx.v, r.since, r.until) && (r.deploy === undefined || r.deploy === ctx.deploy),
  );
}

/** The overhead in MiB, as YarnAllocator / ResourceProfile / the Kubernetes feature steps / MesosSchedulerUtils compute it. */
function overheadMiB(ctx: Ctx, role: Role, heapMiB: number, nonJvm: boolean, fromProfile: number | undefined): number {
  const { cm, v, get, notes } = ctx;
  const read = OVERHEAD_KEYS.filter((r) => r.role === role && managerMatches(r.managers, cm) && holds(v, r.since, r.until)).sort(
    (a, b) => a.rank - b.rank,
  );
  const readKeys = new Set(read.map((r) => r.key));
  for (const r of OVERHEAD_KEYS) {
    if (r.role !== role || readKeys.has(r.key) || get(r.key) === undefined) continue;
    if (notes.some((n) => n.code === 'overhead-key-ignored' && n.data.key === r.key)) continue;
    notes.push(note('overhead-key-ignored', { role, key: r.key, manager: cm, version: ctx.version }));
  }
  for (const r of read) {
    const x = get(r.key);
    if (x === undefined) continue;
    const mib = r.unit === 'int-mib' ? parsePlainIntMiB(r.key, x) : checkIntMiB(r.key, x, toMiB(parseSize(r.key, x, MiB)));
    notes.push(
      r.alternateOf
        ? note('overhead-alternate', { role, key: r.key, primary: r.alternateOf, mib })
        : note('overhead-explicit', { role, key: r.key, mib }),
    );
    return mib;
  }
  if (fromProfile !== undefined) return fromProfile;
  const fr = FACTOR_RULES.find((r) => r.manager === cm && r.role === role && holds(v, r.since, r.until));
  let factor = fr?.factor ?? 0.1;
  let factorKey: string | null = null;
  for (const k of fr?.keys ?? []) {
    const x = get(k);
    if (x === undefined) continue;
    const f = parseFraction(k, x);
    const range = FACTOR_RANGES.find((r) => r.key === k && holds(v, r.since, r.until));
    if (range && !range.ok(f))
      throw new MemoryConfigError('overhead-factor-range', {
        key: k,
        value: x.trim(),
        message: range.message,
        wording: pick(CHECK_VALUE_WORDING, v),
        version: ctx.version,
      });
    factor = f;
    factorKey = k;
    break;
  }
  const nonJvmDefault = factorKey === null && fr?.nonJvmFactor !== undefined && nonJvm && ctx.deploy === 'cluster';
  if (nonJvmDefault) factor = fr.nonJvmFactor!;
  const minRule = MIN_OVERHEAD_RULES.find((r) => r.role === role && managerMatches(r.managers, cm) && holds(v, r.since));
  const minSet = minRule ? get(minRule.key) : undefined;
  const min = minSet !== undefined ? checkIntMiB(minRule!.key, minSet, toMiB(parseSize(minRule!.key, minSet, MiB))) : MIN_OVERHEAD_MIB;
  const mib = Math.max(Math.floor(factor * heapMiB), min);
  notes.push(
    note('overhead-default', {
      role,
      factor,
      factorKey,
      minMiB: min,
      minKey: minSet !== undefined ? minRule!.key : null,
      overheadMiB: mib,
      nonJvm: nonJvmDefault,
      manager: cm,
      version: ctx.version,
    }),
  );
  return mib;
}

function driverLayout(ctx: Ctx, heap: number, nonJvm: boolean): DriverLayout {
  const { cm, v, get, notes } = ctx;
  // spark.driver.maxResultSize: Utils.getMaxResultSize up to 2.3 (memoryStringToMb << 20: whole MiB, a bare number is bytes); exact bytes from 2.4.
  const raw = get('spark.driver.maxResultSize');
  let maxResultSize: number;
  if (raw === undefined) {
    maxResultSize = 1024 * MiB;
    notes.push(note('default-applied', { key: 'spark.driver.maxResultSize', value: '1g', bytes: maxResultSize }));
  } else if (holds(v, MAX_RESULT_SIZE_EXACT_SINCE)) {
    maxResultSize = parseSize('spark.driver.maxResultSize', raw, 1);
  } else {
    const bytes = parseSize('spark.driver.maxResultSize', raw, 1);
    maxResultSize = toMiB(bytes) * MiB;
    if (maxResultSize !== bytes) notes.push(note('max-result-size-truncated', { value: raw.trim(), bytes: maxResultSize, given: bytes }));
  }
  if (maxResultSize === 0) notes.push(note('max-result-size-unlimited'));

  let overhead = 0;
  const rule = containerRule(ctx, 'driver');
  if (rule) {
    overhead = overheadMiB(ctx, 'driver', toMiB(heap), nonJvm, undefined) * MiB;
  } else if (cm === 'yarn') {
    // Client mode: the driver runs where spark-submit ran; YARN hosts only the application master.
    const amRaw = get(YARN_AM.memoryKey);
    const am = amRaw !== undefined ? toMiB(parseSize(YARN_AM.memoryKey, amRaw, MiB)) : YARN_AM_MEMORY_DEFAULT_MIB;
    const ovRaw = get(YARN_AM.overheadKey);
    const factor =
      FACTOR_RULES.find((r) => r.manager === 'yarn' && r.role === 'driver' && holds(v, r.since, r.until) && r.keys.length === 0)?.factor ??
      0.1;
    const amOverhead =
      ovRaw !== undefined
        ? holds(v, '2.0')
          ? toMiB(parseSize(YARN_AM.overheadKey, ovRaw, MiB))
          : parsePlainIntMiB(YARN_AM.overheadKey, ovRaw)
        : Math.max(Math.floor(factor * am), MIN_OVERHEAD_MIB);
    notes.push(note('driver-no-container', { reason: 'client' }));
    notes.push(
      note('yarn-am-container', {
        amMiB: am,
        overheadMiB: amOverhead,
        totalMiB: am + amOverhead,
        overheadKey: ovRaw !== undefined ? YARN_AM.overheadKey : null,
      }),
    );
  } else {
    const reason = cm === 'local' ? 'local' : cm === 'standalone' ? 'standalone' : ctx.deploy === 'client' ? 'client' : 'unknown';
    notes.push(note('driver-no-container', { reason }));
  }
  return { heap, overhead, maxResultSize, container: heap + overhead };
}

function executorCores(ctx: Ctx, observed: number | null): { cores: number; known: boolean } {
  const { get, cm, rp, notes } = ctx;
  const set = get('spark.executor.cores');
  if (set !== undefined && cm !== 'local') return { cores: parseIntStrict('spark.executor.cores', set), known: true };
  if (rp.cores !== undefined && cm !== 'local') return { cores: rp.cores, known: true };
  if (cm === 'local') {
    const master = (ctx.conf['spark.master'] ?? '').trim();
    const m = /^local\[(\d+)/.exec(master);
    if (m) return { cores: Number(m[1]), known: true };
    if (master === 'local') return { cores: 1, known: true };
  }
  if (observed !== null && observed > 0) {
    notes.push(note('cores-from-log', { cores: observed }));
    return { cores: observed, known: false };
  }
  notes.push(note('cores-assumed-one'));
  return { cores: 1, known: false };
}
