import type * as Zod from 'zod';
import {
  array,
  bool,
  metricMap,
  metricMapOf,
  num,
  obj,
  opt,
  record,
  str,
  stringMap,
  stringMapOf,
  strOrNum,
  unknown,
  type Field,
  type Out,
} from './fields.js';
import { loadZod } from './zod.js';

/**
 * The events the product uses, as Spark's JsonProtocol writes them
 * (core/src/main/scala/org/apache/spark/util/JsonProtocol.scala). Only the fields we read are
 * declared; everything else is dropped. Fields that some Spark version lacks are optional
 * (../shared/reference/MESSAGES.md §6): "Stage Attempt ID" before 1.2, "Exit Caused By App" and
 * "Loss Reason" before 1.6, "Maximum Onheap Memory" before 2.2, "Task Executor Metrics" before 3.0.
 *
 * One table (fields.ts's words, plain objects) that both readers are built from: the zod schemas
 * (schemaOf, at their first use: building them all took ~17 ms of every start) and check.ts's
 * checks without zod, which read most lines.
 */
const resourceRequest = obj({ 'Resource Name': opt(str), Amount: num });

const stageInfo = obj({
  'Stage ID': num,
  'Stage Attempt ID': opt(num),
  'Stage Name': opt(str),
  'Number of Tasks': opt(num),
  'Submission Time': opt(num),
  'Completion Time': opt(num),
  'Failure Reason': opt(str),
  // The stages whose shuffle output this one reads (JsonProtocol stageInfoToJson); [] for a stage that reads none.
  'Parent IDs': opt(array(num)),
});

const stackFrame = obj({
  'Declaring Class': opt(str),
  'Method Name': opt(str),
  'File Name': opt(str),
  'Line Number': opt(num),
});

const taskEndReason = obj({
  Reason: str,
  'Class Name': opt(str),
  Description: opt(str),
  'Stack Trace': opt(array(stackFrame)),
  'Full Stack Trace': opt(str),
  'Executor ID': opt(str),
  'Exit Caused By App': opt(bool),
  'Loss Reason': opt(str),
  'Kill Reason': opt(str),
  Message: opt(str),
});

