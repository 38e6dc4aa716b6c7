import { anyTrigger, firstTrigger } from '../classifiers/triggers.js';
import type { Location } from '../input/stats.js';
import type { AppState } from '../state/app.js';
import { AM_ID, MAX_CONSUMERS, type MemoryDump, type SignalInput, type SignalSource } from '../state/signals.js';
import { LOG4J_HEADER } from './log4j.js';
import { RoleEvidence, type ProcessRole } from './roles.js';

/** spark-rapids' retry exceptions (com.nvidia.spark.rapids.jni), and a log entry whose first line is INFO, DEBUG or TRACE. */
const RAPIDS_RETRY = /\b[GC]pu(?:SplitAnd)?RetryOOM\b/;
const QUIET_LEVEL = /^[^\n]*\b(?:INFO|DEBUG|TRACE)\b/;

/** What is known about the process that wrote a log (a YARN container, a pod, or nothing). */
export interface ScanContext {
  file: string;
  /**
   * From metadata: a YARN executor container or pod is 'executor', a driver pod 'driver'. 'am': the
   * first container of a YARN attempt, which runs the driver in cluster mode and ExecutorLauncher in
   * client mode — its own lines say which. null: the text alone decides.
   */
  role: 'driver' | 'executor' | 'am' | null;
  executorId: string | null;
  containerId: string | null;
  /** container id → executor id, from launch scripts (--executor-id), shared by every scanner of an input. */
  containerExecutors: Map<string, string>;
}

const MAX_ENTRY_LINES = 200;
const MAX_ENTRY_CHARS = 16 * 1024;
/**
 * Signals whose process is not known yet (a bare OutOfMemoryError before the line that says whose log
 * it is), held until it is or the log ends. Our choice: a log says whose it is within its first lines;
 * past this many such signals, the oldest goes out with what is known.
 */
const MAX_PENDING = 64;
/** Job-failure texts remembered per log to count each once (our choice: past this many, repeats count again). */
const MAX_JOB_TEXTS = 256;
/** A TaskMemoryManager dump is printed right before the error it explains: it is forgotten this many entries later. Our choice. */
const DUMP_ENTRIES = 50;

const PROGRESS = /^\[Stage \d+:[^\]]*\]/;
/** Prefixes some tools put before every line: Jenkins' timestamper ("[2026-05-29T02:36:11.589Z] ", repeated), Kibana's table export. */
const LINE_PREFIX =
  /^(?:\[\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d+)?Z?\] ?)+|^\s*(?:\|\s+)?[A-Z][a-z]+ \d{1,2}(?:st|nd|rd|th) \d{4}, \d{2}:\d{2}:\d{2}(?:\.\d+)? \| /;
