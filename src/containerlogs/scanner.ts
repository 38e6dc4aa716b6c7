import type { Location } from '../input/stats.js';
import type { AppState } from '../state/app.js';
import type { SignalInput, SignalSource } from '../state/signals.js';
import { LOG4J_HEADER } from './log4j.js';

/** What is known about the process that wrote a log (a YARN container, a pod, or nothing). */
export interface ScanContext {
  file: string;
  role: 'driver' | 'executor' | null;
  executorId: string | null;
  containerId: string | null;
  /** container id → executor id, from launch scripts (--executor-id), shared by every scanner of an input. */
  containerExecutors: Map<string, string>;
}

// Anything worth a closer look; everything else only feeds the fact extractors.
const INTERESTING =
  /OutOfMemory|out of memory|memory limit|OOMKilled|exit code|exit status|exitCode|heartbeat|Python worker|MemoryError|Kryo serialization failed|KRYO_BUFFER|broadcast(?:ed)? the table|broadcasted table|maxResultSize|Container killed|Lost executor|SIGKILL|Killed process|Unable to acquire|UNABLE_TO_ACQUIRE|SPILL_OUT_OF_MEMORY|POINTER_ARRAY_OUT|AGGREGATE_OUT_OF|ExecutorLostFailure|Exception in task|Job aborted|exceeds VM limit|native thread|Metaspace|Direct buffer|GC overhead|enough memory|The executor with id|Container marked as failed|Uncaught exception|beyond (?:the '\w+'|\w+) memory limit/i;
