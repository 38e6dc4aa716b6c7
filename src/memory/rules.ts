/**
 * THE TABLE: what each memory setting means, per Spark version, cluster manager, role and deploy mode,
 * with the Spark source it comes from. model.ts reads these rows; it holds no version or manager rule
 * of its own. Version ranges are [since, until): `until` is the first version where the row stops holding.
 *
 * Sources were read in the apache/spark repository (and version-named mirrors of it) with the team's
 * search tools; the README section (notes/memory-readme-section.md) and the report list which stored
 * version each row was checked against.
 */
import type { ClusterManager } from '../state/app.js';
import { MiB } from './sizes.js';

/** Where a rule comes from: a Spark source file and the releases it holds for. */
export interface Cite {
  file: string;
  tags: string;
}

const CORE = 'core/src/main/scala/org/apache/spark';
const YARN = 'resource-managers/yarn/src/main/scala/org/apache/spark/deploy/yarn';
const K8S = 'resource-managers/kubernetes/core/src/main/scala/org/apache/spark/deploy/k8s';
const MESOS = 'resource-managers/mesos/src/main/scala/org/apache/spark/scheduler/cluster/mesos';

const SRC = {
  unified: { file: `${CORE}/memory/UnifiedMemoryManager.scala`, tags: 'v1.6.0–v4.1' },
  static16: { file: `${CORE}/memory/StaticMemoryManager.scala`, tags: 'v1.6.0–v2.4.8 (legacy mode)' },
  staticPre16: { file: `${CORE}/storage/BlockManager.scala getMaxMemory, ${CORE}/shuffle/ShuffleMemoryManager.scala`, tags: 'v1.0–v1.5.2' },
  memoryManager: { file: `${CORE}/memory/MemoryManager.scala`, tags: 'v1.6.0–v4.1' },
  resourceProfile: { file: `${CORE}/resource/ResourceProfile.scala getResourcesForClusterManager`, tags: 'v3.1.0–v4.1' },
  config: { file: `${CORE}/internal/config/package.scala`, tags: 'v2.0.0–v4.1' },
  sparkConf: { file: `${CORE}/SparkConf.scala validateSettings / configsWithAlternatives`, tags: 'v1.6.0–v4.1' },
  utils: { file: `${CORE}/util/Utils.scala memoryStringToMb / getMaxResultSize / checkOffHeapEnabled`, tags: 'v1.0–v4.1' },
  sparkContext: { file: `${CORE}/SparkContext.scala`, tags: 'v1.0–v4.1' },
  sparkSubmit: { file: `${CORE}/deploy/SparkSubmit.scala`, tags: 'v1.0–v4.1' },
  configBuilder: { file: `${CORE}/internal/config/ConfigBuilder.scala checkValue`, tags: 'v2.0.0–v4.1' },
  yarnAllocator: { file: `${YARN}/YarnAllocator.scala`, tags: 'v1.2.0–v3.0.3 (3.1+ through ResourceProfile)' },
  yarnUtil: { file: `${YARN}/YarnSparkHadoopUtil.scala MEMORY_OVERHEAD_FACTOR / MEMORY_OVERHEAD_MIN`, tags: 'v1.2.0–v3.0.3' },
  yarnClient: { file: `${YARN}/Client.scala (application master / cluster-mode driver container)`, tags: 'v1.2.0–v4.1' },
  yarnConfig: { file: `${YARN}/config.scala`, tags: 'v2.0.0–v2.2.3' },
  k8sExecutor: { file: `${K8S}/features/BasicExecutorFeatureStep.scala`, tags: 'v2.3.0–v4.1' },
  k8sDriver: { file: `${K8S}/features/BasicDriverFeatureStep.scala`, tags: 'v2.3.0–v4.1' },
  k8sConfig: { file: `${K8S}/Config.scala MEMORY_OVERHEAD_FACTOR, ${K8S}/Constants.scala`, tags: 'v2.3.0–v4.1' },
  mesos: { file: `${MESOS}/MesosSchedulerUtils.scala executorMemory / driverContainerMemory`, tags: 'v1.2.0–v3.5.x (removed in 4.0)' },
  javaUtils: { file: 'common/network-common/src/main/java/org/apache/spark/network/util/JavaUtils.java byteStringAs', tags: 'v1.4.0–v4.1' },
} as const satisfies Record<string, Cite>;

