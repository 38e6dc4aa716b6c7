import type { EventVisitor, Location } from '../eventlog/reader.js';
import type { KnownEvent } from '../eventlog/schemas.js';

export type ClusterManager = 'yarn' | 'kubernetes' | 'standalone' | 'local' | 'mesos' | 'unknown';
export type Outcome = 'succeeded' | 'failed' | 'incomplete' | 'unknown';

export interface ExecutorState {
  id: string;
  host: string | null;
  cores: number | null;
  resourceProfileId: number;
  addedAt: number | null;
  removedAt: number | null;
  removedReason: string | null;
  removedAtLocation: Location | null;
  /** BlockManagerAdded: storage+execution pool size the executor computed (UnifiedMemoryManager.maxMemory). */
  maxMemory: number | null;
  maxOnHeap: number | null;
  maxOffHeap: number | null;
  /** Peak of each executor metric over Task Executor Metrics and StageExecutorMetrics. */
  peaks: Record<string, number>;
}

export interface ResourceProfile {
  id: number;
  /** Executor resource requests: name → amount (memory amounts in MiB, as ResourceProfile stores them). */
  executor: Record<string, number>;
  task: Record<string, number>;
}

const DRIVER_IDS = new Set(['driver', '<driver>']);

/**
 * The fold over one application's events: everything later stages read, bounded by the number of
 * executors, stages and resource profiles, never by the number of tasks or lines.
 */
export class AppState implements EventVisitor {
  appId: string | null = null;
  attemptId: string | null = null;
  appName: string | null = null;
  user: string | null = null;
  sparkVersion: string | null = null;
  startTime: number | null = null;
  endTime: number | null = null;
  exitCode: number | null = null;
  ended = false;
  sparkProperties: Record<string, string> = {};
  javaVersion: string | null = null;
  /** sun.java.command: tells a PySpark shell or script apart. */
  javaCommand: string | null = null;

  readonly executors = new Map<string, ExecutorState>();
  /** The driver's BlockManager, when it registered one (it always does). */
  driverBlockManager: { maxMemory: number; maxOnHeap: number | null; maxOffHeap: number | null } | null = null;
  readonly resourceProfiles = new Map<number, ResourceProfile>();

  jobsTotal = 0;
  jobsFailed = 0;
  lastJobFailed = false;
  private readonly stageAttempts = new Set<string>();
  private readonly failedStageAttempts = new Set<string>();
  tasksTotal = 0;
  tasksFailed = 0;
  tasksKilled = 0;

