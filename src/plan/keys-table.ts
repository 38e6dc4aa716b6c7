/**
 * Spark configuration keys spark-triage reads or may suggest, with the version each appeared in,
 * how spark-submit parses its value, its default per version range, and where it has an effect.
 *
 * Derived from Spark's own config definitions (`ConfigBuilder(...).version("x.y.z")`), SparkConf's
 * alternate/deprecated key tables, the docs' "Since Version" column, and the sources that read keys
 * which are not ConfigEntries. Every entry names what was read in `source`; `sinceBasis` says where
 * `since` comes from. Read through the search index (repo apache/spark unless stated); "index id N" is
 * the index's file id where the index did not report a commit. See spark-keys.md for the readable
 * table, the surprises, and what could not be verified.
 *
 * Version strings compare numerically by major.minor.patch. A version with a suffix such as
 * "2.4.0-SNAPSHOT" should be treated as that release: the `.version()` values were back-filled in 3.0/3.1
 * from the pom version at the commit that introduced each key (SPARK-30839/SPARK-30841), i.e. the
 * SNAPSHOT line the commit landed on.
 */

type Manager = 'yarn' | 'kubernetes' | 'standalone' | 'local' | 'mesos';
type DeployMode = 'client' | 'cluster';

/**
 * How spark-submit reads the value. Size units are what a bare number means:
 * 'mib' = bytesConf(MiB) (bare number is MiB, "2g" accepted), 'kib' = bytesConf(KiB),
 * 'bytes' = bytesConf(BYTE) or longConf (bare number is bytes), 'ms' / 'seconds' = timeConf
 * (bare number is that unit, "10s" accepted), 'int' = intConf (no suffix accepted, even when the
 * number means MiB — see `bareNumber`).
 */
type Unit = 'mib' | 'kib' | 'bytes' | 'ms' | 'seconds' | 'bool' | 'int' | 'double' | 'string';

/** Default from `from` onwards (until the next entry). value null = unset / derived; see formula. */
interface DefaultAt {
  from: string;
  value: string | null;
  formula?: string;
}

export interface KeyInfo {
  key: string;
  /** First release the key is read in. */
  since: string;
  /** 'version()': the ConfigBuilder annotation; 'docs': the docs' Since column or earliest docs seen;
   *  'source': seen being read in that release's source; 'pr': inferred from the PR/JIRA that added it;
   *  'unverified': best estimate, not confirmed by anything read. */
  sinceBasis: 'version()' | 'docs' | 'source' | 'pr' | 'unverified';
  /** First release in which setting the key has no effect any more. */
  removed?: string;
  /** The key that supersedes this one, and the release that deprecated this one. */
  deprecatedBy?: { key: string; since: string };
  /** Older names Spark still reads for this key (SparkConf configsWithAlternatives / withAlternative /
   *  fallbackConf). A plan should never emit these for an app whose version has this key. */
  alternates?: string[];
  unit: Unit;
  /** Only when a bare number is read surprisingly or differently across versions/paths. */
  bareNumber?: string;
  /** Ordered by `from`. Empty = default not verified. */
  defaults: DefaultAt[];
  /** Cluster managers where setting the key changes anything. */
  managers: Manager[];
  /** Absent = both modes. */
  deployModes?: DeployMode[];
  /** Where (and from which release) the value is added to the container / pod memory request. */
  containerEffect?: Array<{ manager: Manager; from: string }>;
  /** Condition without which the key does nothing (e.g. AQE on, Kryo serializer, PySpark app). */
  requires?: string;
  /** Marked .internal() in Spark: undocumented, may change without notice. */
  internal?: boolean;
  /** SQL conf: only meaningful when the failing stage runs SQL/DataFrame code. */
  sql: boolean;
  /** false = the product may read it but must never put it in a plan. */
  suggest: boolean;
  source: string;
  notes?: string;
}

export interface AdminSetting {
  key: string;
  /** Where an administrator changes it. */
  file: string;
  default: string;
  /** Version of the cluster software the statement was checked against. */
  since: string;
  source: string;
  notes?: string;
}

// ---- sources read (short commit = first 12 hex digits of the commit the index returned) -----------
const PKG = 'apache/spark@ba6e1ce18c74 core/src/main/scala/org/apache/spark/internal/config/package.scala (4.x)';
const PKG22 = 'apache/spark@000efb1e3152 core/src/main/scala/org/apache/spark/internal/config/package.scala (2.2-era, no .version)';
const PY = 'apache/spark@045635dd1646 core/src/main/scala/org/apache/spark/internal/config/Python.scala';
const KRYO = 'apache/spark@425fa529cf27 core/src/main/scala/org/apache/spark/internal/config/Kryo.scala';
const NET = 'apache/spark@2d177ec7639c core/src/main/scala/org/apache/spark/internal/config/Network.scala';
const RAPIDS_CONF =
  'NVIDIA/spark-rapids@000868ac6af4 sql-plugin/src/main/scala/com/nvidia/spark/rapids/RapidsConf.scala (CONCURRENT_GPU_TASKS, RMM_ALLOC_FRACTION, RMM_ALLOC_MAX_FRACTION)';
const TESTS = 'apache/spark@0ad97e38f6d7 core/src/main/scala/org/apache/spark/internal/config/Tests.scala';
const CONF30 =
  'apache/spark@00124490681f core/src/main/scala/org/apache/spark/SparkConf.scala (3.0-era deprecatedConfigs/configsWithAlternatives)';
const CONF4 = 'apache/spark core/src/main/scala/org/apache/spark/SparkConf.scala (4.x, index id 78562246)';
const CONF2 = 'SparkConf.scala validateSettings (2.x copy, index id 116982906)';
const YARNCFG =
  'apache/spark resource-managers/yarn/src/main/scala/org/apache/spark/deploy/yarn/config.scala (3.x with .version, index id 471267076)';
const YARN22 = 'apache/spark@27f9dd51c7e3 resource-managers/yarn/src/main/scala/org/apache/spark/deploy/yarn/config.scala (2.2-era)';
const YARNUTIL =
  'YarnSparkHadoopUtil.scala MEMORY_OVERHEAD_FACTOR=0.10, MEMORY_OVERHEAD_MIN=384, DEFAULT_NUMBER_EXECUTORS=2 (index id 613896179); 0.07 in an older copy (index id 46981901561)';
const YARNCLIENTARGS = 'yarn ClientArguments.scala 1.x: "... is set but does not apply in cluster/client mode" (index id 268968310)';
const YARNDOCS = 'docs/running-on-yarn.md copies: flat 384 (index id 745599382), 0.07 (index id 67413984), 0.10 (index id 122851105)';
const K8SCFG = 'apache/spark resource-managers/kubernetes/core/src/main/scala/org/apache/spark/deploy/k8s/Config.scala (index id 16645650)';
const K8SEXEC =
  'apache/spark@9fb83468737d resource-managers/kubernetes/core/src/main/scala/org/apache/spark/deploy/k8s/features/BasicExecutorFeatureStep.scala (3.0-era)';