// ---------------------------------------------------------------------------------------------------
// Constants, each with its source.

/** UnifiedMemoryManager.RESERVED_SYSTEM_MEMORY_BYTES. */
export const RESERVED_SYSTEM_MEMORY = 300 * MiB;
/** UnifiedMemoryManager: Runtime.maxMemory must be at least reserved × 1.5 (ceil from 2.0; a Double in 1.6). */
export const MIN_SYSTEM_MEMORY_FACTOR = 1.5;
/** StaticMemoryManager.MIN_MEMORY_BYTES (2.0–2.4, legacy mode). */
export const STATIC_MIN_MEMORY = 32 * MiB;
/** ResourceProfile.MEMORY_OVERHEAD_MIN_MIB, YarnSparkHadoopUtil.MEMORY_OVERHEAD_MIN, k8s Constants, Mesos MEMORY_OVERHEAD_MINIMUM. */
export const MIN_OVERHEAD_MIB = 384;
/** StaticMemoryManager / BlockManager (pre-1.6) defaults: storage 0.6 × 0.9, shuffle 0.2 × 0.8. */
export const LEGACY_FRACTIONS = { storage: 0.6, storageSafety: 0.9, shuffle: 0.2, shuffleSafety: 0.8 } as const;
/** config MEMORY_STORAGE_FRACTION default. */
export const STORAGE_FRACTION_DEFAULT = 0.5;
/** k8s Constants.NON_JVM_MEMORY_OVERHEAD_FACTOR: set by BasicDriverFeatureStep for Python/R apps in cluster mode (2.4+). */
const NON_JVM_OVERHEAD_FACTOR = 0.4;
/** Client.scala AM_MEMORY default (spark.yarn.am.memory). */
export const YARN_AM_MEMORY_DEFAULT_MIB = 512;

export type Role = 'executor' | 'driver';
export type Deploy = 'client' | 'cluster';
type Managers = readonly ClusterManager[] | 'all';

// ---------------------------------------------------------------------------------------------------
// Defaults that change by version.

export interface VersionedDefault<T> {
  since: string;
  until?: string;
  value: T;
  cite: Cite;
}

/** spark.memory.fraction: 0.75 in 1.6, 0.6 from 2.0. */
export const MEMORY_FRACTION_DEFAULT: readonly VersionedDefault<number>[] = [
  { since: '1.6', until: '2.0', value: 0.75, cite: SRC.unified },
  { since: '2.0', value: 0.6, cite: SRC.config },
];

/** spark.driver.memory when unset: 512m before 1.5 (SparkSubmitArguments usage), 1g since. */
export const DRIVER_MEMORY_DEFAULT_MIB: readonly VersionedDefault<number>[] = [
  { since: '0.0', until: '1.5', value: 512, cite: SRC.sparkSubmit },
  { since: '1.5', value: 1024, cite: SRC.config },
];

/** spark.executor.memory when unset: 1g (SparkContext.executorMemory, config EXECUTOR_MEMORY). */
export const EXECUTOR_MEMORY_DEFAULT_MIB = 1024;

/** The static (legacy) memory manager: always before 1.6; with spark.memory.useLegacyMode=true up to 2.4 (removed in 3.0). */
export const LEGACY_MODE: { before: string; optInUntil: string; key: string; cite: Cite } = {
  before: '1.6',
  optInUntil: '3.0',
  key: 'spark.memory.useLegacyMode',
  cite: SRC.static16,
};

// ---------------------------------------------------------------------------------------------------
// What goes into a container, per manager, role and version.

export interface ContainerRule {
  manager: ClusterManager;
  role: Role;
  since: string;
  until?: string;
  deploy?: Deploy;
  overhead: boolean;
  /** spark.executor.pyspark.memory, added only when Spark's own Python flag for this manager is set. */
  pyspark: boolean;
  offHeap: boolean;
  cite: Cite;
}

