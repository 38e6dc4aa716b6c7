// Writes fixtures/hostile/: inputs whose text tries to act on the sink it is printed to (a terminal,
// Markdown, HTML) and expect.json, the exact strings each carries. Control bytes are easier to
// generate than to commit by hand; the generated files are committed.
// Run: node test/render/gen/make-hostile.mjs
//
// - eventlog: a metaspace-oom application (the payload in the app name, the Spark version, an
//   executor id, spark.executor.extraJavaOptions, which metaspace-oom quotes as a remediation's
//   "current", and the failure message). Written as Spark's JsonProtocol (Jackson) writes it: C0
//   controls as \u00XX escapes (JSON allows no other way), DEL, C1 and bidi characters raw.
// - driver.log: a log4j driver log holding the same payload as raw bytes (UTF-8), after 4 KiB of
//   ordinary lines, as a terminal-coloured log or a pasted error would.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const OUT = path.resolve('fixtures/hostile');
mkdirSync(OUT, { recursive: true });

/** Every way text can act on a sink, space-separated; a newline last to forge a line of its own. */
const PAYLOAD =
  [
    '\u001b]0;pwned\u0007', // OSC 0: sets the terminal's title
    '\u001b[31mred\u001b[0m', // CSI SGR: colours
    '\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\', // OSC 8: a hyperlink
    '\u009b31mc1', // C1 CSI (8-bit)
    'nul\u0000nul',
    'del\u007fdel',
    '\u202eevil\u202c', // bidi override, then pop
    '`x`', // closes a Markdown code span
    '|', // a table cell
    '[a](b)',
    '![i](j)',
    '<img src=x onerror=alert(1)>',
    '<script>alert(1)</script>',
  ].join(' ') + '\n# head';

/** No whitespace and no ')': an executor id as log4j lines carry it ("executor 7…)"). */
const EXEC = '7\u001b]0;x\u0007\u001b[31m\u009b\u0000\u007f\u202e`x`<b>';

const appName = `app ${PAYLOAD}`;
const sparkVersion = `3.4.1-${PAYLOAD}`;
const extraJavaOptions = `-Xss4m ${PAYLOAD}`;
const description = `Metaspace ${PAYLOAD}`;
const failure = `java.lang.OutOfMemoryError: ${description}`;
const appId = 'application_1700000000000_0666';

const T0 = 1700000000000;
const MiB = 1024 ** 2;
const metrics = {
  JVMHeapMemory: 3000 * MiB,
  JVMOffHeapMemory: 700 * MiB,
  OnHeapExecutionMemory: 100 * MiB,
  OnHeapStorageMemory: 10 * MiB,
  DirectPoolMemory: 20 * MiB,
};
const abort = `Job aborted due to stage failure: Task 3 in stage 0.0 failed 4 times, most recent failure: Lost task 3.3 in stage 0.0 (TID 3) (node-1 executor ${EXEC}): ${failure}\nDriver stacktrace:`;

let tid = 0;
const task = (exec, reason) => {
  const id = tid++;
  const launch = T0 + 3000 + id * 10;
  return {
    Event: 'SparkListenerTaskEnd',
    'Stage ID': 0,
    'Stage Attempt ID': 0,
    'Task Type': 'ShuffleMapTask',
    'Task End Reason': reason,
    'Task Info': {
      'Task ID': id,
      Index: id,
      Attempt: 0,
      'Launch Time': launch,
      'Executor ID': exec,
      Host: 'node-1',
      Locality: 'NODE_LOCAL',
      Speculative: false,
      'Finish Time': launch + 10200,
      Failed: reason.Reason !== 'Success',
      Killed: false,
      Accumulables: [],
    },
    'Task Executor Metrics': metrics,
    'Task Metrics': {
      'Executor Run Time': 10000,
      'JVM GC Time': 100,
      'Result Size': 2000,
      'Memory Bytes Spilled': 0,
      'Disk Bytes Spilled': 0,
      'Peak Execution Memory': 64 * MiB,
    },
  };
};
const oom = {
  Reason: 'ExceptionFailure',
  'Class Name': 'java.lang.OutOfMemoryError',
  Description: description,
  'Stack Trace': [],
  'Full Stack Trace': failure,
  'Accumulator Updates': [],
};