const K8SDRV = 'apache/spark .../deploy/k8s/features/BasicDriverFeatureStep.scala (3.3+, index id 72151513)';
const MESOS = 'apache/spark@c5bee33443bf resource-managers/mesos/src/main/scala/org/apache/spark/deploy/mesos/config.scala (2.x)';
const MESOSDOCS = 'docs/running-on-mesos.md (3.x, index id 167303762)';
const SQL4 = 'apache/spark sql/catalyst/src/main/scala/org/apache/spark/sql/internal/SQLConf.scala (4.x, index id 7626303)';
const SQL3 = 'SQLConf.scala (3.x with .version, index id 18708705)';
const SQL24 = 'SQLConf.scala (2.4-era, index id 131984601)';
const SQL23 = 'SQLConf.scala (2.3-era, index id 1213034829)';
const SQL22 = 'SQLConf.scala (2.2.0-era, index id 209472251)';
const DOCS = 'apache/spark docs/configuration.md (4.x, Since Version column, index id 9785592)';
const DOCS2 = 'docs/configuration.md (2.x, index id 540760731)';
const UMM = 'apache/spark@009f8158b477 core/src/main/scala/org/apache/spark/memory/UnifiedMemoryManager.scala (4.x)';
const UMM16 = 'UnifiedMemoryManager.scala 1.6 copies with getDouble("spark.memory.fraction", 0.75) (index ids 1105092331, 32404096577)';
const SMM = 'apache/spark@0a988e0c2b86 core/src/main/scala/org/apache/spark/memory/StaticMemoryManager.scala';
const SPARKENV = 'SparkEnv.scala 1.6-2.4: conf.getBoolean("spark.memory.useLegacyMode", false) (index ids 2238541839, 40811113738)';
const TRANSPORT = 'apache/spark@0086c14b00ab common/network-common/src/main/java/org/apache/spark/network/util/TransportConf.java';
const SC_EXECMEM =
  'SparkContext.executorMemory / executorMemoryInMb: conf.getOption(spark.executor.memory).map(Utils.memoryStringToMb) (index ids 12096468657, 3914445805); Utils.memoryStringToMb: bare number = bytes (index id 12875497)';
const CGSB =
  'CoarseGrainedSchedulerBackend.defaultParallelism: conf.getInt("spark.default.parallelism", math.max(totalCoreCount.get(), 2)) (index id 4451517); MesosFineGrainedSchedulerBackend: 8 (index id 413286856)';
const SBU = 'SchedulerBackendUtils.DEFAULT_NUMBER_EXECUTORS = 2 (index id 1120189952)';