export const CONTAINER_RULES: readonly ContainerRule[] = [
  // YARN executors: heap + overhead (1.2+), + PySpark for Python apps (2.4+), + off-heap (3.0+).
  {
    manager: 'yarn',
    role: 'executor',
    since: '1.0',
    until: '2.4',
    overhead: true,
    pyspark: false,
    offHeap: false,
    cite: SRC.yarnAllocator,
  },
  { manager: 'yarn', role: 'executor', since: '2.4', until: '3.0', overhead: true, pyspark: true, offHeap: false, cite: SRC.yarnAllocator },
  { manager: 'yarn', role: 'executor', since: '3.0', overhead: true, pyspark: true, offHeap: true, cite: SRC.resourceProfile },
  // YARN driver: a container only in cluster mode (the AM runs the driver); heap + overhead.
  {
    manager: 'yarn',
    role: 'driver',
    since: '1.0',
    deploy: 'cluster',
    overhead: true,
    pyspark: false,
    offHeap: false,
    cite: SRC.yarnClient,
  },
  // Kubernetes executors: heap + overhead (2.3), + PySpark for Python apps (2.4), + off-heap (3.1, SPARK-33288 via ResourceProfile).
  {
    manager: 'kubernetes',
    role: 'executor',
    since: '2.3',
    until: '2.4',
    overhead: true,
    pyspark: false,
    offHeap: false,
    cite: SRC.k8sExecutor,
  },
  {
    manager: 'kubernetes',
    role: 'executor',
    since: '2.4',
    until: '3.1',
    overhead: true,
    pyspark: true,
    offHeap: false,
    cite: SRC.k8sExecutor,
  },
  { manager: 'kubernetes', role: 'executor', since: '3.1', overhead: true, pyspark: true, offHeap: true, cite: SRC.resourceProfile },
  // Kubernetes driver: a pod only in cluster mode; heap + overhead.
  {
    manager: 'kubernetes',
    role: 'driver',
    since: '2.3',
    deploy: 'cluster',
    overhead: true,
    pyspark: false,
    offHeap: false,
    cite: SRC.k8sDriver,
  },
  // Mesos: heap + spark.mesos.executor.memoryOverhead, nothing else; the driver only in cluster mode (dispatcher); gone in 4.0.
  { manager: 'mesos', role: 'executor', since: '1.0', until: '4.0', overhead: true, pyspark: false, offHeap: false, cite: SRC.mesos },
  {
    manager: 'mesos',
    role: 'driver',
    since: '1.0',
    until: '4.0',
    deploy: 'cluster',
    overhead: true,
    pyspark: false,
    offHeap: false,
    cite: SRC.mesos,
  },
];

/** Spark's own "is this a Python app" flag per manager, set by SparkSubmit (YARN: any Python app; Kubernetes: cluster mode only). */
export const PYTHON_FLAG: Partial<Record<ClusterManager, { key: string; value: string; setBySubmitIn: 'any' | 'cluster'; cite: Cite }>> = {
  yarn: { key: 'spark.yarn.isPython', value: 'true', setBySubmitIn: 'any', cite: SRC.yarnAllocator },
  kubernetes: { key: 'spark.kubernetes.resource.type', value: 'python', setBySubmitIn: 'cluster', cite: SRC.k8sExecutor },
};

// ---------------------------------------------------------------------------------------------------
// Where the overhead comes from.

type SizeUnit =
  /** JavaUtils.byteStringAs with MiB as the bare unit (bytesConf(ByteUnit.MiB)). */
  | 'size-mib'
  /** SparkConf.getInt: a plain integer of MiB; a unit is a startup error. */
  | 'int-mib';

export interface OverheadKeyRule {
  key: string;
  role: Role;
  managers: Managers;
  since: string;
  until?: string;
  unit: SizeUnit;
  /** Lower is read first: Spark reads the primary key, then its alternates (SparkConf.configsWithAlternatives). */
  rank: number;
  /** The key this one is an alternate of, when it is one. */
  alternateOf?: string;
  cite: Cite;
}