/** Event name (the part after the last '.', so SQL events match by their short name) → its fields. */
export const EVENTS = {
  SparkListenerLogStart: obj({ 'Spark Version': str }),

  SparkListenerEnvironmentUpdate: obj({
    'JVM Information': opt(stringMap),
    'Spark Properties': opt(stringMap),
    'System Properties': opt(stringMap),
  }),

  SparkListenerApplicationStart: obj({
    'App Name': opt(str),
    'App ID': opt(str),
    Timestamp: opt(num),
    User: opt(str),
    'App Attempt ID': opt(str),
  }),

  SparkListenerApplicationEnd: obj({ Timestamp: opt(num), ExitCode: opt(num) }),

  SparkListenerExecutorAdded: obj({
    Timestamp: opt(num),
    'Executor ID': str,
    'Executor Info': opt(obj({ Host: opt(str), 'Total Cores': opt(num), 'Resource Profile Id': opt(num) })),
  }),

  SparkListenerExecutorRemoved: obj({
    Timestamp: opt(num),
    'Executor ID': str,
    'Removed Reason': opt(str),
  }),

  SparkListenerBlockManagerAdded: obj({
    'Block Manager ID': obj({ 'Executor ID': str, Host: opt(str), Port: opt(num) }),
    'Maximum Memory': num,
    Timestamp: opt(num),
    'Maximum Onheap Memory': opt(num),
    'Maximum Offheap Memory': opt(num),
  }),

  SparkListenerResourceProfileAdded: obj({
    'Resource Profile Id': num,
    'Executor Resource Requests': opt(record(resourceRequest)),
    'Task Resource Requests': opt(record(resourceRequest)),
  }),

  // Of a job's properties only the SQL execution it belongs to (SQLExecution.EXECUTION_ID_KEY) is kept: the
  // rest (call sites, descriptions) can be large and is dropped by the schema.
  SparkListenerJobStart: obj({
    'Job ID': num,
    'Submission Time': opt(num),
    'Stage IDs': opt(array(num)),
    Properties: opt(obj({ 'spark.sql.execution.id': opt(strOrNum) })),
  }),

  SparkListenerJobEnd: obj({
    'Job ID': num,
    'Completion Time': opt(num),
    'Job Result': obj({
      Result: str,
      Exception: opt(obj({ Message: opt(str), 'Stack Trace': opt(unknown) })),
    }),
  }),

  SparkListenerStageSubmitted: obj({ 'Stage Info': stageInfo }),
  SparkListenerStageCompleted: obj({ 'Stage Info': stageInfo }),

  SparkListenerTaskEnd: obj({
    'Stage ID': num,
    'Stage Attempt ID': opt(num),
    'Task End Reason': taskEndReason,
    'Task Info': obj({
      'Task ID': num,
      Index: opt(num),
      Attempt: opt(num),
      'Launch Time': opt(num),
      'Finish Time': opt(num),
      'Executor ID': str,
      Host: opt(str),
      Speculative: opt(bool),
      Failed: opt(bool),
      Killed: opt(bool),
    }),
    'Task Metrics': opt(
      obj({
        'Executor Run Time': opt(num),
        'JVM GC Time': opt(num),
        'Result Size': opt(num),
        'Memory Bytes Spilled': opt(num),
        'Disk Bytes Spilled': opt(num),
        'Peak Execution Memory': opt(num),
        'Input Metrics': opt(obj({ 'Bytes Read': opt(num) })),
      }),
    ),
    'Task Executor Metrics': opt(metricMap),
  }),

  SparkListenerStageExecutorMetrics: obj({
    'Executor ID': str,
    'Stage ID': num,
    'Stage Attempt ID': opt(num),
    'Executor Metrics': metricMap,
  }),

  SparkListenerSQLExecutionStart: obj({
    executionId: num,
    description: opt(str),
    details: opt(str),
    physicalPlanDescription: opt(str),
    time: opt(num),
  }),

  SparkListenerSQLExecutionEnd: obj({ executionId: num, time: opt(num), errorMessage: opt(str) }),
};

export type KnownEventName = keyof typeof EVENTS;
export type EventOf<N extends KnownEventName> = Out<(typeof EVENTS)[N]>;

/** A schema-checked event: `type` is the short name, `data` the fields we declared. */
export type KnownEvent = { [N in KnownEventName]: { type: N; data: EventOf<N> } }[KnownEventName];

/** The zod schema a field becomes; one per field object, so a shared one (stageInfo, num) is built once. */
const built = new Map<Field, Zod.ZodType>();
function zodOf(f: Field): Zod.ZodType {
  let s = built.get(f);
  if (s) return s;
  const z = loadZod();
  switch (f.kind) {
    case 'num':
      s = z.number();
      break;
    case 'str':
      s = z.string();
      break;
    case 'bool':
      s = z.boolean();
      break;
    case 'strOrNum':
      s = z.union([zodOf(str), zodOf(num)]);
      break;
    case 'unknown':
      s = z.unknown();
      break;
    case 'stringMap':
      s = z.record(z.string(), z.unknown()).transform(stringMapOf);
      break;
    case 'metricMap':
      s = z.record(z.string(), z.unknown()).transform(metricMapOf);
      break;
    case 'opt':
      s = zodOf(f.of).nullish();
      break;
    case 'array':
      s = z.array(zodOf(f.of));
      break;
    case 'record':
      s = z.record(z.string(), zodOf(f.of));
      break;
    case 'obj':
      s = z.object(Object.fromEntries(Object.entries(f.shape).map(([k, v]) => [k, zodOf(v)])));
      break;
  }
  built.set(f, s);
  return s;
}

/** The zod schema of a known event, built at its first use. */
export function schemaOf<N extends KnownEventName>(name: N): Zod.ZodType<EventOf<N>> {
  return zodOf(EVENTS[name]) as Zod.ZodType<EventOf<N>>;
}

export function isKnownEvent(name: string): name is KnownEventName {
  return Object.hasOwn(EVENTS, name);
}

export function shortEventName(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? name : name.slice(dot + 1);
}