export const SPARK_KEYS: readonly KeyInfo[] = [
  // ------------------------------------------------------------------ executor / driver sizing
  {
    key: 'spark.executor.memory',
    since: '0.7.0',
    sinceBasis: 'version()',
    unit: 'mib',
    bareNumber:
      'MiB through the ConfigEntry (YARN/K8s container sizing), but bytes through SparkContext.executorMemoryInMb -> Utils.memoryStringToMb (standalone/Mesos executor sizing; those call sites not re-read): always write a suffix (e.g. "8g", "8192m").',
    defaults: [{ from: '1.4.0', value: '1g' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'mesos'],
    sql: false,
    suggest: true,
    source: `${PKG}; ${PKG22} (default 1g); ${SC_EXECMEM}; ${UMM}`,
    notes:
      'Local mode: the executor runs inside the driver JVM, so the heap is spark.driver.memory and raising spark.executor.memory does nothing; a value below 1.5 x 300 MiB still fails fast (UnifiedMemoryManager INVALID_EXECUTOR_MEMORY). Default checked from 1.4 (2.2 package.scala 1g, SparkContext fallback 1024); an older SparkContext copy fell back to 512.',
  },
  {
    key: 'spark.executor.memoryOverhead',
    since: '2.3.0',
    sinceBasis: 'version()',
    alternates: ['spark.yarn.executor.memoryOverhead'],
    unit: 'mib',
    defaults: [
      {
        from: '2.3.0',
        value: null,
        formula:
          'max(0.10 x spark.executor.memory, 384 MiB); K8s 2.4-3.2: spark.kubernetes.memoryOverheadFactor (0.4 for Python/R apps) instead of 0.10',
      },
      {
        from: '3.3.0',
        value: null,
        formula:
          'max(spark.executor.memoryOverheadFactor x spark.executor.memory, 384 MiB); on K8s, when the executor factor is unset, the driver-propagated default (spark.kubernetes.memoryOverheadFactor, 0.4 for non-JVM apps)',
      },
      {
        from: '4.0.0',
        value: null,
        formula: 'max(spark.executor.memoryOverheadFactor x spark.executor.memory, spark.executor.minMemoryOverhead)',
      },
    ],
    managers: ['yarn', 'kubernetes'],
    containerEffect: [
      { manager: 'yarn', from: '2.3.0' },
      { manager: 'kubernetes', from: '2.3.0' },
    ],
    sql: false,
    suggest: true,
    source: `${PKG}; ${CONF30}; ${CONF4}; ${DOCS} ("currently supported on YARN and Kubernetes"); ${YARNUTIL}; ${K8SEXEC}; ${K8SDRV}`,
    notes:
      'Standalone and local have no container: nothing enforces it, so never suggest it there. Mesos reads spark.mesos.executor.memoryOverhead instead. Container = memory + overhead + pyspark.memory (YARN/K8s 2.4+) + offHeap.size when offHeap.enabled (YARN 3.0+, K8s 3.1+).',
  },
  {
    key: 'spark.yarn.executor.memoryOverhead',
    since: '1.0.0',
    sinceBasis: 'docs',
    deprecatedBy: { key: 'spark.executor.memoryOverhead', since: '2.3.0' },
    unit: 'mib',
    bareNumber: 'Write a bare integer of MiB: accepted both by bytesConf(MiB) (2.2 config.scala) and by older integer readers.',
    defaults: [
      {
        from: '1.0.0',
        value: null,
        formula:
          '384 flat in the earliest docs seen; later max(0.07 x spark.executor.memory, 384) — the release of that change was not pinned',
      },
      { from: '1.4.0', value: null, formula: 'max(0.10 x spark.executor.memory, 384 MiB) (SPARK-6085, PR #5065, 2015-03)' },
    ],
    managers: ['yarn'],
    containerEffect: [{ manager: 'yarn', from: '1.0.0' }],
    sql: false,
    suggest: true,
    source: `${YARN22}; ${YARNDOCS}; ${YARNUTIL}; ${CONF30}; ${CONF4}`,
    notes:
      'Suggest only for apps older than 2.3.0. From 2.3 it is still read as an alternate of spark.executor.memoryOverhead (still in the 4.x SparkConf table) and logs a deprecation warning; suggest the new key. YARN kill messages up to 2.4 literally say "Consider boosting spark.yarn.executor.memoryOverhead".',
  },
  {
    key: 'spark.executor.memoryOverheadFactor',
    since: '3.3.0',
    sinceBasis: 'version()',
    unit: 'double',
    defaults: [
      {
        from: '3.3.0',
        value: '0.1',
        formula: 'K8s Python/R apps: effective 0.4 unless set (driver-propagated spark.kubernetes.memoryOverheadFactor)',
      },
    ],
    managers: ['yarn', 'kubernetes'],
    sql: false,
    suggest: true,
    source: `${PKG} (checkValue > 0); ${DOCS}; YarnAllocator (4.x, index id 63802671); ${K8SDRV}`,
    notes:
      'Ignored when spark.executor.memoryOverhead is set. Raising it grows overhead with the heap, so a bigger heap does not leave the same room outside it.',
  },
  {
    key: 'spark.executor.minMemoryOverhead',
    since: '4.0.0',
    sinceBasis: 'version()',
    unit: 'mib',
    defaults: [{ from: '4.0.0', value: '384m' }],
    managers: ['yarn', 'kubernetes'],
    sql: false,
    suggest: true,
    source: `${PKG}; SPARK-47208 PR #45240; ${DOCS} (row mislabelled spark.driver.minMemoryOverhead)`,
    notes: 'Ignored when spark.executor.memoryOverhead is set. Before 4.0 the 384 MiB floor is a constant.',
  },
  {
    key: 'spark.driver.memory',
    since: '1.1.1',
    sinceBasis: 'version()',
    unit: 'mib',
    defaults: [{ from: '1.1.1', value: '1g' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: true,
    source: `${PKG}; ${DOCS}`,
    notes:
      'Client mode: must be given as --driver-memory or in spark-defaults.conf, not in SparkConf inside the app (the JVM has already started) — the plan must say so. Local mode: this is the heap for driver and executor alike. YARN client mode: the driver is not in a YARN container (the AM is; see spark.yarn.am.memory). Xmx in extraJavaOptions is rejected.',
  },
  {
    key: 'spark.driver.memoryOverhead',
    since: '2.3.0',
    sinceBasis: 'version()',
    alternates: ['spark.yarn.driver.memoryOverhead'],
    unit: 'mib',
    defaults: [
      {
        from: '2.3.0',
        value: null,
        formula: 'max(0.10 x spark.driver.memory, 384 MiB); K8s 2.4-3.2 uses spark.kubernetes.memoryOverheadFactor (0.4 non-JVM)',
      },
      {
        from: '3.3.0',
        value: null,
        formula: 'max(spark.driver.memoryOverheadFactor x spark.driver.memory, 384 MiB); K8s non-JVM default factor 0.4',
      },
      {
        from: '4.0.0',
        value: null,
        formula: 'max(spark.driver.memoryOverheadFactor x spark.driver.memory, spark.driver.minMemoryOverhead)',
      },
    ],
    managers: ['yarn', 'kubernetes'],
    deployModes: ['cluster'],
    containerEffect: [
      { manager: 'yarn', from: '2.3.0' },
      { manager: 'kubernetes', from: '2.3.0' },
    ],
    sql: false,
    suggest: true,
    source: `${PKG} (doc "per driver in cluster mode"); ${CONF30}; ${CONF4}; ${DOCS}; ${K8SDRV}`,
    notes: 'YARN client mode: the AM container is sized by spark.yarn.am.memory(+Overhead), and the driver JVM is outside YARN.',
  },
  {
    key: 'spark.yarn.driver.memoryOverhead',
    since: '1.0.0',
    sinceBasis: 'docs',
    deprecatedBy: { key: 'spark.driver.memoryOverhead', since: '2.3.0' },
    unit: 'mib',
    bareNumber: 'Write a bare integer of MiB (see spark.yarn.executor.memoryOverhead).',
    defaults: [
      { from: '1.0.0', value: null, formula: '384 flat in the earliest docs seen' },
      { from: '1.4.0', value: null, formula: 'max(0.10 x spark.driver.memory, 384 MiB)' },
    ],
    managers: ['yarn'],
    deployModes: ['cluster'],
    containerEffect: [{ manager: 'yarn', from: '1.0.0' }],
    sql: false,
    suggest: true,
    source: `${YARN22}; ${YARNDOCS}; ${YARNCLIENTARGS}; ${CONF30}; ${CONF4}`,
    notes:
      'Suggest only for apps older than 2.3.0; read as an alternate afterwards. In client mode Spark itself prints that it "does not apply".',
  },
  {
    key: 'spark.driver.memoryOverheadFactor',
    since: '3.3.0',
    sinceBasis: 'version()',
    unit: 'double',
    defaults: [{ from: '3.3.0', value: '0.1', formula: 'K8s Python/R apps: 0.4 unless set' }],
    managers: ['yarn', 'kubernetes'],
    deployModes: ['cluster'],
    sql: false,
    suggest: true,
    source: `${PKG}; ${DOCS}; ${K8SDRV}`,
    notes: 'Ignored when spark.driver.memoryOverhead is set.',
  },
  {
    key: 'spark.driver.minMemoryOverhead',
    since: '4.0.0',
    sinceBasis: 'version()',
    unit: 'mib',
    defaults: [{ from: '4.0.0', value: '384m' }],
    managers: ['yarn', 'kubernetes'],
    deployModes: ['cluster'],
    sql: false,
    suggest: true,
    source: `${PKG}; ${DOCS}`,
  },
  {
    key: 'spark.yarn.am.memory',
    since: '1.3.0',
    sinceBasis: 'version()',
    unit: 'mib',
    defaults: [{ from: '1.3.0', value: '512m' }],
    managers: ['yarn'],
    deployModes: ['client'],
    containerEffect: [{ manager: 'yarn', from: '1.3.0' }],
    sql: false,
    suggest: true,
    source: `${YARNCFG} (grouped under "Client-mode AM configuration"); ${YARNCLIENTARGS}`,
    notes:
      'Cluster mode: the AM hosts the driver and is sized by spark.driver.memory; Spark prints that spark.yarn.am.memory "does not apply in cluster mode". Xmx in spark.yarn.am.extraJavaOptions is rejected.',
  },
  {
    key: 'spark.yarn.am.memoryOverhead',
    since: '1.3.0',
    sinceBasis: 'version()',
    unit: 'mib',
    defaults: [{ from: '1.3.0', value: null, formula: 'max(0.10 x spark.yarn.am.memory, 384 MiB)' }],
    managers: ['yarn'],
    deployModes: ['client'],
    containerEffect: [{ manager: 'yarn', from: '1.3.0' }],
    sql: false,
    suggest: true,
    source: `${YARNCFG}; ${YARNCLIENTARGS}`,
  },
  {
    key: 'spark.yarn.am.cores',
    since: '1.3.0',
    sinceBasis: 'version()',
    unit: 'int',
    defaults: [{ from: '1.3.0', value: '1' }],
    managers: ['yarn'],
    deployModes: ['client'],
    sql: false,
    suggest: false,
    source: YARNCFG,
    notes: 'Listed so the product can recognise it; never a memory fix.',
  },
  {
    key: 'spark.kubernetes.memoryOverheadFactor',
    since: '2.4.0',
    sinceBasis: 'version()',
    deprecatedBy: { key: 'spark.executor.memoryOverheadFactor', since: '3.3.0' },
    unit: 'double',
    defaults: [{ from: '2.4.0', value: '0.1', formula: 'Python/R (non-JVM) apps: 0.4 unless set' }],
    managers: ['kubernetes'],
    sql: false,
    suggest: true,
    source: `${K8SCFG} (checkValue 0 <= x < 1); ${K8SDRV} ("derived from the deprecated spark.kubernetes.memoryOverheadFactor ... propagated to executors")`,
    notes:
      'Suggest only for 2.4-3.2. From 3.3 spark.driver/executor.memoryOverheadFactor take precedence when set; the old key is still read as the fallback, with no SparkConf deprecation warning. K8s 2.3 had no such key.',
  },
  {
    key: 'spark.mesos.executor.memoryOverhead',
    since: '1.1.1',
    sinceBasis: 'docs',
    removed: '4.0.0',
    unit: 'int',
    bareNumber: 'intConf holding MiB: "2048" works, "2g" or "2048m" fails to parse.',
    defaults: [{ from: '1.1.1', value: null, formula: 'max(0.10 x spark.executor.memory, 384)' }],
    managers: ['mesos'],
    containerEffect: [{ manager: 'mesos', from: '1.1.1' }],
    sql: false,
    suggest: true,
    source: `${MESOS}; ${MESOSDOCS}; docs/core-migration-guide.md@01ba3625d46a (Mesos deprecated 3.2, removed 4.0)`,
  },
  {
    key: 'spark.mesos.driver.memoryOverhead',
    since: '3.2.0',
    sinceBasis: 'pr',
    removed: '4.0.0',
    unit: 'mib',
    bareNumber: 'Docs say "specified in MB"; the parser type was not read — write a bare integer.',
    defaults: [{ from: '3.2.0', value: null, formula: 'max(0.10 x spark.driver.memory, 384)' }],
    managers: ['mesos'],
    deployModes: ['cluster'],
    sql: false,
    suggest: true,
    source: `${MESOSDOCS}; SPARK-22256 PR #30739 (2020-12, after branch-3.1 was cut)`,
    notes: 'Release inferred from the PR date; the .version() annotation was not found in the index.',
  },
  {
    key: 'spark.executor.pyspark.memory',
    since: '2.4.0',
    sinceBasis: 'version()',
    unit: 'mib',
    defaults: [{ from: '2.4.0', value: null, formula: 'unset: Python memory is not limited and must fit in the overhead' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'mesos', 'local'],
    containerEffect: [
      { manager: 'yarn', from: '2.4.0' },
      { manager: 'kubernetes', from: '2.4.0' },
    ],
    requires: 'a PySpark application (Python workers)',
    sql: false,
    suggest: true,
    source: `${PY}; ${DOCS} ("When PySpark is run in YARN or Kubernetes, this memory is added to executor resource requests"); ${K8SEXEC}`,
    notes:
      'On every manager it caps each Python worker with resource.setrlimit(RLIMIT_AS) (no effect on Windows, not enforced on macOS); only on YARN/K8s does it also enlarge the container. Not a fix for container kills on standalone.',
  },
  {
    key: 'spark.executor.cores',
    since: '1.0.0',
    sinceBasis: 'version()',
    unit: 'int',
    defaults: [
      {
        from: '1.0.0',
        value: '1',
        formula: 'YARN/K8s: 1. Standalone and Mesos coarse-grained: all available cores of the worker when unset',
      },
    ],
    managers: ['yarn', 'kubernetes', 'standalone', 'mesos'],
    sql: false,
    suggest: true,
    source: `${PKG}; ${DOCS}`,
    notes: 'Local mode: ignored (local[N] decides). Fewer cores per executor = fewer concurrent tasks sharing the heap and overhead.',
  },
  {
    key: 'spark.driver.cores',
    since: '1.3.0',
    sinceBasis: 'version()',
    unit: 'int',
    defaults: [{ from: '1.3.0', value: '1' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'mesos'],
    deployModes: ['cluster'],
    sql: false,
    suggest: false,
    source: `${PKG} (doc "only in cluster mode"); ${DOCS}`,
  },
  {
    key: 'spark.task.cpus',
    since: '0.5.0',
    sinceBasis: 'version()',
    unit: 'int',
    defaults: [{ from: '0.5.0', value: '1' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: true,
    source: PKG,
    notes:
      'Concurrent tasks per executor = floor(spark.executor.cores / spark.task.cpus): raising it gives each task more of the executor memory without changing the container.',
  },
  {
    key: 'spark.executor.instances',
    since: '1.0.0',
    sinceBasis: 'version()',
    unit: 'int',
    defaults: [{ from: '1.0.0', value: null, formula: '2 on YARN and K8s when dynamic allocation is off' }],
    managers: ['yarn', 'kubernetes'],
    sql: false,
    suggest: true,
    source: `${PKG}; ${YARNUTIL}; ${SBU}; docs/running-on-yarn.md (index id 122851105)`,
    notes: 'Standalone/Mesos size the app by spark.cores.max instead. With dynamic allocation on, it is the initial/minimum count.',
  },
  {
    key: 'spark.cores.max',
    since: '0.6.0',
    sinceBasis: 'version()',
    unit: 'int',
    defaults: [{ from: '0.6.0', value: null, formula: 'unset: spark.deploy.defaultCores of the standalone master' }],
    managers: ['standalone', 'mesos'],
    sql: false,
    suggest: true,
    source: PKG,
    notes: 'Needed to compute cluster-wide memory on standalone (executors = cores.max / executor.cores when executor.cores is set).',
  },
  {
    key: 'spark.dynamicAllocation.enabled',
    since: '1.2.0',
    sinceBasis: 'version()',
    unit: 'bool',
    defaults: [{ from: '1.2.0', value: 'false' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'mesos'],
    sql: false,
    suggest: false,
    source: PKG,
    notes:
      'K8s needs spark.dynamicAllocation.shuffleTracking.enabled (3.0.0) instead of an external shuffle service. Read to know whether the executor count is fixed; not a memory fix.',
  },
  {
    key: 'spark.dynamicAllocation.maxExecutors',
    since: '1.2.0',
    sinceBasis: 'version()',
    unit: 'int',
    defaults: [{ from: '1.2.0', value: '2147483647' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'mesos'],
    requires: 'spark.dynamicAllocation.enabled=true',
    sql: false,
    suggest: true,
    source: PKG,
  },

  // ------------------------------------------------------------------ unified / legacy memory manager
  {
    key: 'spark.memory.fraction',
    since: '1.6.0',
    sinceBasis: 'version()',
    unit: 'double',
    defaults: [
      { from: '1.6.0', value: '0.75' },
      { from: '2.0.0', value: '0.6' },
    ],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: true,
    source: `${PKG}; ${UMM} ((heap - 300 MiB) x fraction); ${UMM16}; SPARK-10983 PR #9084; SPARK-15796 PR #13618 (0.6, 2016-06)`,
    notes: 'Not read in 1.6-2.4 when spark.memory.useLegacyMode=true.',
  },
  {
    key: 'spark.memory.storageFraction',
    since: '1.6.0',
    sinceBasis: 'version()',
    unit: 'double',
    defaults: [{ from: '1.6.0', value: '0.5' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: true,
    source: `${PKG} (checkValue 0 <= x < 1); SPARK-10983 PR #9084`,
  },
  {
    key: 'spark.memory.offHeap.enabled',
    since: '1.6.0',
    sinceBasis: 'version()',
    alternates: ['spark.unsafe.offHeap'],
    unit: 'bool',
    defaults: [{ from: '1.6.0', value: 'false' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: true,
    source: `${PKG} (withAlternative spark.unsafe.offHeap); ${CONF30}`,
  },
  {
    key: 'spark.memory.offHeap.size',
    since: '1.6.0',
    sinceBasis: 'version()',
    unit: 'bytes',
    bareNumber: 'A bare number is BYTES ("2048" = 2 KiB): always write a suffix.',
    defaults: [{ from: '1.6.0', value: '0' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    containerEffect: [
      { manager: 'yarn', from: '3.0.0' },
      { manager: 'kubernetes', from: '3.1.0' },
    ],
    requires: 'spark.memory.offHeap.enabled=true',
    sql: false,
    suggest: true,
    source: `${PKG}; SPARK-28577 PR #25309 (YARN adds it to the executor request, 2019-07); SPARK-32661 PR #29477 (K8s, 2020-08); ${DOCS}`,
    notes: 'Before YARN 3.0 / K8s 3.1 the off-heap pool was not added to the container: it had to fit inside memoryOverhead.',
  },
  {
    key: 'spark.memory.useLegacyMode',
    since: '1.6.0',
    sinceBasis: 'pr',
    removed: '3.0.0',
    unit: 'bool',
    defaults: [{ from: '1.6.0', value: 'false' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: false,
    source: `${SPARKENV}; SPARK-10983 PR #9084; SPARK-26539 PR #23457 (removed, 2019-01); ${DOCS2}`,
    notes: 'Read it to know which memory model an app used; never suggest turning it on.',
  },
  {
    key: 'spark.storage.memoryFraction',
    since: '1.0.0',
    sinceBasis: 'docs',
    removed: '3.0.0',
    unit: 'double',
    defaults: [{ from: '1.0.0', value: '0.6' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'app version < 1.6.0, or spark.memory.useLegacyMode=true (1.6-2.4)',
    sql: false,
    suggest: true,
    source: `${SMM} (x storage.safetyFraction 0.9); ${DOCS2}; PR #66 (2014-03, 0.66 -> 0.6); ${CONF2} (warns it is only read in legacy mode)`,
    notes: 'The cache fraction for the 1.4/1.5 logs in the corpus; silently ignored in 1.6-2.4 unless legacy mode, and in 3.0+.',
  },
  {
    key: 'spark.shuffle.memoryFraction',
    since: '1.0.0',
    sinceBasis: 'docs',
    removed: '3.0.0',
    unit: 'double',
    defaults: [
      { from: '1.0.0', value: '0.3' },
      { from: '1.1.0', value: '0.2' },
    ],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'app version < 1.6.0, or spark.memory.useLegacyMode=true (1.6-2.4)',
    sql: false,
    suggest: true,
    source: `${SMM} (x shuffle.safetyFraction 0.8); ${DOCS2}; SPARK-2680 PR #1593 (0.3 -> 0.2)`,
    notes: 'The 1.1.0 boundary is inferred from the PR; the corpus starts at 1.4 where 0.2 holds.',
  },
  {
    key: 'spark.storage.unrollFraction',
    since: '1.6.0',
    sinceBasis: 'source',
    removed: '3.0.0',
    unit: 'double',
    defaults: [{ from: '1.6.0', value: '0.2' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'spark.memory.useLegacyMode=true (1.6-2.4)',
    sql: false,
    suggest: false,
    source: `${SMM}; ${DOCS2}`,
    notes: 'Seen in 1.6-2.4 sources; whether it existed before 1.6 was not checked.',
  },
  {
    key: 'spark.testing.reservedMemory',
    since: '1.6.0',
    sinceBasis: 'source',
    unit: 'bytes',
    bareNumber: 'longConf: bare bytes only, no suffix.',
    defaults: [{ from: '1.6.0', value: null, formula: '300 MiB (314572800); 0 when spark.testing is set' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    internal: true,
    sql: false,
    suggest: false,
    source: `${TESTS} (no .version); ${UMM}; ${UMM16}`,
    notes: 'Test-only. Read it only to model the reserved 300 MiB; never suggest it.',
  },
  {
    key: 'spark.driver.maxResultSize',
    since: '1.2.0',
    sinceBasis: 'version()',
    unit: 'bytes',
    bareNumber:
      'Bytes. In older releases (2.x Utils.getMaxResultSize copies) the value went through Utils.memoryStringToMb, so a bare number under 1048576 became 0 = unlimited: always write a suffix.',
    defaults: [{ from: '1.2.0', value: '1g' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: true,
    source: `${PKG}; ${DOCS} ("0 for unlimited"); Utils.getMaxResultSize (index id 9736033)`,
    notes: 'Raising it without raising spark.driver.memory moves the failure from an abort to a driver OOM; the plan should size both.',
  },

  // ------------------------------------------------------------------ serialization / network / RPC
  {
    key: 'spark.kryoserializer.buffer',
    since: '1.4.0',
    sinceBasis: 'version()',
    alternates: ['spark.kryoserializer.buffer.mb'],
    unit: 'kib',
    defaults: [{ from: '1.4.0', value: '64k' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'spark.serializer=org.apache.spark.serializer.KryoSerializer',
    sql: false,
    suggest: false,
    source: `${KRYO}; ${CONF30} (buffer.mb deprecated 1.4, translated x1000 -> k)`,
  },
  {
    key: 'spark.kryoserializer.buffer.max',
    since: '1.4.0',
    sinceBasis: 'version()',
    alternates: ['spark.kryoserializer.buffer.max.mb'],
    unit: 'mib',
    defaults: [{ from: '1.4.0', value: '64m' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires:
      'spark.serializer=org.apache.spark.serializer.KryoSerializer (the "Buffer overflow ... increase spark.kryoserializer.buffer.max" failure)',
    sql: false,
    suggest: true,
    source: `${KRYO}; ${CONF30}`,
    notes: 'Upper bound (below 2 GiB) enforced by KryoSerializer was not re-read in this pass.',
  },
  {
    key: 'spark.shuffle.io.preferDirectBufs',
    since: '1.2.0',
    sinceBasis: 'docs',
    unit: 'bool',
    defaults: [{ from: '1.2.0', value: 'true' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: true,
    source: `${TRANSPORT} ("spark." + module + ".io.preferDirectBufs", default true); ${DOCS}`,
    notes:
      'Not a ConfigEntry: TransportConf builds spark.<module>.io.preferDirectBufs (shuffle, rpc, ...). false moves Netty buffers onto the heap (relieves "Direct buffer memory" / overhead, costs heap and GC).',
  },
  {
    key: 'spark.network.io.preferDirectBufs',
    since: '3.0.0',
    sinceBasis: 'docs',
    unit: 'bool',
    defaults: [{ from: '3.0.0', value: 'true' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: true,
    source: DOCS,
    notes: 'Applies to the shared Netty allocators (3.0+); set together with spark.shuffle.io.preferDirectBufs.',
  },
  {
    key: 'spark.rpc.message.maxSize',
    since: '2.0.0',
    sinceBasis: 'version()',
    alternates: ['spark.akka.frameSize'],
    unit: 'int',
    bareNumber: 'intConf holding MiB: "512" works, "512m" fails to parse.',
    defaults: [{ from: '2.0.0', value: '128' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: true,
    source: `${NET}; ${CONF30} (alternate spark.akka.frameSize, deprecated 1.6); ${CONF4} (alternate no longer listed)`,
  },
  {
    key: 'spark.akka.frameSize',
    since: '1.0.0',
    sinceBasis: 'unverified',
    removed: '2.0.0',
    deprecatedBy: { key: 'spark.rpc.message.maxSize', since: '1.6.0' },
    unit: 'int',
    bareNumber: 'Integer MiB.',
    defaults: [],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: true,
    source: `${CONF30} (AlternateConfig "spark.akka.frameSize", "1.6"; SparkConf warns spark.akka.* is unsupported since Akka is gone in 2.0)`,
    notes:
      'Suggest only for apps older than 2.0 (the "Consider increasing spark.akka.frameSize" failure); from 2.0 it is read as an alternate of spark.rpc.message.maxSize up to 3.x. Its 1.x default was not verified.',
  },
  {
    key: 'spark.executor.heartbeatInterval',
    since: '1.1.0',
    sinceBasis: 'version()',
    unit: 'ms',
    defaults: [{ from: '1.1.0', value: '10s' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: true,
    source: `${PKG}; ${CONF4} (require spark.network.timeout > heartbeatInterval)`,
    notes: 'Must stay below spark.network.timeout or SparkConf refuses to start.',
  },
  {
    key: 'spark.network.timeout',
    since: '1.3.0',
    sinceBasis: 'version()',
    unit: 'seconds',
    defaults: [{ from: '1.3.0', value: '120s' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: true,
    source: NET,
    notes: 'Long GC pauses show up as heartbeat timeouts; raising this hides, not fixes, heap pressure.',
  },
  {
    key: 'spark.reducer.maxSizeInFlight',
    since: '1.4.0',
    sinceBasis: 'version()',
    alternates: ['spark.reducer.maxMbInFlight'],
    unit: 'mib',
    defaults: [{ from: '1.4.0', value: '48m' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: true,
    source: `${PKG}; ${CONF30}`,
    notes: 'Per reduce task fetch buffer ("a fixed memory overhead per reduce task").',
  },
  {
    key: 'spark.network.maxRemoteBlockSizeFetchToMem',
    since: '3.0.0',
    sinceBasis: 'version()',
    alternates: ['spark.maxRemoteBlockSizeFetchToMem', 'spark.reducer.maxReqSizeShuffleToMem'],
    unit: 'bytes',
    defaults: [{ from: '3.0.0', value: '200m' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: true,
    source: `${PKG}; ${CONF4} (alternates deprecated 2.3 and 3.0)`,
    notes: 'Blocks above it are fetched to disk instead of memory.',
  },
  {
    key: 'spark.shuffle.spill.numElementsForceSpillThreshold',
    since: '1.6.0',
    sinceBasis: 'version()',
    unit: 'int',
    defaults: [{ from: '1.6.0', value: '2147483647' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    internal: true,
    sql: false,
    suggest: true,
    source: PKG,
  },
  {
    key: 'spark.default.parallelism',
    since: '0.5.0',
    sinceBasis: 'docs',
    unit: 'int',
    defaults: [
      { from: '0.5.0', value: null, formula: 'local: number of cores; Mesos fine-grained: 8; otherwise max(total executor cores, 2)' },
    ],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: true,
    source: `${DOCS}; ${CGSB}`,
    notes: 'Not a ConfigEntry. Applies to RDD shuffles; DataFrame/SQL shuffles use spark.sql.shuffle.partitions.',
  },
  {
    key: 'spark.executor.extraJavaOptions',
    since: '1.0.0',
    sinceBasis: 'version()',
    unit: 'string',
    defaults: [{ from: '1.0.0', value: null }],
    managers: ['yarn', 'kubernetes', 'standalone', 'mesos'],
    sql: false,
    suggest: true,
    source: `${PKG}; ${CONF2} (-Xmx rejected: "Use spark.executor.memory instead"; -Dspark rejected)`,
    notes: "A plan may add GC/heap-dump flags here but never -Xmx. Appending must keep the user's existing options.",
  },
  {
    key: 'spark.driver.extraJavaOptions',
    since: '1.0.0',
    sinceBasis: 'version()',
    unit: 'string',
    defaults: [{ from: '1.0.0', value: null }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: true,
    source: `${PKG}; launcher checkJavaOptions ("Not allowed to specify max heap(Xmx) memory settings through java options", index id 6536496856)`,
    notes:
      'Client mode: like spark.driver.memory it must be given at launch (--driver-java-options / spark-defaults.conf); this was read for driver.memory only.',
  },

  // ------------------------------------------------------------------ Python
  {
    key: 'spark.python.worker.faulthandler.enabled',
    since: '3.2.0',
    sinceBasis: 'version()',
    unit: 'bool',
    defaults: [{ from: '3.2.0', value: 'false' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'a PySpark application',
    sql: false,
    suggest: true,
    source: PY,
    notes: 'Diagnostic only: prints the Python stack when a worker crashes.',
  },
  {
    key: 'spark.sql.execution.pyspark.udf.faulthandler.enabled',
    since: '4.0.0',
    sinceBasis: 'version()',
    alternates: ['spark.python.worker.faulthandler.enabled'],
    unit: 'bool',
    defaults: [{ from: '4.0.0', value: null, formula: 'falls back to spark.python.worker.faulthandler.enabled (false)' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'Python UDFs in DataFrame/SQL code',
    sql: true,
    suggest: true,
    source: `${SQL4} (fallbackConf Python.PYTHON_WORKER_FAULTHANLDER_ENABLED)`,
  },
  {
    key: 'spark.python.worker.reuse',
    since: '1.2.0',
    sinceBasis: 'version()',
    unit: 'bool',
    defaults: [{ from: '1.2.0', value: 'true' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'a PySpark application',
    sql: false,
    suggest: true,
    source: PY,
  },
  {
    key: 'spark.sql.execution.arrow.maxRecordsPerBatch',
    since: '2.3.0',
    sinceBasis: 'version()',
    unit: 'int',
    defaults: [{ from: '2.3.0', value: '10000' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'Arrow-based Python execution (pandas UDFs, mapInPandas, toPandas with Arrow)',
    sql: true,
    suggest: true,
    source: `${SQL4}; ${SQL23} (internal in 2.3-era); ${SQL24}`,
    notes: 'Not effective for groupby().applyInPandas / cogroup: each group is one batch (4.x doc).',
  },
  {
    key: 'spark.sql.execution.arrow.pyspark.enabled',
    since: '3.0.0',
    sinceBasis: 'version()',
    alternates: ['spark.sql.execution.arrow.enabled'],
    unit: 'bool',
    defaults: [{ from: '3.0.0', value: null, formula: 'falls back to spark.sql.execution.arrow.enabled (false)' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'toPandas / createDataFrame(pandas) in a PySpark app',
    sql: true,
    suggest: true,
    source: SQL4,
  },
  {
    key: 'spark.sql.execution.arrow.enabled',
    since: '2.3.0',
    sinceBasis: 'version()',
    deprecatedBy: { key: 'spark.sql.execution.arrow.pyspark.enabled', since: '3.0.0' },
    unit: 'bool',
    defaults: [{ from: '2.3.0', value: 'false' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'toPandas / createDataFrame(pandas) in a PySpark app',
    sql: true,
    suggest: true,
    source: `${SQL4} ("Deprecated since Spark 3.0"); ${SQL23}`,
    notes: 'Suggest only for 2.3-2.4 apps.',
  },
  {
    key: 'spark.sql.execution.arrow.pyspark.selfDestruct.enabled',
    since: '3.2.0',
    sinceBasis: 'version()',
    unit: 'bool',
    defaults: [{ from: '3.2.0', value: 'false' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'toPandas with Arrow enabled (driver-side memory)',
    sql: true,
    suggest: true,
    source: SQL4,
  },

  // ------------------------------------------------------------------ SQL
  {
    key: 'spark.sql.shuffle.partitions',
    since: '1.1.0',
    sinceBasis: 'version()',
    unit: 'int',
    defaults: [{ from: '1.1.0', value: '200' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: true,
    suggest: true,
    source: `${SQL4}; ${SQL22}`,
    notes: 'With AQE coalescing on (3.2+ default) a higher value mostly costs scheduling, since small partitions are merged.',
  },
  {
    key: 'spark.sql.adaptive.enabled',
    since: '1.6.0',
    sinceBasis: 'version()',
    unit: 'bool',
    defaults: [
      { from: '1.6.0', value: 'false' },
      { from: '3.2.0', value: 'true' },
    ],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: true,
    suggest: true,
    source: `${SQL4}; ${SQL22}; ${SQL24}; SPARK-33679 PR #30628 (default true for 3.2.0)`,
    notes:
      '1.6-2.4: only the old ExchangeCoordinator (post-shuffle partition coalescing, undocumented in 1.6). Skew-join splitting and the AQE rules exist from 3.0. Suggest enabling only for 3.0/3.1 apps or where it was explicitly set false.',
  },
  {
    key: 'spark.sql.adaptive.skewJoin.enabled',
    since: '3.0.0',
    sinceBasis: 'version()',
    unit: 'bool',
    defaults: [{ from: '3.0.0', value: 'true' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'spark.sql.adaptive.enabled=true (default only from 3.2.0)',
    sql: true,
    suggest: true,
    source: `${SQL4}; ${SQL3}; docs/sql-performance-tuning.md 3.x (index id 432303365: default true, since 3.0.0)`,
    notes:
      'Already on by default: suggest only if the app set it false. On 3.0/3.1 the fix is spark.sql.adaptive.enabled=true. Covers sort-merge joins (3.0) and shuffled hash joins (later docs).',
  },
  {
    key: 'spark.sql.adaptive.coalescePartitions.enabled',
    since: '3.0.0',
    sinceBasis: 'version()',
    unit: 'bool',
    defaults: [{ from: '3.0.0', value: 'true' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'spark.sql.adaptive.enabled=true',
    sql: true,
    suggest: true,
    source: SQL4,
  },
  {
    key: 'spark.sql.adaptive.advisoryPartitionSizeInBytes',
    since: '3.0.0',
    sinceBasis: 'version()',
    alternates: ['spark.sql.adaptive.shuffle.targetPostShuffleInputSize'],
    unit: 'bytes',
    defaults: [
      { from: '3.0.0', value: null, formula: 'falls back to spark.sql.adaptive.shuffle.targetPostShuffleInputSize (64MB = 67108864)' },
    ],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'spark.sql.adaptive.enabled=true',
    sql: true,
    suggest: true,
    source: SQL4,
  },
  {
    key: 'spark.sql.adaptive.shuffle.targetPostShuffleInputSize',
    since: '1.6.0',
    sinceBasis: 'version()',
    deprecatedBy: { key: 'spark.sql.adaptive.advisoryPartitionSizeInBytes', since: '3.0.0' },
    unit: 'bytes',
    defaults: [{ from: '1.6.0', value: '67108864' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'spark.sql.adaptive.enabled=true',
    internal: true,
    sql: true,
    suggest: true,
    source: `${SQL4} (internal, "Deprecated since Spark 3.0"); ${SQL22}`,
    notes: 'Suggest only for 1.6-2.4 apps that use the old adaptive coordinator.',
  },
  {
    key: 'spark.sql.autoBroadcastJoinThreshold',
    since: '1.1.0',
    sinceBasis: 'version()',
    unit: 'bytes',
    bareNumber: 'Write plain bytes (e.g. 10485760) or -1: accepted across the conf-type changes.',
    defaults: [{ from: '1.1.0', value: '10485760' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: true,
    suggest: true,
    source: SQL4,
    notes: '-1 disables broadcast joins (the fix for "Not enough memory to build and broadcast the table").',
  },
  {
    key: 'spark.sql.adaptive.autoBroadcastJoinThreshold',
    since: '3.2.0',
    sinceBasis: 'version()',
    unit: 'bytes',
    defaults: [{ from: '3.2.0', value: null, formula: 'unset: same as spark.sql.autoBroadcastJoinThreshold' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'spark.sql.adaptive.enabled=true',
    sql: true,
    suggest: true,
    source: SQL4,
    notes: 'Under AQE, runtime broadcast decisions use this; disabling only the static threshold leaves AQE free to broadcast.',
  },
  {
    key: 'spark.sql.broadcastTimeout',
    since: '1.3.0',
    sinceBasis: 'version()',
    unit: 'seconds',
    defaults: [{ from: '1.3.0', value: '300' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: true,
    suggest: true,
    source: `${SQL4}; ${SQL22} (intConf there, timeConf(SECONDS) later: a bare number is seconds in both)`,
  },
  {
    key: 'spark.sql.files.maxPartitionBytes',
    since: '2.0.0',
    sinceBasis: 'version()',
    unit: 'bytes',
    bareNumber: 'longConf up to the 2.3-era (no suffix accepted), bytesConf later: write plain bytes.',
    defaults: [{ from: '2.0.0', value: '134217728' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'file-based sources (Parquet, ORC, JSON, CSV)',
    sql: true,
    suggest: true,
    source: `${SQL4}; ${SQL24} (bytesConf); ${SQL23} and ${SQL22} (longConf)`,
  },
  {
    key: 'spark.sql.windowExec.buffer.spill.threshold',
    since: '2.2.0',
    sinceBasis: 'version()',
    unit: 'int',
    defaults: [
      { from: '2.2.0', value: '4096' },
      { from: '2.2.1', value: '2147483647' },
    ],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    internal: true,
    sql: true,
    suggest: true,
    source: `${SQL22} (4096, "number of rows buffered"); ${SQL23} (default = shuffle force-spill threshold); ${SQL4}`,
    notes: 'Meaning changed in 2.2.1 when spark.sql.windowExec.buffer.in.memory.threshold (4096) was split out.',
  },
  {
    key: 'spark.sql.windowExec.buffer.in.memory.threshold',
    since: '2.2.1',
    sinceBasis: 'version()',
    unit: 'int',
    defaults: [{ from: '2.2.1', value: '4096' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    internal: true,
    sql: true,
    suggest: true,
    source: `${SQL4}; ${SQL23}`,
  },
  {
    key: 'spark.sql.sortMergeJoinExec.buffer.spill.threshold',
    since: '2.2.0',
    sinceBasis: 'version()',
    unit: 'int',
    defaults: [{ from: '2.2.0', value: '2147483647' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    internal: true,
    sql: true,
    suggest: true,
    source: `${SQL22}; ${SQL23}; ${SQL4}`,
  },
  {
    key: 'spark.sql.sortMergeJoinExec.buffer.in.memory.threshold',
    since: '2.2.1',
    sinceBasis: 'version()',
    unit: 'int',
    defaults: [
      { from: '2.2.1', value: '2147483647' },
      { from: '2.4.0', value: '2147483632' },
    ],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    internal: true,
    sql: true,
    suggest: true,
    source: `${SQL23} (Int.MaxValue); ${SQL24} and ${SQL4} (ByteArrayMethods.MAX_ROUNDED_ARRAY_LENGTH)`,
    notes: 'The 2.4.0 boundary is the 2.4-era copy read; the exact release of the change was not pinned.',
  },
  {
    key: 'spark.sql.execution.topKSortFallbackThreshold',
    since: '2.4.0',
    sinceBasis: 'version()',
    unit: 'int',
    defaults: [{ from: '2.4.0', value: '2147483632' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    internal: true,
    sql: true,
    suggest: true,
    source: `${SQL24}; .version("2.4.0") in a quoted copy (index id 1878294135)`,
    notes: 'ORDER BY ... LIMIT m with m below it is an in-memory top-K; lowering it forces a spilling global sort.',
  },
  {
    key: 'spark.sql.inMemoryColumnarStorage.batchSize',
    since: '1.1.1',
    sinceBasis: 'version()',
    unit: 'int',
    defaults: [{ from: '1.1.1', value: '10000' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    requires: 'DataFrame caching (cache/persist)',
    sql: true,
    suggest: true,
    source: `${SQL4} ("risk OOMs when caching data")`,
  },

  // ------------------------------------------------------------------ diagnostics the product may suggest
  {
    key: 'spark.executor.processTreeMetrics.enabled',
    since: '3.0.0',
    sinceBasis: 'version()',
    unit: 'bool',
    defaults: [{ from: '3.0.0', value: 'false' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'mesos'],
    sql: false,
    suggest: true,
    source: PKG,
    notes: 'Without it the ProcessTree*RSSMemory executor metrics are 0: suggest it when the log cannot show where overhead memory went.',
  },
  {
    key: 'spark.eventLog.logStageExecutorMetrics',
    since: '3.0.0',
    sinceBasis: 'version()',
    unit: 'bool',
    defaults: [{ from: '3.0.0', value: 'false' }],
    managers: ['yarn', 'kubernetes', 'standalone', 'local', 'mesos'],
    sql: false,
    suggest: true,
    source: PKG,
    notes: 'Writes per-stage executor memory peaks to the event log.',
  },
  // The RAPIDS Accelerator's own keys (NVIDIA/spark-rapids RapidsConf.scala), suggested only for its GPU OOM
  // (src/classifiers/gpu-oom.ts). RapidsConf carries no .version(): `since` is the first Spark the plugin ran
  // on (its first release, 0.1, was for Spark 3.0.0); the keys are in the oldest RapidsConf read. Their
  // defaults moved with the plugin's releases, not Spark's, so none is listed (see POLICY in policy.ts).
  ...(
    ['spark.rapids.sql.concurrentGpuTasks', 'spark.rapids.memory.gpu.allocFraction', 'spark.rapids.memory.gpu.maxAllocFraction'] as const
  ).map((key): KeyInfo => ({
    key,
    since: '3.0.0',
    sinceBasis: 'source',
    unit: key === 'spark.rapids.sql.concurrentGpuTasks' ? 'int' : 'double',
    defaults: [],
    managers: ['yarn', 'kubernetes', 'standalone', 'local'],
    requires: 'the RAPIDS Accelerator (spark.plugins=com.nvidia.spark.SQLPlugin)',
    sql: false,
    suggest: true,
    source: RAPIDS_CONF,
  })),
];

export const ADMIN_SETTINGS: readonly AdminSetting[] = [
  {
    key: 'yarn.nodemanager.pmem-check-enabled',
    file: 'yarn-site.xml',
    default: 'true',
    since: 'Hadoop 2.x',
    source:
      'apache/hadoop YarnConfiguration.java NM_PMEM_CHECK_ENABLED / DEFAULT_NM_PMEM_CHECK_ENABLED = true (index ids 38027894, 309989020)',
    notes:
      'The physical-memory kill ("... physical memory used"). Turning it off removes the guard for the whole cluster: advise only as an administrator decision, never as the fix.',
  },
  {
    key: 'yarn.nodemanager.vmem-check-enabled',
    file: 'yarn-site.xml',
    default: 'true',
    since: 'Hadoop 2.x',
    source:
      'apache/hadoop YarnConfiguration.java NM_VMEM_CHECK_ENABLED / DEFAULT_NM_VMEM_CHECK_ENABLED = true (index ids 38027894, 309989020)',
    notes: 'The virtual-memory kill. Spark 2.4+ messages suggest disabling it "because of YARN-4714". Never a --conf.',
  },
  {
    key: 'yarn.nodemanager.vmem-pmem-ratio',
    file: 'yarn-site.xml',
    default: '2.1',
    since: 'Hadoop 2.x',
    source: 'apache/hadoop YarnConfiguration.java DEFAULT_NM_VMEM_PMEM_RATIO = 2.1f (index ids 38027894, 309989020, 2548909948)',
    notes: 'Virtual limit = container size x ratio.',
  },
  {
    key: 'yarn.scheduler.minimum-allocation-mb',
    file: 'yarn-site.xml',
    default: '1024',
    since: 'Hadoop 2.x',
    source:
      'apache/hadoop YarnConfiguration DEFAULT_RM_SCHEDULER_MINIMUM_ALLOCATION_MB = 1024 (index id 309989020); DefaultResourceCalculator.normalize@034b312d9f19 = min(roundUp(max(request, minimum), step), maximum); SchedulerUtils.normalizeRequest passes minimumResource as the step (index ids 835115325, 383093038); CapacityScheduler/FIFO allocate() call it that way (index ids 274315098, 686294923, 77838359)',
    notes:
      'Capacity and FIFO schedulers round every container request up to a multiple of this value (and at least this value). FairScheduler rounds to yarn.scheduler.increment-allocation-mb instead. A YARN limit in a kill message above heap+overhead is usually this rounding.',
  },
  {
    key: 'yarn.scheduler.increment-allocation-mb',
    file: 'yarn-site.xml',
    default: '1024',
    since: 'Hadoop 2.x (FairScheduler only; deprecated in Hadoop 3 for yarn.resource-types.memory-mb.increment-allocation)',
    source:
      'apache/hadoop FairSchedulerConfiguration.java RM_SCHEDULER_INCREMENT_ALLOCATION_MB, default 1024, @Deprecated (index ids 438232675, 177857784); FairScheduler allocate() passes incrAllocation as the step (index id 37916567690)',
  },
  {
    key: 'yarn.scheduler.maximum-allocation-mb',
    file: 'yarn-site.xml',
    default: '8192',
    since: 'Hadoop 2.x',
    source:
      'apache/hadoop YarnConfiguration DEFAULT_RM_SCHEDULER_MAXIMUM_ALLOCATION_MB = 8192 (index id 309989020); normalize() clamps to it',
    notes: 'A plan whose container exceeds it cannot be granted: either the plan stays under it or it names this admin change.',
  },
  {
    key: 'yarn.nodemanager.resource.memory-mb',
    file: 'yarn-site.xml',
    default: '8192',
    since: 'Hadoop 2.x',
    source: 'apache/hadoop YarnConfiguration DEFAULT_NM_PMEM_MB = 8 * 1024 (index id 309989020)',
    notes: 'Memory a NodeManager offers to containers: bounds containers per node.',
  },
  {
    key: 'SPARK_WORKER_MEMORY',
    file: 'conf/spark-env.sh (standalone workers)',
    default: 'total machine memory minus 1 GiB',
    since: 'Spark standalone 1.x+',
    source: 'docs/spark-standalone.md (index ids 168285219, 1294431640)',
    notes: 'Total memory a standalone worker hands to executors; spark.executor.memory of each app must fit in it.',
  },
  {
    key: 'kubelet --eviction-hard (KubeletConfiguration evictionHard)',
    file: 'kubelet flags / KubeletConfiguration file',
    default: 'memory.available<100Mi, nodefs.available<10%, nodefs.inodesFree<5%, imagefs.available<15% (Linux)',
    since: 'Kubernetes kubelet v1beta1 config',
    source:
      'kubernetes pkg/kubelet/apis/config/v1beta1/defaults_linux.go DefaultEvictionHard (index ids 56376181236, 67570729775); Windows default memory.available 500Mi (index id 766399766)',
    notes:
      'An eviction is node memory pressure, not the pod hitting its own limit: the fix is node sizing/reservations or pod requests, not memoryOverhead.',
  },
  {
    key: 'kubelet --system-reserved / --kube-reserved',
    file: 'kubelet flags / KubeletConfiguration file',
    default: 'none (nothing reserved unless set)',
    since: 'Kubernetes kubelet',
    source:
      'kubelet DefaultNodeAllocatableEnforcement = ["pods"] seen beside DefaultEvictionHard (index id 56376181236); the empty default is not shown in what was read',
    notes: 'Reserving memory for system daemons lowers node allocatable so pods are not scheduled into memory the OS needs.',
  },
  {
    key: 'pod template memory requests/limits (spark.kubernetes.driver/executor.podTemplateFile)',
    file: 'pod template YAML',
    default: 'Spark sets the Spark container memory request = limit = heap + overhead (+ pyspark, + off-heap 3.1+)',
    since: 'Spark 3.0 (pod templates)',
    source: `${K8SEXEC} (ContainerBuilder(pod.container).editOrNewResources().addToRequests("memory", q).addToLimits("memory", q) overwrites the template)`,
    notes:
      "Not a fix for the Spark container: its memory request/limit from the template is overwritten by Spark's computed value. Only sidecars or namespace LimitRange/ResourceQuota are changed through templates/admin.",
  },
];