export const OVERHEAD_KEYS: readonly OverheadKeyRule[] = [
  // YARN before 2.3 read only spark.yarn.*.memoryOverhead: an Int of MiB in 1.x, a size (MiB bare) in 2.0–2.2.
  {
    key: 'spark.yarn.executor.memoryOverhead',
    role: 'executor',
    managers: ['yarn'],
    since: '1.0',
    until: '2.0',
    unit: 'int-mib',
    rank: 0,
    cite: SRC.yarnAllocator,
  },
  {
    key: 'spark.yarn.executor.memoryOverhead',
    role: 'executor',
    managers: ['yarn'],
    since: '2.0',
    until: '2.3',
    unit: 'size-mib',
    rank: 0,
    cite: SRC.yarnConfig,
  },
  {
    key: 'spark.yarn.driver.memoryOverhead',
    role: 'driver',
    managers: ['yarn'],
    since: '1.0',
    until: '2.0',
    unit: 'int-mib',
    rank: 0,
    cite: SRC.yarnClient,
  },
  {
    key: 'spark.yarn.driver.memoryOverhead',
    role: 'driver',
    managers: ['yarn'],
    since: '2.0',
    until: '2.3',
    unit: 'size-mib',
    rank: 0,
    cite: SRC.yarnConfig,
  },
  // 2.3 moved them to spark.{executor,driver}.memoryOverhead in core, read by YARN and Kubernetes,
  // and kept the spark.yarn.* names as alternates in SparkConf, so they work on every manager that reads the new key.
  {
    key: 'spark.executor.memoryOverhead',
    role: 'executor',
    managers: ['yarn', 'kubernetes'],
    since: '2.3',
    unit: 'size-mib',
    rank: 0,
    cite: SRC.config,
  },
  {
    key: 'spark.yarn.executor.memoryOverhead',
    role: 'executor',
    managers: ['yarn', 'kubernetes'],
    since: '2.3',
    unit: 'size-mib',
    rank: 1,
    alternateOf: 'spark.executor.memoryOverhead',
    cite: SRC.sparkConf,
  },
  {
    key: 'spark.driver.memoryOverhead',
    role: 'driver',
    managers: ['yarn', 'kubernetes'],
    since: '2.3',
    unit: 'size-mib',
    rank: 0,
    cite: SRC.config,
  },
  {
    key: 'spark.yarn.driver.memoryOverhead',
    role: 'driver',
    managers: ['yarn', 'kubernetes'],
    since: '2.3',
    unit: 'size-mib',
    rank: 1,
    alternateOf: 'spark.driver.memoryOverhead',
    cite: SRC.sparkConf,
  },
  // Mesos reads only its own keys, plain Ints of MiB (sc.conf.getInt; mesos config intConf from 3.0).
  {
    key: 'spark.mesos.executor.memoryOverhead',
    role: 'executor',
    managers: ['mesos'],
    since: '1.0',
    until: '4.0',
    unit: 'int-mib',
    rank: 0,
    cite: SRC.mesos,
  },
  {
    key: 'spark.mesos.driver.memoryOverhead',
    role: 'driver',
    managers: ['mesos'],
    since: '1.0',
    until: '4.0',
    unit: 'int-mib',
    rank: 0,
    cite: SRC.mesos,
  },
];

export interface FactorRule {
  manager: ClusterManager;
  role: Role;
  since: string;
  until?: string;
  /** Keys read in order (first set wins); none = a fixed factor. */
  keys: readonly string[];
  /** The factor when no key is set. */
  factor: number;
  /** Kubernetes 2.4+: BasicDriverFeatureStep uses 0.4 for Python/R apps in cluster mode and propagates it to executors. */
  nonJvmFactor?: number;
  cite: Cite;
}