const TABLE_TAIL = / \| -\s*$/;
/** Entries that start without a log4j header: the JVM's uncaught-exception print, its OnOutOfMemoryError banner, a Python traceback. */
const BARE_START =
  /^(?:Exception in thread "|#\s+(?:java\.lang\.OutOfMemoryError|There is insufficient memory)|Traceback \(most recent call last\):)/;
const FRAME = /^\s*at ([\w$.<>/]+)\.([\w$<>]+)\(/;
/** A JSON-escaped multi-line text on one line (a notebook's saved error, a JSON log): "…\n: java.lang…\n\tat …". */
const JSON_ESCAPED_BREAKS = 2;

/**
 * Lines only one cluster manager's driver (or AM) writes: its scheduler classes as loggers (with 1.x's
 * `cluster.`/`yarn.`/`k8s.` package abbreviations) and its own loss messages: YARN's
 * (YarnAllocator.memLimitExceededLogMessage, "Container marked as failed" in YarnSchedulerBackend) and
 * Kubernetes' (ExecutorPodsLifecycleManager.exitReasonMessage). Without them a driver's log leaves the
 * manager unknown, and with it the container (no overhead is counted), so a plan for a YARN or pod
 * kill had no container to size.
 */
const CLUSTER_MANAGER_LINES: ReadonlyArray<[RegExp, 'yarn' | 'kubernetes']> = [
  [
    /\b(?:Yarn(?:Allocator|RMClient|Scheduler|ClusterScheduler|(?:Client|Cluster)?SchedulerBackend)|ApplicationMaster)(?:\$\w+)?:|Container killed by YARN for exceeding|Container marked as failed: container_/,
    'yarn',
  ],
  [
    /\b(?:ExecutorPods(?:Allocator|LifecycleManager|WatchSnapshotSource|PollingSnapshotSource)|KubernetesClusterSchedulerBackend(?:\$\w+)?):|^The API gave the following (?:brief reason|message|container statuses)/,
    'kubernetes',
  ],
];

/** Threads only a driver JVM has (research: driver-context.md); "main" is the user's program in spark-submit. */
const DRIVER_THREAD =
  /^(?:main|dag-scheduler-event-loop|Yarn application state monitor|JobGenerator|JobScheduler|task-result-getter-\d+|broadcast-exchange-\d+|spark-listener-group-\w+|heartbeat-receiver-event-loop-thread|SparkListenerBus|dispatcher-CoarseGrainedScheduler|kill-executor-thread|driver-revive-thread)$/;
const TASK_THREAD = /^Executor task launch worker|^Executor /;

interface Entry {
  /** The file line of each line of `lines` (a JSON-escaped line unfolds into several with one number). */
  nos: number[];
  lines: string[];
  chars: number;
  /** Line i of the entry is file line nos[0] + i. */
  contiguous: boolean;
}

/** A signal whose process is the log's own: its executor (and, for a bare message, its source) comes from the role. */
interface Pending {
  sig: SignalInput;
  /** A bare message: a task's failure in an executor, the process's own in a driver or AM. */
  bare: boolean;
  /** What the entry itself suggests when the log never says (a thread only drivers have). */
  hint: 'driver' | 'executor' | null;
}

interface OpenDump {
  dump: MemoryDump;
  /** Entries flushed since it was printed. */
  age: number;
}

/**
 * Reads a Spark (or YARN, or Kubernetes) text log line by line: groups each log4j entry with its
 * continuation lines (stack traces, multi-line reasons), turns failure entries into the same signals
 * an event log gives (so every classifier applies), and collects configuration facts. Whose log it is
 * (driver, executor, YARN AM, local mode) comes from its metadata or its own lines. Memory is one
 * entry, one dump and a bounded list of pending signals.
 */
export class LogScanner {
  private entry: Entry | null = null;
  private readonly roles = new RoleEvidence();
  private settled = false;
  private pending: Pending[] = [];
  private dump: OpenDump | null = null;
  private readonly jobFailures = new Set<string>();

  constructor(
    private readonly app: AppState,
    private readonly ctx: ScanContext,
  ) {}

  /** Whose log this is, as far as its metadata and lines have shown. */
  get processRole(): ProcessRole | null {
    return this.resolved().role;
  }

  line(raw: string, lineNo: number): void {
    if (raw.includes('\\n')) {
      const parts = raw.split('\\n');
      if (parts.length > JSON_ESCAPED_BREAKS) {
        for (const p of parts) this.oneLine(unescapeJson(p), lineNo, false);
        return;
      }
    }
    this.oneLine(raw, lineNo, true);
  }

  end(): void {
    this.flush();
    this.settle();
  }

  private oneLine(raw: string, lineNo: number, contiguous: boolean): void {
    const text = raw.replace(LINE_PREFIX, '').replace(TABLE_TAIL, '').replace(PROGRESS, '');
    this.facts(text, lineNo);
    // A driver's log may still turn out to be local mode's one JVM: read on until it does.
    if (this.roles.decide().role !== 'local' && this.ctx.role !== 'executor' && this.roles.see(text) && !this.settled) {
      if (this.resolved().settled) this.settle();
    }
    this.memoryDump(text, lineNo);
    if (LOG4J_HEADER.test(text) || BARE_START.test(text) || this.entry === null) {
      this.flush();
      this.entry = { nos: [lineNo], lines: [text], chars: text.length, contiguous };
      return;
    }
    const e = this.entry;
    if (e.lines.length < MAX_ENTRY_LINES && e.chars < MAX_ENTRY_CHARS) {
      if (e.nos[e.nos.length - 1] !== lineNo - 1 || !contiguous) e.contiguous = false;
      e.lines.push(text);
      e.nos.push(lineNo);
      e.chars += text.length;
    }
  }

  private flush(): void {
    const e = this.entry;
    this.entry = null;
    if (!e) return;
    if (this.dump && ++this.dump.age > DUMP_ENTRIES) this.dump = null;
    const text = e.lines.join('\n');
    if (!anyTrigger(text)) return;
    for (const p of this.classify(text, e)) this.emit(p);
  }

  /** Metadata first (a YARN executor container, a pod); then the log's own lines. */
  private resolved(): { role: ProcessRole | null; settled: boolean; amClient: boolean } {
    const seen = this.roles.decide();
    const amClient = this.roles.amClient;
    if (this.ctx.role === 'executor' || this.ctx.role === 'driver') {
      // Local mode is one JVM whatever the metadata says it is.
      return { role: seen.role === 'local' ? 'local' : this.ctx.role, settled: true, amClient: false };
    }
    if (this.ctx.role === 'am') {
      if (seen.role === 'driver' || seen.role === 'local') return { role: 'driver', settled: true, amClient: false };
      return { role: 'am', settled: false, amClient };
    }
    return { ...seen, amClient };
  }

  /** The role is final: pending signals go out with it. */
  private settle(): void {
    this.settled = this.resolved().settled;
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) this.add(this.finish(p));
  }

  private emit(p: Pending | SignalInput): void {
    if (!('bare' in p)) {
      this.add(p);
      return;
    }
    if (this.resolved().settled) {
      this.add(this.finish(p));
      return;
    }
    this.pending.push(p);
    if (this.pending.length > MAX_PENDING) this.add(this.finish(this.pending.shift()!));
  }

  /**
   * A driver's log quotes one job's abort several times (DAGScheduler, the stage, "Exception in thread
   * main", the client's report): a job failure is counted once per text in a log, as the event log's
   * JobFailed is once per job.
   */
  private add(s: SignalInput): void {
    if (s.source === 'job-failure') {
      const key = s.text.slice(0, 400).replace(/\d+/g, '#');
      if (this.jobFailures.has(key)) return;
      if (this.jobFailures.size < MAX_JOB_TEXTS) this.jobFailures.add(key);
    }
    this.app.signals.add(s);
  }

  /** A context signal with the log's role: its executor id, and a bare message's source. */
  private finish(p: Pending): SignalInput {
    const { role, amClient } = this.resolved();
    const who = role ?? p.hint;
    let executor: string | null;
    if (this.ctx.executorId !== null && role !== 'local') executor = this.ctx.executorId;
    else if (who === 'driver' || who === 'local') executor = 'driver';
    else if (who === 'am') executor = amClient ? AM_ID : 'driver';
    else executor = null;
    // A bare message is the process's own in a driver or AM; a task's in an executor, and in local mode's
    // one JVM (what an event log shows there: tasks on "executor driver").
    const driverSide = (executor === 'driver' && role !== 'local') || executor === AM_ID;
    const source: SignalSource = p.bare ? (driverSide ? 'job-failure' : 'task-exception') : p.sig.source;
    return { ...p.sig, executor, source };
  }

  /** The signal(s) one entry stands for; the source mirrors where an event log would have it. */
  private classify(text: string, e: Entry): Array<Pending | SignalInput> {
    const frames = e.lines
      .map((l) => FRAME.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]!}.${m[2]!}`);
    const dump = this.dump?.dump ?? null;
    const sig = (source: SignalSource, at: number, body: string, executor: string | null, stage: string | null = null): SignalInput => {
      const lead = body.length - body.trimStart().length;
      return {
        source,
        text: body.trim(),
        frames,
        executor,
        stage,
        at: this.locate(e, text, at + lead),
        lineMapped: e.contiguous,
        causedByApp: null,
        dump: dump && tidMatches(text, dump.task) ? dump : null,
      };
    };
    const ctx = (source: SignalSource, at: number, body: string, hint: Pending['hint'] = null, stage: string | null = null): Pending => ({
      sig: sig(source, at, body, null, stage),
      bare: false,
      hint,
    });
    let m: RegExpExecArray | null;
    // A Py4J call whose own answer is the exception: the driver JVM threw it (collect, toPandas, fit…).
    if (
      (m =
        /An error occurred while calling [\w$.:]+\.\w+\.\s*\n\s*:[ \t]*(?![ \t])(?!org\.apache\.spark\.SparkException: Job (?:aborted|\d+ cancelled))([^\n]+)/.exec(
          text,
        ))
    ) {
      const from = m.index + m[0].length - m[1]!.length;
      return [sig('job-failure', from, text.slice(from), 'driver')];
    }
    if ((m = /The executor with id (\S+) exited with exit code[\s\S]*/.exec(text))) return [sig('executor-removed', m.index, m[0], m[1]!)];
    if (/The executor with id (\S+) was deleted by a user or the framework/.test(text)) return [];
    if ((m = /Lost executor (\S+) on [^:\n]*:\s*([\s\S]*)/.exec(text))) return [sig('executor-removed', bodyAt(text, m, 2), m[2]!, m[1]!)];
    // Standalone (StandaloneSchedulerBackend): "Executor app-…/3 removed: Command exited with code 52", and the
    // app client's "Executor updated: app-…/3 is now EXITED (Command exited with code 52)" before it.
    if ((m = /Executor app-[\w-]+\/(\d+) removed: ([\s\S]*)/.exec(text)))
      return [sig('executor-removed', bodyAt(text, m, 2), m[2]!, m[1]!)];
    if ((m = /Executor updated: app-[\w-]+\/(\d+) is now (?:EXITED|FAILED|KILLED|LOST) \(([^)\n]*)\)/.exec(text)))
      return [sig('executor-removed', m.index + m[0].length - 1 - m[2]!.length, m[2]!, m[1]!)];
    // Databricks: the driver's own end ("Driver down cause: driver state change (exit code: 137)").
    if ((m = /Driver down cause:[^\n]*/.exec(text))) return [sig('executor-removed', m.index, m[0], 'driver')];
    const out: Array<Pending | SignalInput> = [];
    // A job's abort quotes its task's failure: the job's failure, and the task's.
    if ((m = /Job aborted due to stage failure:[\s\S]*/.exec(text)) && /most recent failure: Lost task/.test(m[0]))
      out.push(sig('job-failure', m.index, m[0], null));
    // A console or notebook may hard-wrap the line it printed: "Lost task 1.0\nin stage 9.0 (TID …".
    if (
      (m =
        /Lost task ([\d.]+)\s+in stage ([\d.]+) \(TID \d+(?:, ([^,)]+))?(?:, executor ([^)\s]+))?\)(?: \((?:[^)]*?)executor ([^)\s]+)\))?:\s*([\s\S]*)/.exec(
          text,
        ))
    ) {
      const body = m[6]!;
      const from = bodyAt(text, m, 6);
      const lost = /ExecutorLostFailure \(executor (\S+?)(?: lost|\s)/.exec(body);
      if (lost) {
        const reason = /^[\s\S]*?Reason:\s*/.exec(body);
        return [...out, sig('executor-lost', from + (reason?.[0].length ?? 0), body.slice(reason?.[0].length ?? 0), lost[1]!, m[2])];
      }
      const exec = m[4] ?? m[5] ?? null;
      return [...out, exec !== null ? sig('task-exception', from, body, exec, m[2]) : ctx('task-exception', from, body, 'executor', m[2])];
    }
    if (out.length > 0) return out;
    if ((m = /ExecutorLostFailure \(executor (\S+?)(?: lost|\s)[\s\S]*?(?:Reason:\s*([\s\S]*))?$/.exec(text)))
      return [sig('executor-lost', m[2] !== undefined ? bodyAt(text, m, 2) : m.index, m[2] ?? m[0], m[1]!)];
    if ((m = /Exception in task ([\d.]+) in stage ([\d.]+)[^\n]*\n([\s\S]*)/.exec(text)))
      return [ctx('task-exception', bodyAt(text, m, 3), m[3]!, 'executor', m[2])];
    if ((m = /Removing executor (\S+) with no recent heartbeats[\s\S]*/.exec(text))) return [sig('executor-removed', m.index, m[0], m[1]!)];
    // The scheduler backend relaying an executor's end (YarnSchedulerEndpoint, CoarseGrainedSchedulerBackend.DriverEndpoint).
    if (
      (m =
        /(?:Requesting|requesting) driver to remove executor (\S+) for reason ([\s\S]*)|Asked to remove executor (\S+) with reason ([\s\S]*)/.exec(
          text,
        ))
    ) {
      const g = m[1] !== undefined ? 2 : 4;
      return [sig('executor-removed', bodyAt(text, m, g), m[g]!, m[g - 1]!)];
    }
    if (
      (m =
        /(?:Container \[pid=\d+,containerID=|containerID=|Container marked as failed: |Container from a bad node: |Completed container |Container (?=container_\w+(?: on host: \S+)? was preempted))(container_[\w]+)[\s\S]*/.exec(
          text,
        ))
    ) {
      const exec = this.executorForContainer(m[1]!);
      return [exec === undefined ? ctx('executor-removed', m.index, m[0]) : sig('executor-removed', m.index, m[0], exec)];
    }
    if (
      (m = /(?:failed \d+ times (?:\([^)]*\) )?due to )?AM Container for appattempt_\S+ exited with\s+exitCode:\s*-?\d+[\s\S]*/.exec(text))
    )
      return [sig('executor-removed', m.index, m[0], this.amExecutor())];
    // YarnAllocator / YarnSchedulerEndpoint report a kill before naming the executor.
    if ((m = /Container killed by YARN for exceeding[\s\S]*/.exec(text))) return [sig('executor-removed', m.index, m[0], null)];
    if ((m = /Memory cgroup out of memory: Kill(?:ed)? process[\s\S]*/.exec(text))) return [ctx('executor-removed', m.index, m[0])];
    // The executor's own end when the driver stopped answering (Executor.reportHeartBeat: System.exit(56)).
    if ((m = /Exit as unable to send heartbeats to driver[^\n]*/.exec(text))) return [ctx('executor-removed', m.index, m[0], 'executor')];
    if ((m = /Exception in thread "([^"]+)"\s*([\s\S]*)/.exec(text))) {
      const thread = m[1]!;
      const hint = TASK_THREAD.test(thread) ? 'executor' : DRIVER_THREAD.test(thread) ? 'driver' : null;
      // The application's own main thread: the driver process ends with it (spark-submit exits 1). Not an
      // executor's main (a backend that could not start) nor a client-mode AM's (ExecutorLauncher).
      const notDriver = this.ctx.role === 'executor' || (this.roles.executor && !this.roles.driver) || this.roles.amClient;
      if (thread === 'main' && !notDriver) this.app.mainThreadDied ??= this.locate(e, text, m.index);
      return [{ sig: sig('job-failure', bodyAt(text, m, 2), m[2]!, null), bare: true, hint }];
    }
    // The driver's Python process itself (toPandas, collect): a traceback that is not a worker's.
    if (
      (m = /^Traceback \(most recent call last\):[\s\S]*?^\s*MemoryError\b[^\n]*/m.exec(text)) &&
      !/PythonException|pyspark[/\\]worker\.py|Python worker/.test(text)
    ) {
      return [sig('job-failure', m.index, m[0], 'driver')];
    }
    if ((m = /Job aborted due to stage failure:[\s\S]*/.exec(text))) return [sig('job-failure', m.index, m[0], null)];
    // The RAPIDS Accelerator logs the GpuRetryOOM it is about to retry at INFO or DEBUG (RmmRapidsRetryIterator:
    // "splitReason is set to GPU_OOM after checking …, related exception:"): a retry the plugin handles, not a failure.
    if (RAPIDS_RETRY.test(text) && QUIET_LEVEL.test(text)) return [];
    // A message on its own (a pasted error, an OnOutOfMemoryError hook's "# java.lang.OutOfMemoryError…"), from
    // the line that holds what made the entry worth reading: the lines before it are context, not the failure.
    const from = text.lastIndexOf('\n', Math.max(0, firstTrigger(text))) + 1;
    const skip = text.slice(0, from).split('\n').length - 1;
    const body = e.lines
      .slice(skip)
      .map((l) =>
        l
          .replace(LOG4J_HEADER, '')
          .replace(/^[^:]*?(?:INFO|WARN|ERROR|FATAL)\s+[\w.$]+(?:\[[^\]]*\])?:\s*/, '')
          .replace(/^#\s*/, ''),
      )
      .join('\n');
    return [{ sig: sig('task-exception', from, body, null), bare: true, hint: null }];
  }

  /** Where offset `at` of the entry's text is in the file. */
  private locate(e: Entry, text: string, at: number): Location {
    let i = 0;
    for (let p = text.indexOf('\n'); p !== -1 && p < at; p = text.indexOf('\n', p + 1)) i++;
    return { file: this.ctx.file, line: e.nos[Math.min(i, e.nos.length - 1)]! };
  }

  /**
   * The executor a container ran, when its launch script said; the first container of an attempt is
   * the application master: the driver in cluster mode (or when the mode is unknown), ExecutorLauncher
   * (AM_ID) in client mode. undefined: this scanner's own container, whose role its lines decide.
   */
  private executorForContainer(containerId: string): string | null | undefined {
    if (containerId === this.ctx.containerId && this.ctx.role === 'am') return undefined;
    if (/_0*1$/.test(containerId)) return this.amExecutor();
    // In `yarn logs`, the AM's lines about a container come before that container's launch script names
    // its executor: the container id holds the place until then (YarnAggregatedReader renames or forgets it).
    return this.ctx.containerExecutors.get(containerId) ?? (this.ctx.containerId !== null ? containerId : null);
  }

  /** The AM's executor id: a client-mode AM is not the driver. */
  private amExecutor(): string {
    const mode = this.app.effectiveConf['spark.submit.deployMode']?.trim().toLowerCase();
    if (mode === 'client') return AM_ID;
    if (mode === 'cluster') return 'driver';
    // A driver's own log that reports the AM's container: the driver is not in it (client mode).
    return this.roles.amClient || (this.roles.driver && this.ctx.role !== 'am') ? AM_ID : 'driver';
  }

  /**
   * TaskMemoryManager.showMemoryUsage() (INFO, before the error): "Memory used in task N", then
   * "Acquired by <consumer>: <size>" lines, the bytes of no consumer, and the executor's totals.
   */
  private memoryDump(text: string, lineNo: number): void {
    if (!text.includes('TaskMemoryManager') && !text.includes('bytes of memory') && !text.includes('Acquired by ')) return;
    let m: RegExpExecArray | null;
    if ((m = /\bMemory used in task (\d+)\s*$/.exec(text))) {
      this.dump = {
        age: 0,
        dump: {
          task: m[1]!,
          consumers: [],
          consumerCount: 0,
          unassigned: null,
          execution: null,
          storage: null,
          unmanaged: null,
          at: { file: this.ctx.file, line: lineNo },
        },
      };
      return;
    }
    const d = this.dump?.dump;
    if (!d) return;
    // The consumer's toString may contain ": "; the size is after the last one (Utils.bytesToString).
    if ((m = /\bAcquired by (.+): ([\d.]+ (?:B|[KMGTPE]i?B))\s*$/.exec(text))) {
      const bytes = humanBytes(m[2]!);
      if (bytes === null) return;
      d.consumerCount++;
      d.consumers.push({ consumer: m[1]!.trim(), bytes });
      d.consumers.sort((a, b) => b.bytes - a.bytes);
      if (d.consumers.length > MAX_CONSUMERS) d.consumers.pop();
      return;
    }
    if ((m = /\b(\d+) bytes of memory were used by task (\d+) but are not associated with specific consumers/.exec(text))) {
      d.unassigned = Number(m[1]);
      return;
    }
    if (
      (m =
        /\b(\d+) bytes of memory are used for execution and (\d+) bytes of memory are used for storage(?: and (\d+) bytes of unmanaged memory are used)?/.exec(
          text,
        ))
    ) {
      d.execution = Number(m[1]);
      d.storage = Number(m[2]);
      d.unmanaged = m[3] !== undefined ? Number(m[3]) : null;
    }
  }

  private facts(text: string, lineNo: number): void {
    const app = this.app;
    const at = { file: this.ctx.file, line: lineNo };
    if (app.appId === null) {
      const id = /\b(application_\d{10,}_\d{4,})\b/.exec(text) ?? /\bcontainer_(?:e\d+_)?(\d{10,})_(\d{4,})_\d+_\d+/.exec(text);
      if (id) app.appId = id[2] !== undefined ? `application_${id[1]!}_${id[2]}` : id[1]!;
    }
    if (app.clusterManagerHint === null) {
      for (const [re, cm] of CLUSTER_MANAGER_LINES) if (re.test(text)) app.clusterManagerHint = cm;
    }
    if (app.sparkVersion === null) {
      const v = /Running Spark version (\d+\.\d+\.\d+\S*)/.exec(text);
      if (v) app.sparkVersion = v[1]!;
    }
    if (text.includes('-Xmx')) {
      const x = /-Xmx(\d+[kKmMgGtT]?)\b/.exec(text);
      if (x) {
        // The class the command line starts: an executor backend, the client-mode AM (ExecutorLauncher,
        // sized by spark.yarn.am.memory), the cluster-mode AM (ApplicationMaster runs the driver), spark-submit.
        const role = /(?:CoarseGrained|Kubernetes)ExecutorBackend/.test(text)
          ? 'executor'
          : /\bExecutorLauncher\b/.test(text)
            ? 'am'
            : /\bdeploy\.yarn\.ApplicationMaster\b|SparkSubmit|DriverWrapper/.test(text)
              ? 'driver'
              : this.ctx.role === 'am'
                ? null
                : this.ctx.role;
        const key =
          role === 'executor'
            ? 'spark.executor.memory'
            : role === 'driver'
              ? 'spark.driver.memory'
              : role === 'am'
                ? 'spark.yarn.am.memory'
                : null;
        if (key) app.derive(key, x[1]!.toLowerCase(), { kind: 'xmx', at });
      }
    }
    if (text.includes('spark.')) {
      for (const c of text.matchAll(/(?:-D|--conf[ =]|--conf\s+"?)(spark\.[\w.-]+)=([^\s'"\\]+)/g))
        app.derive(c[1]!, c[2]!, { kind: 'flag', at });
    }
    if (text.includes('spark.gluten.memory.offHeap.size.in.bytes=')) {
      // Gluten prints its pool with an off-heap refusal ("Current config settings:"). Its plugin starts only
      // with spark.memory.offHeap.enabled=true and sets the pool from spark.memory.offHeap.size (GlutenPlugin.scala:
      // "Must set 'spark.memory.offHeap.enabled' to true"; GLUTEN_OFFHEAP_SIZE_IN_BYTES_KEY = the size), so
      // both settings are facts of that run: the layout then counts the pool in the container as Spark does.
      const pool = /spark\.gluten\.memory\.offHeap\.size\.in\.bytes=([\d.]+) ?([KMGTP]?)i?B\b/.exec(text);
      const bytes = pool ? Number(pool[1]) * 1024 ** 'BKMGTP'.indexOf(pool[2] || 'B') : 0;
      if (bytes > 0) {
        app.derive('spark.memory.offHeap.enabled', 'true', { kind: 'flag', at });
        const mib = Math.round(bytes / 2 ** 20);
        app.derive('spark.memory.offHeap.size', mib % 1024 === 0 ? `${mib / 1024}g` : `${mib}m`, { kind: 'flag', at });
      }
    }
    if (text.includes('--executor-id')) {
      const id = /--executor-id\s+(\S+)/.exec(text);
      const cores = /--cores\s+(\d+)/.exec(text);
      if (id && this.ctx.containerId) this.ctx.containerExecutors.set(this.ctx.containerId, id[1]!);
      if (cores) app.derive('spark.executor.cores', cores[1]!, { kind: 'flag', at });
    }
  }
}

/** The offset of group `g` of match `m` in the text it was run on (the group is the match's tail). */
function bodyAt(text: string, m: RegExpExecArray, g: number): number {
  const group = m[g]!;
  return m.index + m[0].lastIndexOf(group);
}

/** Whether an entry is about task `tid`, or names no task (the dump is printed right before its task's error). */
function tidMatches(entry: string, tid: string): boolean {
  const m = /\(TID (\d+)[,)]/.exec(entry);
  return m === null || m[1] === tid;
}

/** One segment of a JSON string value: the escapes a notebook or JSON log writes. */
function unescapeJson(s: string): string {
  return s.replace(/\\(["\\/tr])/g, (_, c: string) => (c === 't' ? '\t' : c === 'r' ? '' : c));
}

/** "303.0 KiB", "2.1 GiB", "1578.4 MiB", "12 B" (Utils.bytesToString: binary multiples) → bytes. */
function humanBytes(s: string): number | null {
  const m = /^([\d.]+) ([KMGTPE]?)i?B$/.exec(s.trim());
  if (!m) return null;
  const pow = ' KMGTPE'.indexOf(m[2] || ' ');
  return Math.round(Number(m[1]) * 1024 ** Math.max(0, pow));
}
