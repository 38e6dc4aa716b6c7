import { EXEC_GC_TIME, EXEC_PEAKS, EXEC_RUN_TIME, EXEC_TASKS, EXECUTOR_NUMS, type TaskBatch } from '../eventlog/digest.js';
import { metricId, metricName, type MetricsRow } from '../eventlog/fast.js';
import type { EventVisitor } from '../eventlog/events.js';
import type { Location } from '../input/stats.js';
import type { KnownEvent } from '../eventlog/schemas.js';
import { ARROW_OPS, BROADCAST_OPS, PYTHON_OPS } from './plan-ops.js';
import { SignalBook } from './signals.js';
import { addTaskSums, newStage, type StageStats } from './stages.js';
import { Timeline, type TimelineView } from './timeline.js';

/** Where a setting learnt from a text log came from. */
export type DerivedSource =
  | { kind: 'xmx'; at: Location }
  | { kind: 'flag'; at: Location }
  | { kind: 'pod-env'; pod: string | null }
  /** The executor overhead as the pod's memory limit minus its heap. */
  | { kind: 'pod-limit'; pod: string | null; limit: string; heap: string }
  /** Another input of the same application (joined by diagnose). */
  | { kind: 'input'; path: string };

/** A fact a text log revealed: a setting and where it came from, or a pod's memory limit. */
export type Learnt =
  | { kind: 'setting'; key: string; value: string; source: DerivedSource }
  /** The memory limit of a pod's Spark container, as kubectl printed it ("18Gi") and in bytes. */
  | { kind: 'pod-limit'; pod: string | null; limit: string; bytes: number };

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
  /** The same peaks by metric id (fast.ts metricId), -Infinity when unseen: the per-task path compares here. */
  peakById: number[];
  tasks: number;
  failedTasks: number;
  runTime: number;
  gcTime: number;
}

/** What the SQL plans reveal about where memory goes. */
export interface PlanFlags {
  pythonUdf: number;
  pandasOrArrowUdf: number;
  broadcastJoin: number;
}

/**
 * An event as AppState.onEvent reads it, less what it never reads: a SQL execution's start keeps, of
 * its plan, the operators PYTHON_OPS and BROADCAST_OPS match (each a whole word, one per line, so
 * onEvent counts the same from them), not the plan itself nor its description and details. A split's
 * helper keeps events so in its digests (src/input/tail.ts), which are held until this thread ends
 * its own blocks: plans are long — the helper's part of the bench's 1 GiB log made 13 MB of digests,
 * 10 MB of them two plans.
 */
export function asFolded(ev: KnownEvent): KnownEvent {
  if (ev.type !== 'SparkListenerSQLExecutionStart') return ev;
  const plan = ev.data.physicalPlanDescription ?? '';
  const ops = Array.from(plan.matchAll(PYTHON_OPS), (m) => m[0]);
  const broadcast = BROADCAST_OPS.exec(plan);
  if (broadcast) ops.push(broadcast[0]);
  return { type: ev.type, data: { executionId: ev.data.executionId, time: ev.data.time, physicalPlanDescription: ops.join('\n') } };
}

export interface ResourceProfile {
  id: number;
  /** Executor resource requests: name → amount (memory amounts in MiB, as ResourceProfile stores them). */
  executor: Record<string, number>;
  task: Record<string, number>;
}

const DRIVER_IDS = new Set(['driver', '<driver>']);

/**
 * What the fold keeps is bounded, whatever the log holds (a hostile log may name millions of stages or
 * executors): beyond these, events still count but fold into one shared record, and `overflow` says
 * how many were not kept one by one. Stage attempts make room first: the oldest clean one goes
 * (evictStage), so a streaming application of 100,000 micro-batch stages keeps its last 20,000. Real logs stay far below: the largest in ../shared/eventlogs has
 * 1,143 stage attempts and 400 executors. Each kept stage costs ~1.3 KiB (two histograms), an executor
 * ~1 KiB: the caps hold the fold near 26 MiB and 20 MiB.
 */