export const FACTOR_RULES: readonly FactorRule[] = [
  // YARN: 0.07 until 1.4 (YarnSparkHadoopUtil), 0.10 since; spark.{executor,driver}.memoryOverheadFactor from 3.3.
  { manager: 'yarn', role: 'executor', since: '1.0', until: '1.4', keys: [], factor: 0.07, cite: SRC.yarnUtil },
  { manager: 'yarn', role: 'executor', since: '1.4', until: '3.3', keys: [], factor: 0.1, cite: SRC.yarnUtil },
  { manager: 'yarn', role: 'executor', since: '3.3', keys: ['spark.executor.memoryOverheadFactor'], factor: 0.1, cite: SRC.config },
  { manager: 'yarn', role: 'driver', since: '1.0', until: '1.4', keys: [], factor: 0.07, cite: SRC.yarnUtil },
  { manager: 'yarn', role: 'driver', since: '1.4', until: '3.3', keys: [], factor: 0.1, cite: SRC.yarnUtil },
  { manager: 'yarn', role: 'driver', since: '3.3', keys: ['spark.driver.memoryOverheadFactor'], factor: 0.1, cite: SRC.config },
  // Kubernetes: a fixed 0.1 in 2.3 (Constants.MEMORY_OVERHEAD_FACTOR); spark.kubernetes.memoryOverheadFactor from 2.4;
  // spark.{executor,driver}.memoryOverheadFactor read first from 3.3 (BasicExecutorFeatureStep / BasicDriverFeatureStep).
  { manager: 'kubernetes', role: 'executor', since: '2.3', until: '2.4', keys: [], factor: 0.1, cite: SRC.k8sConfig },
  {
    manager: 'kubernetes',
    role: 'executor',
    since: '2.4',
    until: '3.3',
    keys: ['spark.kubernetes.memoryOverheadFactor'],
    factor: 0.1,
    nonJvmFactor: NON_JVM_OVERHEAD_FACTOR,
    cite: SRC.k8sExecutor,
  },
  {
    manager: 'kubernetes',
    role: 'executor',
    since: '3.3',
    keys: ['spark.executor.memoryOverheadFactor', 'spark.kubernetes.memoryOverheadFactor'],
    factor: 0.1,
    nonJvmFactor: NON_JVM_OVERHEAD_FACTOR,
    cite: SRC.k8sExecutor,
  },
  { manager: 'kubernetes', role: 'driver', since: '2.3', until: '2.4', keys: [], factor: 0.1, cite: SRC.k8sConfig },
  {
    manager: 'kubernetes',
    role: 'driver',
    since: '2.4',
    until: '3.3',
    keys: ['spark.kubernetes.memoryOverheadFactor'],
    factor: 0.1,
    nonJvmFactor: NON_JVM_OVERHEAD_FACTOR,
    cite: SRC.k8sDriver,
  },
  {
    manager: 'kubernetes',
    role: 'driver',
    since: '3.3',
    keys: ['spark.driver.memoryOverheadFactor', 'spark.kubernetes.memoryOverheadFactor'],
    factor: 0.1,
    nonJvmFactor: NON_JVM_OVERHEAD_FACTOR,
    cite: SRC.k8sDriver,
  },
  // Mesos: MEMORY_OVERHEAD_FRACTION 0.10; spark.{executor,driver}.memoryOverheadFactor from 3.3.
  { manager: 'mesos', role: 'executor', since: '1.0', until: '3.3', keys: [], factor: 0.1, cite: SRC.mesos },
  {
    manager: 'mesos',
    role: 'executor',
    since: '3.3',
    until: '4.0',
    keys: ['spark.executor.memoryOverheadFactor'],
    factor: 0.1,
    cite: SRC.mesos,
  },
  { manager: 'mesos', role: 'driver', since: '1.0', until: '3.3', keys: [], factor: 0.1, cite: SRC.mesos },
  {
    manager: 'mesos',
    role: 'driver',
    since: '3.3',
    until: '4.0',
    keys: ['spark.driver.memoryOverheadFactor'],
    factor: 0.1,
    cite: SRC.mesos,
  },
];

/** The overhead's floor: 384 MiB; spark.{executor,driver}.minMemoryOverhead from 4.0, YARN and Kubernetes. */
export const MIN_OVERHEAD_RULES: readonly { role: Role; key: string; managers: Managers; since: string; cite: Cite }[] = [
  { role: 'executor', key: 'spark.executor.minMemoryOverhead', managers: ['yarn', 'kubernetes'], since: '4.0', cite: SRC.resourceProfile },
  { role: 'driver', key: 'spark.driver.minMemoryOverhead', managers: ['yarn', 'kubernetes'], since: '4.0', cite: SRC.yarnClient },
];