const events = [
  { Event: 'SparkListenerLogStart', 'Spark Version': sparkVersion },
  {
    Event: 'SparkListenerEnvironmentUpdate',
    'JVM Information': { 'Java Version': '17.0.9' },
    'Spark Properties': {
      'spark.master': 'yarn',
      'spark.app.name': appName,
      'spark.executor.memory': '8g',
      'spark.executor.cores': '4',
      'spark.submit.deployMode': 'cluster',
      'spark.executor.extraJavaOptions': extraJavaOptions,
    },
    'System Properties': { 'java.version': '17.0.9', 'sun.java.command': 'org.apache.spark.deploy.SparkSubmit' },
    'Classpath Entries': {},
  },
  { Event: 'SparkListenerApplicationStart', 'App Name': appName, 'App ID': appId, Timestamp: T0, User: 'etl', 'App Attempt ID': '1' },
  {
    Event: 'SparkListenerExecutorAdded',
    Timestamp: T0 + 1000,
    'Executor ID': EXEC,
    'Executor Info': { Host: 'node-1', 'Total Cores': 4, 'Log Urls': {} },
  },
  {
    Event: 'SparkListenerBlockManagerAdded',
    'Block Manager ID': { 'Executor ID': EXEC, Host: 'node-1', Port: 40000 },
    'Maximum Memory': 4965217075,
    Timestamp: T0 + 1100,
    'Maximum Onheap Memory': 4965217075,
    'Maximum Offheap Memory': 0,
  },
  { Event: 'SparkListenerJobStart', 'Job ID': 0, 'Submission Time': T0 + 2000, 'Stage Infos': [], 'Stage IDs': [0] },
  {
    Event: 'SparkListenerStageSubmitted',
    'Stage Info': { 'Stage ID': 0, 'Stage Attempt ID': 0, 'Stage Name': 'collect at Job.scala:42', 'Number of Tasks': 4 },
  },
  task(EXEC, { Reason: 'Success' }),
  ...Array.from({ length: 3 }, () => task(EXEC, oom)),
  {
    Event: 'SparkListenerStageCompleted',
    'Stage Info': {
      'Stage ID': 0,
      'Stage Attempt ID': 0,
      'Stage Name': 'collect at Job.scala:42',
      'Number of Tasks': 4,
      'Completion Time': T0 + 90000,
      'Failure Reason': abort,
    },
  },
  {
    Event: 'SparkListenerJobEnd',
    'Job ID': 0,
    'Completion Time': T0 + 90000,
    'Job Result': { Result: 'JobFailed', Exception: { Message: abort, 'Stack Trace': [] } },
  },
  { Event: 'SparkListenerApplicationEnd', Timestamp: T0 + 100000 },
];
writeFileSync(path.join(OUT, `${appId}_1`), `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);

// The driver log: ordinary lines first (sniffing reads the first 4 KiB: a NUL there means binary).
const lines = [];
for (let i = 0; lines.join('\n').length < 5000; i++) {
  lines.push(
    `23/11/14 22:13:${String(20 + (i % 40)).padStart(2, '0')} INFO BlockManagerInfo: Added broadcast_${i}_piece0 in memory on node-${1 + (i % 4)}:40000 (size: ${12 + i}.3 KiB, free: 4.6 GiB)`,
  );
}
const driverVersion = `3.4.1-\u001b]0;pwned\u0007\u009b\u202e\u007f`;
lines.unshift(`23/11/14 22:13:19 INFO SparkContext: Running Spark version ${driverVersion}`);
const driverFailure = `java.lang.OutOfMemoryError: Metaspace ${PAYLOAD}`;
lines.push(`23/11/14 22:14:02 WARN TaskSetManager: Lost task 0.0 in stage 0.0 (TID 9) (node-1 executor ${EXEC}): ${driverFailure}`);
lines.push('23/11/14 22:14:03 INFO DAGScheduler: ResultStage 0 (collect at Job.scala:42) failed in 90.0 s');
writeFileSync(path.join(OUT, 'driver.log'), `${lines.join('\n')}\n`);

const expected = {
  eventLog: { path: `${appId}_1`, appId, appName, sparkVersion, executorId: EXEC, extraJavaOptions, failure, code: 'metaspace-oom' },
  driverLog: { path: 'driver.log', sparkVersion: driverVersion, executorId: EXEC, failure: driverFailure, code: 'metaspace-oom' },
  payload: PAYLOAD,
};
writeFileSync(path.join(OUT, 'expect.json'), `${JSON.stringify(expected, null, 2)}\n`);
console.log('fixtures/hostile written');