export const MAX_STAGE_ATTEMPTS = 20_000;
/** Kept stage attempts looked at, oldest first, for one that may make room for a new one. */
const EVICTION_LOOK = 64;
export const MAX_EXECUTORS = 20_000;
/** Settings learnt from text logs: every spark.* flag of a command line is one; real logs name a few dozen. */
export const MAX_LEARNT = 1_000;
/** Spark properties kept: real logs set a few hundred; a hostile one may set millions, over several lines. */
export const MAX_PROPERTIES = 10_000;
/** Resource profiles kept (stage-level scheduling, 3.1+): real applications define a handful. */
const MAX_RESOURCE_PROFILES = 1_000;
/** SQL stage ids kept: as many as stage attempts are worth keeping; beyond, a log this large ran SQL anyway. */
const MAX_SQL_STAGES = 100_000;

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
  /**
   * Where a driver's own log says its main thread died of an uncaught exception ("Exception in thread
   * "main""): spark-submit then exits 1, whatever the event log recorded (Spark 3.3 writes no trace of
   * a query that failed in the driver after its jobs succeeded). Null: no such line.
   */
  mainThreadDied: Location | null = null;
  ended = false;
  sparkProperties: Record<string, string> = {};
  javaVersion: string | null = null;
  /** sun.java.command: tells a PySpark shell or script apart. */
  javaCommand: string | null = null;

  /** Set by the reader once an event log was read: configuration and counts are then the log's own. */
  hasEventLog = false;
  /** Settings learnt from container logs, kubectl output or command lines, with where each came from. */
  readonly derivedConf: Record<string, string> = {};
  /** What the text logs revealed, in the order read: settings (derivedConf's sources) and pod limits. */
  readonly learnt: Learnt[] = [];
  /** The cluster manager the input kinds imply (YARN logs, kubectl output), when spark.master is unknown. */
  clusterManagerHint: ClusterManager | null = null;

  readonly executors = new Map<string, ExecutorState>();
  /** The driver's BlockManager, when it registered one (it always does). */
  driverBlockManager: { maxMemory: number; maxOnHeap: number | null; maxOffHeap: number | null } | null = null;
  readonly resourceProfiles = new Map<number, ResourceProfile>();

  /** Whether the log was still being written (.inprogress, or a rolling log not marked complete). */
  inProgress = false;
  /** Stages of jobs that belong to a SQL execution (DataFrame/SQL code), by stage id; bounded like the stages. */
  readonly sqlStages = new Set<number>();
  sqlExecutions = 0;
  /** Executors alive at once, at most: the cluster memory an application held (ExecutorAdded − ExecutorRemoved). */
  maxExecutorsAlive = 0;
  private readonly alive = new Set<string>();

  jobsTotal = 0;
  jobsEnded = 0;
  jobsFailed = 0;
  /** Where the log's last event was read: where a driver that died stopped writing. */
  lastEventAt: Location | null = null;
  lastJobFailed = false;
  /** When the last running job ended, while none has started since (ms); null while one runs, or before any. */
  idleSince: number | null = null;
  /** Whether the last SQL execution to end ended with an error (a query can fail in the driver, with no job). */
  lastSqlFailed = false;
  tasksTotal = 0;
  /** Bytes tasks read from their input (Task Metrics' Input Metrics), summed; null when no task reported any. */
  inputBytes: number | null = null;
  tasksFailed = 0;
  tasksKilled = 0;
  readonly signals = new SignalBook();
  readonly stages = new Map<string, StageStats>();
  readonly plans: PlanFlags = { pythonUdf: 0, pandasOrArrowUdf: 0, broadcastJoin: 0 };
  /** Jobs, stages and failed tasks in time, for pictures (bounded: timeline.ts). */
  readonly timeline = new Timeline();

  onEvent(ev: KnownEvent, at: Location): void {
    this.lastEventAt = at;
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
        if (d['Spark Properties']) this.addProperties(d['Spark Properties']);
        this.javaVersion = d['JVM Information']?.['Java Version'] ?? d['System Properties']?.['java.version'] ?? this.javaVersion;
        this.javaCommand = d['System Properties']?.['sun.java.command'] ?? this.javaCommand;
        break;
      }
      case 'SparkListenerExecutorAdded': {
        const d = ev.data;
        if (DRIVER_IDS.has(d['Executor ID'])) break;
        if (this.pastExecutorCap(d['Executor ID'])) this.overflow.executors++;
        const e = this.executor(d['Executor ID']);
        e.host = d['Executor Info']?.Host ?? e.host;
        e.cores = d['Executor Info']?.['Total Cores'] ?? e.cores;
        e.resourceProfileId = d['Executor Info']?.['Resource Profile Id'] ?? e.resourceProfileId;
        e.addedAt = d.Timestamp ?? e.addedAt;
        this.timeline.see(e.addedAt);
        this.alive.add(e.id);
        this.maxExecutorsAlive = Math.max(this.maxExecutorsAlive, this.alive.size);
        break;
      }
      case 'SparkListenerExecutorRemoved': {
        const e = this.executor(ev.data['Executor ID']);
        e.removedAt = ev.data.Timestamp ?? null;
        e.removedReason = ev.data['Removed Reason'] ?? null;
        e.removedAtLocation = at;
        this.timeline.see(e.removedAt);
        this.alive.delete(e.id);
        if (e.removedReason) this.signals.add({ source: 'executor-removed', text: e.removedReason, executor: e.id, time: e.removedAt, at });
        break;
      }
      case 'SparkListenerBlockManagerAdded': {
        const d = ev.data;
        const id = d['Block Manager ID']['Executor ID'];
        const sizes = {
          maxMemory: d['Maximum Memory'],
          maxOnHeap: d['Maximum Onheap Memory'] ?? null,
          maxOffHeap: d['Maximum Offheap Memory'] ?? null,
        };
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
        if (this.resourceProfiles.size >= MAX_RESOURCE_PROFILES && !this.resourceProfiles.has(d['Resource Profile Id'])) break;
        this.resourceProfiles.set(d['Resource Profile Id'], {
          id: d['Resource Profile Id'],
          executor: pick(d['Executor Resource Requests']),
          task: pick(d['Task Resource Requests']),
        });
        break;
      }
      case 'SparkListenerJobStart':
        this.jobsTotal++;
        this.idleSince = null;
        this.timeline.jobStart(ev.data['Job ID'], ev.data['Submission Time'] ?? null);
        if (ev.data.Properties?.['spark.sql.execution.id'] !== undefined && ev.data.Properties['spark.sql.execution.id'] !== null) {
          for (const id of ev.data['Stage IDs'] ?? []) if (this.sqlStages.size < MAX_SQL_STAGES) this.sqlStages.add(id);
        }
        break;
      case 'SparkListenerJobEnd': {
        const failed = ev.data['Job Result'].Result === 'JobFailed';
        this.jobsEnded++;
        this.timeline.jobEnd(ev.data['Job ID'], ev.data['Completion Time'] ?? null, failed);
        if (failed) {
          this.jobsFailed++;
          const msg = ev.data['Job Result'].Exception?.Message;
          if (msg) this.signals.add({ source: 'job-failure', text: msg, time: ev.data['Completion Time'] ?? null, at });
        }
        this.lastJobFailed = failed;
        if (this.jobsEnded >= this.jobsTotal) this.idleSince = ev.data['Completion Time'] ?? this.idleSince;
        break;
      }
      case 'SparkListenerStageSubmitted':
      case 'SparkListenerStageCompleted': {
        const s = ev.data['Stage Info'];
        const st = this.stage(s['Stage ID'], s['Stage Attempt ID'] ?? 0);
        const kept = st !== this.overflowStage;
        this.timeline.stage(
          s['Stage ID'],
          s['Stage Attempt ID'] ?? 0,
          s['Submission Time'] ?? null,
          ev.type === 'SparkListenerStageCompleted' ? (s['Completion Time'] ?? null) : null,
          ev.type === 'SparkListenerStageCompleted' && Boolean(s['Failure Reason']),
          s['Stage Name'] ?? null,
        );
        if (!kept && ev.type === 'SparkListenerStageSubmitted') this.overflow.stages++;
        if (kept) {
          st.name = s['Stage Name'] ?? st.name;
          st.numTasks = s['Number of Tasks'] ?? st.numTasks;
          const parents = s['Parent IDs'];
          if (parents !== undefined && parents !== null) st.readsShuffle = parents.length > 0;
          if (ev.type === 'SparkListenerStageCompleted') st.completed = true;
        }
        if (ev.type === 'SparkListenerStageCompleted' && s['Failure Reason']) {
          if (kept) st.failureReason = s['Failure Reason'];
          else this.overflow.failedStages++;
          const key = kept ? st.key : `${s['Stage ID']}.${s['Stage Attempt ID'] ?? 0}`;
          this.signals.add({ source: 'stage-failure', text: s['Failure Reason'], stage: key, time: s['Completion Time'] ?? null, at });
        }
        break;
      }
      case 'SparkListenerTaskEnd': {
        const d = ev.data;
        this.tasksTotal++;
        // AppStatusListener.onTaskEnd: TaskKilled and TaskCommitDenied count as killed, every
        // other reason but Success as failed.
        const r = d['Task End Reason'];
        const reason = r.Reason;
        const killed = reason === 'TaskKilled' || reason === 'TaskCommitDenied';
        const failed = !killed && reason !== 'Success';
        if (killed) this.tasksKilled++;
        else if (failed) this.tasksFailed++;
        const info = d['Task Info'];
        const execId = info['Executor ID'];
        const time = info['Finish Time'] ?? null;
        const m = d['Task Metrics'];
        const st = this.stage(d['Stage ID'], d['Stage Attempt ID'] ?? 0);
        const stageKey = st === this.overflowStage ? `${d['Stage ID']}.${d['Stage Attempt ID'] ?? 0}` : st.key;
        st.tasks++;
        if (failed) {
          st.failedTasks++;
          this.timeline.failedTask(time, execId, stageKey, reason);
        }
        addTaskSums(st, info, m);
        const input = m?.['Input Metrics']?.['Bytes Read'];
        if (typeof input === 'number') this.inputBytes = (this.inputBytes ?? 0) + input;
        if (!DRIVER_IDS.has(execId)) {
          const e = this.executor(execId);
          e.tasks++;
          if (failed) e.failedTasks++;
          e.runTime += m?.['Executor Run Time'] ?? 0;
          e.gcTime += m?.['JVM GC Time'] ?? 0;
        }
        if (reason === 'ExceptionFailure') {
          const frames = (r['Stack Trace'] ?? []).map((f) => `${f['Declaring Class'] ?? '?'}.${f['Method Name'] ?? '?'}`);
          const cls = r['Class Name'] ?? '';
          const desc = r.Description ?? '';
          // Full Stack Trace carries the "Caused by:" chain that Description lacks.
          const full = r['Full Stack Trace'] ?? '';
          const causes = full
            .split('\n')
            .filter((l) => l.startsWith('Caused by:'))
            .join('\n');
          this.signals.add({
            source: 'task-exception',
            text: `${cls}: ${desc}${causes ? `\n${causes}` : ''}`,
            frames,
            executor: execId,
            stage: stageKey,
            time,
            at,
          });
        } else if (reason === 'ExecutorLostFailure') {
          const lost = r['Executor ID'] ?? execId;
          this.signals.add({
            source: 'executor-lost',
            text: r['Loss Reason'] ?? 'executor lost (no reason logged before Spark 1.6)',
            causedByApp: r['Exit Caused By App'] ?? null,
            executor: lost,
            stage: stageKey,
            time,
            at,
          });
        }
        const metrics = d['Task Executor Metrics'];
        if (metrics) this.observePeaks(execId, metrics);
        break;
      }
      case 'SparkListenerStageExecutorMetrics':
        this.observePeaks(ev.data['Executor ID'], ev.data['Executor Metrics']);
        break;
      case 'SparkListenerSQLExecutionStart': {
        this.sqlExecutions++;
        const plan = ev.data.physicalPlanDescription ?? '';
        for (const m of plan.matchAll(PYTHON_OPS)) {
          this.plans.pythonUdf++;
          if (ARROW_OPS.test(m[0])) this.plans.pandasOrArrowUdf++;
        }
        if (BROADCAST_OPS.test(plan)) this.plans.broadcastJoin++;
        break;
      }
      case 'SparkListenerSQLExecutionEnd':
        this.lastSqlFailed = Boolean(ev.data.errorMessage);
        if (ev.data.errorMessage) this.signals.add({ source: 'sql-failure', text: ev.data.errorMessage, time: ev.data.time ?? null, at });
        break;
    }
  }

  /**
   * How the application ended. No ApplicationEnd → incomplete (the driver died, or is still
   * running). A non-zero ExitCode (Spark 4 writes one) is failed. Otherwise an application whose last
   * job, or last SQL execution, failed is taken as failed, since an uncaught failure is what ends a
   * failed driver — also on Spark 4, whose shutdown hook stops the SparkContext with ExitCode 0
   * after the driver's main threw (SparkContext.stop(), seen on real 4.0.1 runs). Container logs and
   * kubectl output do not say: unknown.
   */
  get outcome(): Outcome {
    if (!this.hasEventLog) return 'unknown';
    if (!this.ended) return 'incomplete';
    if (this.exitCode !== null && this.exitCode !== 0) return 'failed';
    if (this.mainThreadDied !== null) return 'failed';
    return this.lastJobFailed || this.lastSqlFailed ? 'failed' : 'succeeded';
  }

  /** Stage attempts seen (submitted, completed, or running tasks); beyond the cap, those submitted. */
  get stagesTotal(): number {
    return this.stages.size + this.overflow.stages;
  }

  get stagesFailed(): number {
    let n = this.overflow.failedStages;
    for (const st of this.stages.values()) if (st.failureReason !== null) n++;
    return n;
  }

  /** Executors other than the driver, as ExecutorAdded, BlockManagerAdded and the tasks they ran name them. */
  /**
   * Roughly the bytes this state holds, for a batch deciding what it can keep (commands/diagnose.ts).
   * Measured with the heap (node --expose-gc, 2,000 small logs held): ~12 KiB for a small log with
   * its read statistics; a kept stage ~1.3 KiB, an executor ~1 KiB, a signal ~1.5 KiB (texts to 4,000
   * characters: counted as 8 KiB here, the most they hold).
   */
  footprint(): number {
    return (
      12 * 1024 + 1331 * this.stages.size + 1024 * this.executors.size + 8 * 1024 * this.signals.all().length + this.timeline.footprint()
    );
  }

  /** The application in time, as the renderers draw it. */
  timelineView(): TimelineView {
    return this.timeline.view(this.startTime, this.endTime, this.executors.values());
  }

  get executorCount(): number {
    return this.executors.size + this.overflow.executors;
  }

  /** What was not kept one by one, past MAX_STAGE_ATTEMPTS, MAX_EXECUTORS, MAX_LEARNT and MAX_PROPERTIES. */
  readonly overflow = { stages: 0, failedStages: 0, executors: 0, learnt: 0, properties: 0 };
  /** Where the events of stages and executors past the caps go: counted, never listed. */
  private readonly overflowStage: StageStats = newStage(-1, 0);
  private overflowExecutor: ExecutorState | null = null;

  get clusterManager(): ClusterManager {
    const cm = clusterManagerOf(this.sparkProperties['spark.master'] ?? this.derivedConf['spark.master']);
    return cm === 'unknown' ? (this.clusterManagerHint ?? 'unknown') : cm;
  }

  /** Records a setting a log revealed; the first source wins, and the event log's own value over all. */
  derive(key: string, value: string, source: DerivedSource): void {
    if (this.derivedConf[key] !== undefined) return;
    if (this.learn({ kind: 'setting', key, value, source })) this.derivedConf[key] = value;
  }

  /**
   * Records a fact a text log revealed, while fewer than MAX_LEARNT are kept; past that it is only
   * counted (overflow.learnt). Whether it was kept. Every fact goes through here: a list of 20,000
   * pods states 20,000 limits.
   */
  learn(fact: Learnt): boolean {
    if (this.learnt.length >= MAX_LEARNT) {
      this.overflow.learnt++;
      return false;
    }
    this.learnt.push(fact);
    return true;
  }

  /** The configuration to compute with: the event log's properties over what the logs revealed. */
  get effectiveConf(): Record<string, string> {
    return { ...this.derivedConf, ...this.sparkProperties };
  }

  executor(id: string): ExecutorState {
    // Tasks come in runs on one executor, and the fast reader hands the same id string on (fast.ts).
    const last = this.lastExecutor;
    if (last !== null && last.id === id) return last;
    let e = this.executors.get(id);
    if (e) this.lastExecutor = e;
    if (!e && this.executors.size >= MAX_EXECUTORS) return (this.overflowExecutor ??= blankExecutor('(more)'));
    if (!e) {
      e = blankExecutor(id);
      this.executors.set(id, e);
    }
    return e;
  }

  /** The executor `executor` last found in the map (executors are never removed from it). */
  private lastExecutor: ExecutorState | null = null;

  /** Whether an executor id is one the fold would not keep (new, past MAX_EXECUTORS). */
  private pastExecutorCap(id: string): boolean {
    return this.executors.size >= MAX_EXECUTORS && !this.executors.has(id);
  }

  /** The stage attempt's statistics; tasks arrive grouped by stage, so the last one is kept at hand. */
  private stage(id: number, attempt: number): StageStats {
    const last = this.lastStage;
    if (last && last.stageId === id && last.attempt === attempt) return last;
    const key = `${id}.${attempt}`;
    let st = this.stages.get(key);
    if (!st && this.stages.size >= MAX_STAGE_ATTEMPTS && !this.evictStage()) return this.overflowStage;
    if (!st) {
      st = newStage(id, attempt);
      this.stages.set(key, st);
    }
    this.lastStage = st;
    return st;
  }

  private lastStage: StageStats | null = null;

  /**
   * Makes room for a new stage attempt by dropping the oldest kept one that completed cleanly (no
   * failure, no failed task): a long streaming application's recent and failed stages are what
   * explain its end. It is counted in overflow.stages. Looks at the oldest EVICTION_LOOK only, so
   * a log of failed stages costs no more per stage; false when none of them may go.
   */
  private evictStage(): boolean {
    let looked = 0;
    for (const [key, st] of this.stages) {
      if (++looked > EVICTION_LOOK) return false;
      if (!st.completed || st.failureReason !== null || st.failedTasks > 0) continue;
      this.stages.delete(key);
      this.overflow.stages++;
      if (this.lastStage === st) this.lastStage = null;
      return true;
    }
    return false;
  }

  /** Later values win, as a later EnvironmentUpdate's would; new keys past MAX_PROPERTIES are not kept. */
  private addProperties(props: Record<string, string>): void {
    let size = Object.keys(this.sparkProperties).length;
    for (const k of Object.keys(props)) {
      if (!Object.hasOwn(this.sparkProperties, k)) {
        if (size >= MAX_PROPERTIES) {
          this.overflow.properties++;
          continue;
        }
        size++;
      }
      // A data property even for "__proto__" (a key a log may hold), as JSON.parse and spreading make it.
      Object.defineProperty(this.sparkProperties, k, { value: props[k]!, writable: true, enumerable: true, configurable: true });
    }
  }

  /**
   * Successful tasks summed apart (state/batch.ts), read up to `at`, their metric ids mapped to this
   * thread's by `metricIds`: leaves the state as their
   * SparkListenerTaskEnd events one by one would, given what the reader of the digest checks first
   * (eventlog/digest.ts): no cap reached (MAX_STAGE_ATTEMPTS, MAX_EXECUTORS, MAX_METRIC_NAMES) and
   * sums that stay exact (sumsStayExact).
   */
  onTasks(batch: TaskBatch, at: Location, metricIds: readonly number[]): void {
    this.lastEventAt = at;
    this.tasksTotal += batch.count;
    if (batch.inputBytes !== null) this.inputBytes = (this.inputBytes ?? 0) + batch.inputBytes;
    for (const s of batch.stages) {
      const st = this.stage(s.id, s.attempt);
      st.tasks += s.tasks;
      st.durations.merge(s.durations);
      st.peakExecution.merge(s.peakExecution);
      st.memorySpilled += s.memorySpilled;
      st.diskSpilled += s.diskSpilled;
      st.runTime += s.runTime;
      st.gcTime += s.gcTime;
      st.resultSize += s.resultSize;
    }
    const { executorIds, executorNums: nums, peakIds, peakVals } = batch;
    let p = 0;
    for (let i = 0; i < executorIds.length; i++) {
      const at = i * EXECUTOR_NUMS;
      const end = p + nums[at + EXEC_PEAKS]!;
      const id = executorIds[i]!;
      if (DRIVER_IDS.has(id)) {
        p = end;
        continue;
      }
      const e = this.executor(id);
      e.tasks += nums[at + EXEC_TASKS]!;
      e.runTime += nums[at + EXEC_RUN_TIME]!;
      e.gcTime += nums[at + EXEC_GC_TIME]!;
      for (; p < end; p++) raisePeak(e, metricIds[peakIds[p]!]!, peakVals[p]!);
    }
  }

  /**
   * Whether adding numbers of magnitudes summing to `abs` to every sum the tasks make keeps each an
   * exact integer: then adding them in any grouping gives the one-thread result (onTasks).
   */
  sumsStayExact(abs: number): boolean {
    const ok = (v: number): boolean => Number.isSafeInteger(v) && Math.abs(v) + abs <= Number.MAX_SAFE_INTEGER;
    if (this.inputBytes !== null && !ok(this.inputBytes)) return false;
    for (const st of [...this.stages.values(), this.overflowStage]) {
      for (const v of [st.memorySpilled, st.diskSpilled, st.runTime, st.gcTime, st.resultSize, st.durations.sum, st.peakExecution.sum]) {
        if (!ok(v)) return false;
      }
    }
    for (const e of [...this.executors.values(), ...(this.overflowExecutor ? [this.overflowExecutor] : [])]) {
      if (!ok(e.runTime) || !ok(e.gcTime)) return false;
    }
    return true;
  }

  onExecutorMetrics(executorId: string, m: MetricsRow): void {
    if (DRIVER_IDS.has(executorId)) return;
    const e = this.executor(executorId);
    const { ids, vals } = m;
    for (let i = 0; i < ids.length; i++) raisePeak(e, ids[i]!, vals[i]!);
  }

  private observePeaks(executorId: string, metrics: Record<string, number>): void {
    if (DRIVER_IDS.has(executorId)) return;
    const e = this.executor(executorId);
    for (const k in metrics) raisePeak(e, metricId(k), metrics[k]!);
  }
}

function blankExecutor(id: string): ExecutorState {
  return {
    id,
    host: null,
    cores: null,
    resourceProfileId: 0,
    addedAt: null,
    removedAt: null,
    removedReason: null,
    removedAtLocation: null,
    maxMemory: null,
    maxOnHeap: null,
    maxOffHeap: null,
    peaks: {},
    peakById: [],
    tasks: 0,
    failedTasks: 0,
    runTime: 0,
    gcTime: 0,
  };
}

function raisePeak(e: ExecutorState, id: number, v: number): void {
  if (id < 0) return; // a name past MAX_METRIC_NAMES
  const byId = e.peakById;
  while (byId.length <= id) byId.push(-Infinity);
  if (v > byId[id]!) {
    byId[id] = v;
    e.peaks[metricName(id)] = v;
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