/** Range checks on overhead factors (ConfigBuilder.checkValue), with Spark's own message. */
export const FACTOR_RANGES: readonly {
  key: string;
  since: string;
  until?: string;
  ok: (f: number) => boolean;
  message: string;
  cite: Cite;
}[] = [
  {
    key: 'spark.kubernetes.memoryOverheadFactor',
    since: '2.4',
    until: '3.3',
    ok: (f) => f >= 0 && f < 1,
    message: 'Ensure that memory overhead is a double between 0 --> 1.0',
    cite: SRC.k8sConfig,
  },
  {
    key: 'spark.kubernetes.memoryOverheadFactor',
    since: '3.3',
    ok: (f) => f >= 0,
    message: 'Ensure that memory overhead is non-negative',
    cite: SRC.k8sConfig,
  },
  {
    key: 'spark.executor.memoryOverheadFactor',
    since: '3.3',
    ok: (f) => f > 0,
    message: 'Ensure that memory overhead is a double greater than 0',
    cite: SRC.config,
  },
  {
    key: 'spark.driver.memoryOverheadFactor',
    since: '3.3',
    ok: (f) => f > 0,
    message: 'Ensure that memory overhead is a double greater than 0',
    cite: SRC.config,
  },
];

/** YARN client mode: the AM is its own container (Client.scala): spark.yarn.am.memory (512m) + spark.yarn.am.memoryOverhead (0.1 × AM, ≥ 384). */
export const YARN_AM = {
  memoryKey: 'spark.yarn.am.memory',
  overheadKey: 'spark.yarn.am.memoryOverhead',
  cite: SRC.yarnClient,
} as const;

// ---------------------------------------------------------------------------------------------------
// Validation wording by version.

export type MinHeapWording = 'v1.6' | 'v2' | 'v4';

/** UnifiedMemoryManager.getMaxMemory's refusal: 1.6 printed a Double and checked only the JVM; 2.0 added the executor check (SPARK-12759); 4.0 error classes. */
export const MIN_HEAP_WORDING: readonly VersionedDefault<MinHeapWording>[] = [
  { since: '1.6', until: '2.0', value: 'v1.6', cite: SRC.unified },
  { since: '2.0', until: '4.0', value: 'v2', cite: SRC.unified },
  { since: '4.0', value: 'v4', cite: SRC.unified },
];

/** ConfigBuilder.checkValue's message: the bare message in 2.x, "'v' in key is invalid. msg" in 3.x, error class INVALID_CONF_VALUE in 4.x. */
export const CHECK_VALUE_WORDING: readonly VersionedDefault<'v2' | 'v3' | 'v4'>[] = [
  { since: '2.0', until: '3.0', value: 'v2', cite: SRC.configBuilder },
  { since: '3.0', until: '4.0', value: 'v3', cite: SRC.configBuilder },
  { since: '4.0', value: 'v4', cite: SRC.configBuilder },
];

/** spark.memory.storageFraction must be < 1 from 3.0 (MEMORY_STORAGE_FRACTION.checkValue "Storage fraction must be in [0,1)"). */
export const STORAGE_FRACTION_BELOW_ONE_SINCE = '3.0';
/** Executor cores must be ≥ spark.task.cpus from 3.0 (SparkContext, SPARK-27192); before, Spark started and never scheduled. */
export const TASK_CPUS_CHECK_SINCE = '3.0';
/** Off-heap enabled needs a size of at least 1 MiB where Spark sizes it in MiB: YARN from 3.0 (YarnSparkHadoopUtil), every manager from 3.1 (ResourceProfile). */
export const OFFHEAP_MIB_CHECK: readonly { since: string; managers: Managers }[] = [
  { since: '3.0', managers: ['yarn'] },
  { since: '3.1', managers: 'all' },
];
/** spark.executor.pyspark.memory appeared in 2.4. */
export const PYSPARK_MEMORY_SINCE = '2.4';
/** spark.driver.maxResultSize: Utils.getMaxResultSize truncated to whole MiB (bare number = bytes) up to 2.3; exact bytes (bytesConf) from 2.4. */
export const MAX_RESULT_SIZE_EXACT_SINCE = '2.4';
/** Off-heap storage shares the unified split from 2.0; in 1.6 all off-heap memory was execution memory. */
export const OFFHEAP_STORAGE_SINCE = '2.0';
/** Python on Kubernetes arrived in 2.4. */
export const K8S_PYTHON_SINCE = '2.4';
/** Mesos support was removed in 4.0. */
export const MESOS_REMOVED_IN = '4.0';

export const managerMatches = (m: Managers, cm: ClusterManager): boolean => m === 'all' || m.includes(cm);
