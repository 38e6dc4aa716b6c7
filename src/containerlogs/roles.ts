/**
 * Whose log a text is, from its own lines: the driver, an executor, the YARN application master, or a
 * local-mode JVM (driver and executor in one). Markers are logger-anchored (`<Logger>: message`, with
 * `%c{n}` abbreviations, `Logger:NN -` and `Logger.method(NN) -` layouts), because class names also
 * appear in command lines a driver prints (the executor launch command names CoarseGrainedExecutorBackend).
 * Sources: the string constants of the released spark-core 2.4.0/3.5.0/4.1.0, spark-yarn 3.5.0/4.0.1
 * and spark-kubernetes 3.5.0/4.0.0 jars, and resource-managers/kubernetes/docker/.../entrypoint.sh
 * (see the research notes of issue 16, driver-context.md).
 */
export type ProcessRole = 'driver' | 'executor' | 'am' | 'local';

/** `<Logger><layout separator>`: "Logger: ", "Logger:87 - ", "Logger.method(91) - ", "[a.b.Logger:61] - ", "Logger:69 : ". */
const logged = (loggers: string, messages = ''): RegExp =>
  new RegExp(`(?<![\\w$])(?:${loggers})(?:\\.\\w+\\(\\d+\\))?(?::\\d+)?\\]?\\s*(?:-\\s+|:\\s+|:$)${messages}`);

/**
 * The driver's own components: only the driver JVM has a SparkContext, a DAGScheduler, task-set
 * managers, the BlockManager master, the heartbeat receiver and a scheduler backend.
 */