const MAX_ENTRY_LINES = 200;
const MAX_ENTRY_CHARS = 16 * 1024;
const PROGRESS = /^\[Stage \d+:[^\]]*\]/;
const FRAME = /^\s*at ([\w$.<>/]+)\.([\w$<>]+)\(/;

interface Entry {
  at: Location;
  lines: string[];
  chars: number;
}

/**
 * Reads a Spark (or YARN, or Kubernetes) text log line by line: groups each log4j entry with its
 * continuation lines (stack traces, multi-line reasons), turns failure entries into the same signals
 * an event log gives (so every classifier applies), and collects configuration facts. Memory is one
 * entry, capped.
 */
export class LogScanner {
  private entry: Entry | null = null;
  private localDriver = false;

  constructor(
    private readonly app: AppState,
    private readonly ctx: ScanContext,
  ) {}

  line(raw: string, lineNo: number): void {
    const text = raw.replace(PROGRESS, '');
    this.facts(text, lineNo);
    if (LOG4J_HEADER.test(text) || this.entry === null) {
      this.flush();
      this.entry = { at: { file: this.ctx.file, line: lineNo }, lines: [text], chars: text.length };
      return;
    }
    const e = this.entry;
    if (e.lines.length < MAX_ENTRY_LINES && e.chars < MAX_ENTRY_CHARS) {
      e.lines.push(text);
      e.chars += text.length;
    }
  }

  end(): void {
    this.flush();
  }

  private flush(): void {
    const e = this.entry;
    this.entry = null;
    if (!e) return;
    const text = e.lines.join('\n');
    if (!INTERESTING.test(text)) return;
    for (const s of this.classify(text, e)) this.app.signals.add(s);
  }

  /** The signal(s) one entry stands for; the source mirrors where an event log would have it. */
  private classify(text: string, e: Entry): SignalInput[] {
    const at = e.at;
    const frames = e.lines
      .map((l) => FRAME.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]!}.${m[2]!}`);
    const ctxExec = this.ctx.executorId ?? (this.ctx.role === 'driver' || this.localDriver ? 'driver' : null);
    const sig = (source: SignalSource, body: string, executor: string | null, stage: string | null = null): SignalInput => ({
      source,
      text: body.trim(),
      frames,
      executor,
      stage,
      at,
      causedByApp: null,
    });
    let m: RegExpExecArray | null;
    if ((m = /The executor with id (\S+) exited with exit code[\s\S]*/.exec(text))) return [sig('executor-removed', m[0], m[1]!)];
    if (/The executor with id (\S+) was deleted by a user or the framework/.test(text)) return [];
    if ((m = /Lost executor (\S+) on [^:\n]*:\s*([\s\S]*)/.exec(text))) {
      if (m[1] === 'driver') this.localDriver = true;
      return [sig('executor-removed', m[2]!, m[1]!)];
    }
    if (
      (m =
        /Lost task ([\d.]+) in stage ([\d.]+) \(TID \d+(?:, ([^,)]+))?(?:, executor ([^)\s]+))?\)(?: \((?:[^)]*?)executor ([^)\s]+)\))?:\s*([\s\S]*)/.exec(
          text,
        ))
    ) {
      const body = m[6]!;
      const lost = /ExecutorLostFailure \(executor (\S+?)(?: lost|\s)/.exec(body);
      if (lost) return [sig('executor-lost', body.replace(/^[\s\S]*?Reason:\s*/, ''), lost[1]!, m[2])];
      const exec = m[4] ?? m[5] ?? null;
      if (exec === 'driver') this.localDriver = true;
      return [sig('task-exception', body, exec ?? ctxExec, m[2])];
    }
    if ((m = /ExecutorLostFailure \(executor (\S+?)(?: lost|\s)[\s\S]*?(?:Reason:\s*([\s\S]*))?$/.exec(text)))
      return [sig('executor-lost', m[2] ?? m[0], m[1]!)];
    if ((m = /Exception in task ([\d.]+) in stage ([\d.]+)[^\n]*\n([\s\S]*)/.exec(text)))
      return [sig('task-exception', m[3]!, ctxExec, m[2])];
    if ((m = /Removing executor (\S+) with no recent heartbeats[\s\S]*/.exec(text))) return [sig('executor-removed', m[0], m[1]!)];
    if (
      (m =
        /(?:Container \[pid=\d+,containerID=|containerID=|Container marked as failed: |Container from a bad node: |Completed container )(container_[\w]+)[\s\S]*/.exec(
          text,
        ))
    ) {
      return [sig('executor-removed', m[0], this.executorForContainer(m[1]!))];
    }
    if ((m = /(?:failed \d+ times due to )?AM Container for appattempt_\S+ exited with\s+exitCode:\s*-?\d+[\s\S]*/.exec(text)))
      return [sig('executor-removed', m[0], 'driver')];
    // YarnAllocator / YarnSchedulerEndpoint report a kill before naming the executor.
    if ((m = /Container killed by YARN for exceeding[\s\S]*/.exec(text))) return [sig('executor-removed', m[0], null)];
    if ((m = /Memory cgroup out of memory: Kill(?:ed)? process[\s\S]*/.exec(text))) return [sig('executor-removed', m[0], ctxExec)];
    if ((m = /Exception in thread "([^"]+)"\s*([\s\S]*)/.exec(text))) {
      const inTask = /Executor task launch worker|^Executor/.test(m[1]!);
      return [sig(inTask ? 'task-exception' : 'job-failure', m[2]!, inTask ? ctxExec : 'driver')];
    }
    if ((m = /Job aborted due to stage failure:[\s\S]*/.exec(text))) return [sig('job-failure', m[0], null)];
    // A message on its own (a pasted error, an OnOutOfMemoryError hook's "# java.lang.OutOfMemoryError…").
    const body = e.lines
      .map((l) =>
        l
          .replace(LOG4J_HEADER, '')
          .replace(/^[^:]*?(?:INFO|WARN|ERROR|FATAL)\s+[\w.$]+(?:\[[^\]]*\])?:\s*/, '')
          .replace(/^#\s*/, ''),
      )
      .join('\n');
    return [sig(this.ctx.role === 'driver' ? 'job-failure' : 'task-exception', body, ctxExec)];
  }

  private executorForContainer(containerId: string): string | null {
    if (/_0*1$/.test(containerId)) return 'driver'; // the first container of an attempt is the AM
    return this.ctx.containerExecutors.get(containerId) ?? null;
  }

  private facts(text: string, lineNo: number): void {
    const app = this.app;
    const at = { file: this.ctx.file, line: lineNo };
    if (app.appId === null) {
      const id = /\b(application_\d{10,}_\d{4,})\b/.exec(text) ?? /\bcontainer_(?:e\d+_)?(\d{10,})_(\d{4,})_\d+_\d+/.exec(text);
      if (id) app.appId = id[2] !== undefined ? `application_${id[1]!}_${id[2]}` : id[1]!;
    }
    if (app.sparkVersion === null) {
      const v = /Running Spark version (\d+\.\d+\.\d+\S*)/.exec(text);
      if (v) app.sparkVersion = v[1]!;
    }
    if (text.includes('-Xmx')) {
      const x = /-Xmx(\d+[kKmMgGtT]?)\b/.exec(text);
      if (x) {
        const role = /CoarseGrainedExecutorBackend/.test(text)
          ? 'executor'
          : /ExecutorLauncher|ApplicationMaster/.test(text)
            ? 'am'
            : /SparkSubmit|DriverWrapper/.test(text)
              ? 'driver'
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
    if (text.includes('--executor-id')) {
      const id = /--executor-id\s+(\S+)/.exec(text);
      const cores = /--cores\s+(\d+)/.exec(text);
      if (id && this.ctx.containerId) this.ctx.containerExecutors.set(this.ctx.containerId, id[1]!);
      if (cores) app.derive('spark.executor.cores', cores[1]!, { kind: 'flag', at });
    }
  }
}
