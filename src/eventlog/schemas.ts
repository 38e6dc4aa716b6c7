import * as z from 'zod';

/**
 * The events the product uses, as Spark's JsonProtocol writes them
 * (core/src/main/scala/org/apache/spark/util/JsonProtocol.scala). Only the fields we read are
 * declared; everything else is dropped. Fields that some Spark version lacks are optional
 * (../shared/reference/MESSAGES.md §6): "Stage Attempt ID" before 1.2, "Exit Caused By App" and
 * "Loss Reason" before 1.6, "Maximum Onheap Memory" before 2.2, "Task Executor Metrics" before 3.0.
 */
/** A property value as text; a nested object (never Spark's own, but a log may hold one) as its JSON, not "[object Object]". */
const scalarText = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : (JSON.stringify(v) ?? '');
/** Properties (a record of anything) as text, nulls dropped: stringMap's transform, and check.ts's. */
export function stringMapOf(r: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) if (v !== null && v !== undefined) out[k] = scalarText(v);
  return out;
}
/** Executor metrics (a record of anything), numbers only: metricMap's transform, and check.ts's. */
export function metricMapOf(r: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(r)) if (typeof v === 'number') out[k] = v;
  return out;
}

/**
 * The schemas, built at their first use: most lines are checked by check.ts without them, and
 * building them took ~17 ms of every start.
 */
function build() {
  const num = z.number();
  const str = z.string();
  const opt = <T extends z.ZodType>(t: T) => t.nullish();
  const stringMap = z.record(z.string(), z.unknown()).transform(stringMapOf);
  const metricMap = z.record(z.string(), z.unknown()).transform(metricMapOf);

  const LogStart = z.object({ 'Spark Version': str });

  const EnvironmentUpdate = z.object({
    'JVM Information': opt(stringMap),
    'Spark Properties': opt(stringMap),
    'System Properties': opt(stringMap),
  });

  const ApplicationStart = z.object({
    'App Name': opt(str),
    'App ID': opt(str),
    Timestamp: opt(num),
    User: opt(str),
    'App Attempt ID': opt(str),
  });

  const ApplicationEnd = z.object({ Timestamp: opt(num), ExitCode: opt(num) });

  const ExecutorAdded = z.object({
    Timestamp: opt(num),
    'Executor ID': str,
    'Executor Info': opt(z.object({ Host: opt(str), 'Total Cores': opt(num), 'Resource Profile Id': opt(num) })),
  });

  const ExecutorRemoved = z.object({
    Timestamp: opt(num),
    'Executor ID': str,
    'Removed Reason': opt(str),
  });

  const BlockManagerAdded = z.object({
    'Block Manager ID': z.object({ 'Executor ID': str, Host: opt(str), Port: opt(num) }),
    'Maximum Memory': num,
    Timestamp: opt(num),
    'Maximum Onheap Memory': opt(num),
    'Maximum Offheap Memory': opt(num),
  });

  const resourceRequest = z.object({ 'Resource Name': opt(str), Amount: num });
  const ResourceProfileAdded = z.object({
    'Resource Profile Id': num,
    'Executor Resource Requests': opt(z.record(z.string(), resourceRequest)),
    'Task Resource Requests': opt(z.record(z.string(), resourceRequest)),
  });

  // Of a job's properties only the SQL execution it belongs to (SQLExecution.EXECUTION_ID_KEY) is kept: the
  // rest (call sites, descriptions) can be large and is dropped by the schema.
  const JobStart = z.object({
    'Job ID': num,
    'Submission Time': opt(num),
    'Stage IDs': opt(z.array(num)),
    Properties: opt(z.object({ 'spark.sql.execution.id': opt(z.union([str, num])) })),
  });

  const JobEnd = z.object({
    'Job ID': num,
    'Completion Time': opt(num),
    'Job Result': z.object({
      Result: str,
      Exception: opt(z.object({ Message: opt(str), 'Stack Trace': opt(z.unknown()) })),
    }),
  });

  const stageInfo = z.object({
    'Stage ID': num,
    'Stage Attempt ID': opt(num),
    'Stage Name': opt(str),
    'Number of Tasks': opt(num),
    'Submission Time': opt(num),
    'Completion Time': opt(num),
    'Failure Reason': opt(str),
  });
  const StageSubmitted = z.object({ 'Stage Info': stageInfo });
  const StageCompleted = z.object({ 'Stage Info': stageInfo });

  const stackFrame = z.object({
    'Declaring Class': opt(str),
    'Method Name': opt(str),
    'File Name': opt(str),
    'Line Number': opt(num),
  });

  const TaskEndReason = z.object({
    Reason: str,
    'Class Name': opt(str),
    Description: opt(str),
    'Stack Trace': opt(z.array(stackFrame)),
    'Full Stack Trace': opt(str),
    'Executor ID': opt(str),
    'Exit Caused By App': opt(z.boolean()),
    'Loss Reason': opt(str),
    'Kill Reason': opt(str),
    Message: opt(str),
  });

  const TaskEnd = z.object({
    'Stage ID': num,
    'Stage Attempt ID': opt(num),
    'Task End Reason': TaskEndReason,
    'Task Info': z.object({
      'Task ID': num,
      Index: opt(num),
      Attempt: opt(num),
      'Launch Time': opt(num),
      'Finish Time': opt(num),
      'Executor ID': str,
      Host: opt(str),
      Speculative: opt(z.boolean()),
      Failed: opt(z.boolean()),
      Killed: opt(z.boolean()),
    }),
    'Task Metrics': opt(
      z.object({
        'Executor Run Time': opt(num),
        'JVM GC Time': opt(num),
        'Result Size': opt(num),
        'Memory Bytes Spilled': opt(num),
        'Disk Bytes Spilled': opt(num),
        'Peak Execution Memory': opt(num),
        'Input Metrics': opt(z.object({ 'Bytes Read': opt(num) })),
      }),
    ),
    'Task Executor Metrics': opt(metricMap),
  });

  const StageExecutorMetrics = z.object({
    'Executor ID': str,
    'Stage ID': num,
    'Stage Attempt ID': opt(num),
    'Executor Metrics': metricMap,
  });

  const SQLExecutionStart = z.object({
    executionId: num,
    description: opt(str),
    details: opt(str),
    physicalPlanDescription: opt(str),
    time: opt(num),
  });

  const SQLExecutionEnd = z.object({ executionId: num, time: opt(num), errorMessage: opt(str) });

  /** Event name (the part after the last '.', so SQL events match by their short name) → schema. */
  return {
    SparkListenerLogStart: LogStart,
    SparkListenerEnvironmentUpdate: EnvironmentUpdate,
    SparkListenerApplicationStart: ApplicationStart,
    SparkListenerApplicationEnd: ApplicationEnd,
    SparkListenerExecutorAdded: ExecutorAdded,
    SparkListenerExecutorRemoved: ExecutorRemoved,
    SparkListenerBlockManagerAdded: BlockManagerAdded,
    SparkListenerResourceProfileAdded: ResourceProfileAdded,
    SparkListenerJobStart: JobStart,
    SparkListenerJobEnd: JobEnd,
    SparkListenerStageSubmitted: StageSubmitted,
    SparkListenerStageCompleted: StageCompleted,
    SparkListenerTaskEnd: TaskEnd,
    SparkListenerStageExecutorMetrics: StageExecutorMetrics,
    SparkListenerSQLExecutionStart: SQLExecutionStart,
    SparkListenerSQLExecutionEnd: SQLExecutionEnd,
  } as const;
}