  onEvent(ev: KnownEvent, _at: Location): void {
    switch (ev.type) {
      case 'SparkListenerLogStart':
        this.sparkVersion = ev.data['Spark Version'];
        break;
      case 'SparkListenerApplicationStart': {
        const d = ev.data;
        this.appName = d['App Name'] ?? this.appName;
        this.appId = d['App ID'] ?? this.appId;
        this.attemptId = d['App Attempt ID'] ?? this.attemptId;
        this.user = d.User ?? this.user;
        this.startTime = d.Timestamp ?? this.startTime;
        break;
      }
      case 'SparkListenerApplicationEnd':
        this.ended = true;
        this.endTime = ev.data.Timestamp ?? this.endTime;
        this.exitCode = ev.data.ExitCode ?? this.exitCode;
        break;
      case 'SparkListenerEnvironmentUpdate': {
        const d = ev.data;
        if (d['Spark Properties']) this.sparkProperties = { ...this.sparkProperties, ...d['Spark Properties'] };
        this.javaVersion = d['JVM Information']?.['Java Version'] ?? d['System Properties']?.['java.version'] ?? this.javaVersion;
        this.javaCommand = d['System Properties']?.['sun.java.command'] ?? this.javaCommand;
        break;
      }
      case 'SparkListenerExecutorAdded': {
        const d = ev.data;
        if (DRIVER_IDS.has(d['Executor ID'])) break;
        const e = this.executor(d['Executor ID']);
        e.host = d['Executor Info']?.Host ?? e.host;
        e.cores = d['Executor Info']?.['Total Cores'] ?? e.cores;
        e.resourceProfileId = d['Executor Info']?.['Resource Profile Id'] ?? e.resourceProfileId;
        e.addedAt = d.Timestamp ?? e.addedAt;
        break;
      }
      case 'SparkListenerExecutorRemoved': {
        const e = this.executor(ev.data['Executor ID']);
        e.removedAt = ev.data.Timestamp ?? null;
        e.removedReason = ev.data['Removed Reason'] ?? null;
        e.removedAtLocation = _at;
        break;
      }
      case 'SparkListenerBlockManagerAdded': {
        const d = ev.data;
        const id = d['Block Manager ID']['Executor ID'];
        const sizes = { maxMemory: d['Maximum Memory'], maxOnHeap: d['Maximum Onheap Memory'] ?? null, maxOffHeap: d['Maximum Offheap Memory'] ?? null };
        if (DRIVER_IDS.has(id)) {
          this.driverBlockManager = sizes;
          break;
        }
        const e = this.executor(id);
        e.host ??= d['Block Manager ID'].Host ?? null;
        Object.assign(e, sizes);
        break;
      }
      case 'SparkListenerResourceProfileAdded': {
        const d = ev.data;
        const pick = (r: Record<string, { Amount: number }> | null | undefined): Record<string, number> =>
          Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, v.Amount]));
        this.resourceProfiles.set(d['Resource Profile Id'], {
          id: d['Resource Profile Id'],
          executor: pick(d['Executor Resource Requests']),
          task: pick(d['Task Resource Requests']),
        });
        break;
      }
      case 'SparkListenerJobStart':
        this.jobsTotal++;
        break;
      case 'SparkListenerJobEnd': {
        const failed = ev.data['Job Result'].Result === 'JobFailed';
        if (failed) this.jobsFailed++;
        this.lastJobFailed = failed;
        break;
      }
      case 'SparkListenerStageSubmitted':
      case 'SparkListenerStageCompleted': {
        const s = ev.data['Stage Info'];
        const key = `${s['Stage ID']}.${s['Stage Attempt ID'] ?? 0}`;
        this.stageAttempts.add(key);
        if (ev.type === 'SparkListenerStageCompleted' && s['Failure Reason']) this.failedStageAttempts.add(key);
        break;
      }
      case 'SparkListenerTaskEnd': {
        const d = ev.data;
        this.tasksTotal++;
        // AppStatusListener.onTaskEnd: TaskKilled and TaskCommitDenied count as killed, every
        // other reason but Success as failed.
        const reason = d['Task End Reason'].Reason;
        if (reason === 'TaskKilled' || reason === 'TaskCommitDenied') this.tasksKilled++;
        else if (reason !== 'Success') this.tasksFailed++;
        const metrics = d['Task Executor Metrics'];
        if (metrics) this.observePeaks(d['Task Info']['Executor ID'], metrics);
        break;
      }
      case 'SparkListenerStageExecutorMetrics':
        this.observePeaks(ev.data['Executor ID'], ev.data['Executor Metrics']);
        break;
      case 'SparkListenerSQLExecutionStart':
      case 'SparkListenerSQLExecutionEnd':
        break;
    }
  }

  get stagesTotal(): number {
    return this.stageAttempts.size;
  }

  get stagesFailed(): number {
    return this.failedStageAttempts.size;
  }

  /** Executors other than the driver, as ExecutorAdded and BlockManagerAdded name them. */
  get executorCount(): number {
    return this.executors.size;
  }

  get clusterManager(): ClusterManager {
    return clusterManagerOf(this.sparkProperties['spark.master']);
  }

  private executor(id: string): ExecutorState {
    let e = this.executors.get(id);
    if (!e) {
      e = {
        id, host: null, cores: null, resourceProfileId: 0, addedAt: null, removedAt: null, removedReason: null,
        removedAtLocation: null, maxMemory: null, maxOnHeap: null, maxOffHeap: null, peaks: {},
      };
      this.executors.set(id, e);
    }
    return e;
  }

  private observePeaks(executorId: string, metrics: Record<string, number>): void {
    if (DRIVER_IDS.has(executorId)) return;
    const peaks = this.executor(executorId).peaks;
    for (const k in metrics) {
      const v = metrics[k]!;
      if (!(v <= (peaks[k] ?? -Infinity))) peaks[k] = v;
    }
  }
}

/** From `spark.master` (SparkSubmit's master URL forms). */
export function clusterManagerOf(master: string | undefined): ClusterManager {
  if (!master) return 'unknown';
  const m = master.trim().toLowerCase();
  if (m.startsWith('yarn')) return 'yarn';
  if (m.startsWith('k8s://')) return 'kubernetes';
  if (m.startsWith('spark://') || m.startsWith('local-cluster')) return 'standalone';
  if (m.startsWith('local')) return 'local';
  if (m.startsWith('mesos://')) return 'mesos';
  return 'unknown';
}