const DRIVER = [
  logged(
    [
      'SparkContext',
      'DAGScheduler',
      'TaskSetManager',
      'TaskSchedulerImpl',
      'YarnScheduler',
      'YarnClusterScheduler',
      'BlockManagerMasterEndpoint',
      'BlockManagerInfo',
      'HeartbeatReceiver',
      'MapOutputTrackerMaster(?:Endpoint)?',
      'SparkUI',
      '(?:Yarn(?:Client|Cluster)?|Kubernetes(?:Cluster)?|Standalone|CoarseGrained)SchedulerBackend(?:\\$\\w+)?',
      'ExecutorPodsAllocator',
      'ExecutorPodsLifecycleManager',
    ].join('|'),
  ),
  // Threads only a driver JVM runs (dispatcher-event-loop, main and shuffle threads exist in every JVM).
  /Exception in thread "(?:dag-scheduler-event-loop|Yarn application state monitor|JobGenerator|JobScheduler|task-result-getter-\d+|broadcast-exchange-\d+|spark-listener-group-\w+|heartbeat-receiver-event-loop-thread|SparkListenerBus)"/,
  // kubectl logs <app>-driver: the image's entrypoint runs spark-submit in the pod ("driver)" branch).
  /^\+ (?:CMD=\("\$SPARK_HOME\/bin\/spark-submit"|exec \/usr\/bin\/tini -s -- \S*\/spark-submit)\b.*--deploy-mode client\b/,
];

/** An executor's own lines: its backend and the executor's heartbeat to the driver. */
const EXECUTOR = [
  logged('CoarseGrainedExecutorBackend|KubernetesExecutorBackend|YarnCoarseGrainedExecutorBackend'),
  logged(
    'Executor',
    '(?:Starting executor ID (?!driver\\b)|Issue communicating with driver in heartbeater|Told to re-register on heartbeat)',
  ),
  /Exit as unable to send heartbeats to driver/,
  // kubectl logs <app>-exec-N: the entrypoint's "executor)" branch starts the backend itself.
  /^\+ exec \/usr\/bin\/tini -s -- \S*java\b.*\bKubernetesExecutorBackend\b/,
];

/**
 * Executor-side components: they say executor when nothing else speaks, and local mode beside a
 * driver's own lines (a cluster's executors log in their own processes, never in the driver's).
 */
const EXECUTOR_WEAK = [
  logged('Executor', '(?:Running task|Finished task|Exception in task|Got assigned task)'),
  logged('TaskMemoryManager|UnsafeExternalSorter|ShuffleExternalSorter|ShuffleBlockFetcherIterator|PythonRunner'),
];

/** The YARN application master (ApplicationMaster, ExecutorLauncher), in either mode. */
const AM = [logged('ApplicationMaster(?:\\$AMEndpoint)?|YarnRMClient')];

/** A client-mode AM (ExecutorLauncher): its driver runs elsewhere. */
const AM_CLIENT = [
  /\borg\.apache\.spark\.deploy\.yarn\.ExecutorLauncher\b/,
  logged(
    'ApplicationMaster(?:\\$AMEndpoint)?',
    '(?:Waiting for Spark driver to be reachable|Driver now available|Failed to connect to driver|Driver terminated or disconnected|Driver requested to kill|Application Master lost connection with driver)',
  ),
];

/** A cluster-mode AM: it runs the user's main, hence the driver, in its own JVM. */
const AM_CLUSTER = [
  /\borg\.apache\.spark\.deploy\.yarn\.ApplicationMaster --class\b/,
  logged(
    'ApplicationMaster',
    '(?:Starting the user application in a separate Thread|Waiting for spark context initialization|User application exited|SparkContext did not initialize)',
  ),
];

/** Local mode: one JVM is driver and executor ("executor driver", Executor "Starting executor ID driver"). */
const LOCAL = /\bexecutor ID driver\b|[(,\s]executor driver\)|\bLost executor driver on\b|ExecutorLostFailure \(executor driver\b/;

/** A cheap test before the markers: every marker above names one of these words. */
const ANY =
  /SparkContext|DAGScheduler|Task|BlockManager|Heartbeat|MapOutputTracker|SparkUI|SchedulerBackend|ExecutorPods|Exception in thread|spark-submit|ExecutorBackend|Executor|heartbeats|Memory|Sorter|Fetcher|PythonRunner|ApplicationMaster|YarnRMClient|ExecutorLauncher|executor/;

/**
 * What a log's lines have shown so far about whose it is. Driver markers win over executor ones (a
 * local driver prints executor lines too); a YARN AM is the driver in cluster mode and a process of
 * its own (ExecutorLauncher) in client mode.
 */
export class RoleEvidence {
  driver = false;
  executor = false;
  executorWeak = false;
  am = false;
  amClient = false;
  amCluster = false;
  local = false;

  /** Reads one line; true when the answer may have changed. */
  see(line: string): boolean {
    if (this.local || (this.executor && !this.driver) || !ANY.test(line)) return false;
    const before = this.key();
    if (LOCAL.test(line)) this.local = true;
    if (this.driver) {
      // A driver's log can only turn out to be local mode's one JVM now.
      if (!this.executorWeak && EXECUTOR_WEAK.some((r) => r.test(line))) this.executorWeak = true;
      return this.key() !== before;
    }
    if (DRIVER.some((r) => r.test(line))) this.driver = true;
    if (!this.executor && EXECUTOR.some((r) => r.test(line))) this.executor = true;
    if (!this.executorWeak && EXECUTOR_WEAK.some((r) => r.test(line))) this.executorWeak = true;
    if (!this.am && AM.some((r) => r.test(line))) this.am = true;
    if (!this.amClient && AM_CLIENT.some((r) => r.test(line))) this.amClient = this.am = true;
    if (!this.amCluster && AM_CLUSTER.some((r) => r.test(line))) this.amCluster = this.am = true;
    return this.key() !== before;
  }

  /**
   * The role the text shows, or null when it shows none. `settled`: no later line can change it (a
   * driver or local-mode marker, or an executor's own backend).
   */
  decide(): { role: ProcessRole | null; settled: boolean } {
    // Executor-side components (a task running, a Python runner) logging beside the driver's own: one JVM.
    if (this.local || (this.driver && this.executorWeak)) return { role: 'local', settled: true };
    if (this.driver || this.amCluster) return { role: 'driver', settled: true };
    if (this.am) return { role: 'am', settled: false };
    if (this.executor) return { role: 'executor', settled: true };
    if (this.executorWeak) return { role: 'executor', settled: false };
    return { role: null, settled: false };
  }

  private key(): string {
    return `${+this.driver}${+this.executor}${+this.executorWeak}${+this.am}${+this.amClient}${+this.amCluster}${+this.local}`;
  }
}