type Schemas = ReturnType<typeof build>;
let schemas: Schemas | null = null;
/** The zod schema of a known event (all built at the first call). */
export function schemaOf<N extends KnownEventName>(name: N): Schemas[N] {
  return (schemas ??= build())[name];
}

/** The events the product reads (schemas.ts's names; a list, so knowing a name builds no schema). */
const KNOWN = new Set<string>([
  'SparkListenerLogStart',
  'SparkListenerEnvironmentUpdate',
  'SparkListenerApplicationStart',
  'SparkListenerApplicationEnd',
  'SparkListenerExecutorAdded',
  'SparkListenerExecutorRemoved',
  'SparkListenerBlockManagerAdded',
  'SparkListenerResourceProfileAdded',
  'SparkListenerJobStart',
  'SparkListenerJobEnd',
  'SparkListenerStageSubmitted',
  'SparkListenerStageCompleted',
  'SparkListenerTaskEnd',
  'SparkListenerStageExecutorMetrics',
  'SparkListenerSQLExecutionStart',
  'SparkListenerSQLExecutionEnd',
] satisfies KnownEventName[]);

export type KnownEventName = keyof Schemas;
export type EventOf<N extends KnownEventName> = z.output<Schemas[N]>;

/** A schema-checked event: `type` is the short name, `data` the fields we declared. */
export type KnownEvent = { [N in KnownEventName]: { type: N; data: EventOf<N> } }[KnownEventName];

export function isKnownEvent(name: string): name is KnownEventName {
  return KNOWN.has(name);
}

export function shortEventName(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? name : name.slice(dot + 1);
}
