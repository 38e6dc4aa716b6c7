// Writes fixtures/diagnose/<code>/<variant> (small event logs) and expect.json per folder.
// Failure texts are Spark's, Hadoop's and Kubernetes' templates (../shared/reference/MESSAGES.md)
// and real excerpts (../shared/snippets), version by version. Run: node test/classifiers/gen/make-fixtures.mjs
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const OUT = path.resolve('fixtures/diagnose');
rmSync(OUT, { recursive: true, force: true });
const T0 = 1700000000000;
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** A whole application: start, executors, one job with one stage, the given middle, and an end. */
function app({
  version = '3.5.1',
  master = 'yarn',
  conf = {},
  executors = 4,
  cores = 4,
  middle = [],
  ended = true,
  exitCode,
  jobFailed = null,
  stageFailure = null,
  sql = null,
  heapForBm,
}) {
  const ev = [];
  const props = {
    'spark.master': master,
    'spark.app.name': 'fixture',
    'spark.executor.memory': '8g',
    'spark.executor.cores': String(cores),
    'spark.submit.deployMode': 'cluster',
    ...conf,
  };
  if (version) ev.push({ Event: 'SparkListenerLogStart', 'Spark Version': version });
  ev.push({
    Event: 'SparkListenerEnvironmentUpdate',
    'JVM Information': { 'Java Version': '17.0.9' },
    'Spark Properties': props,
    'System Properties': { 'java.version': '17.0.9', 'sun.java.command': 'org.apache.spark.deploy.SparkSubmit' },
    'Classpath Entries': {},
  });
  ev.push({
    Event: 'SparkListenerApplicationStart',
    'App Name': 'fixture',
    'App ID': 'application_1700000000000_0042',
    Timestamp: T0,
    User: 'etl',
    'App Attempt ID': '1',
  });
  for (let i = 1; i <= executors; i++) {
    ev.push({
      Event: 'SparkListenerExecutorAdded',
      Timestamp: T0 + 1000,
      'Executor ID': String(i),
      'Executor Info': { Host: `node-${i}`, 'Total Cores': cores, 'Log Urls': {} },
    });
    if (heapForBm)
      ev.push({
        Event: 'SparkListenerBlockManagerAdded',
        'Block Manager ID': { 'Executor ID': String(i), Host: `node-${i}`, Port: 40000 },
        'Maximum Memory': heapForBm,
        Timestamp: T0 + 1100,
        'Maximum Onheap Memory': heapForBm,
        'Maximum Offheap Memory': 0,
      });
  }
  if (sql)
    ev.push({
      Event: 'org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart',
      executionId: 0,
      description: 'q',
      details: '',
      physicalPlanDescription: sql,
      sparkPlanInfo: {},
      time: T0 + 1500,
    });
  ev.push({ Event: 'SparkListenerJobStart', 'Job ID': 0, 'Submission Time': T0 + 2000, 'Stage Infos': [], 'Stage IDs': [0] });
  ev.push({
    Event: 'SparkListenerStageSubmitted',
    'Stage Info': { 'Stage ID': 0, 'Stage Attempt ID': 0, 'Stage Name': 'sortByKey at Job.scala:42', 'Number of Tasks': 200 },
  });
  ev.push(...middle);
  if (stageFailure !== false)
    ev.push({
      Event: 'SparkListenerStageCompleted',
      'Stage Info': {
        'Stage ID': 0,
        'Stage Attempt ID': 0,
        'Stage Name': 'sortByKey at Job.scala:42',
        'Number of Tasks': 200,
        'Completion Time': T0 + 90000,
        ...(stageFailure ? { 'Failure Reason': stageFailure } : {}),
      },
    });
  ev.push({
    Event: 'SparkListenerJobEnd',
    'Job ID': 0,
    'Completion Time': T0 + 90000,
    'Job Result': jobFailed ? { Result: 'JobFailed', Exception: { Message: jobFailed, 'Stack Trace': [] } } : { Result: 'JobSucceeded' },
  });
  if (ended)
    ev.push({ Event: 'SparkListenerApplicationEnd', Timestamp: T0 + 100000, ...(exitCode !== undefined ? { ExitCode: exitCode } : {}) });
  return ev.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

let tid = 0;
function task({
  exec = '1',
  reason = { Reason: 'Success' },
  run = 10000,
  gc = 100,
  dur,
  spilled = 0,
  peak = 64 * MiB,
  metrics,
  stage = 0,
} = {}) {
  const id = tid++;
  const launch = T0 + 3000 + id * 10;
  return {
    Event: 'SparkListenerTaskEnd',
    'Stage ID': stage,
    'Stage Attempt ID': 0,
    'Task Type': 'ShuffleMapTask',
    'Task End Reason': reason,
    'Task Info': {
      'Task ID': id,
      Index: id,
      Attempt: 0,
      'Launch Time': launch,
      'Executor ID': exec,
      Host: `node-${exec}`,
      Locality: 'NODE_LOCAL',
      Speculative: false,
      'Finish Time': launch + (dur ?? run + 200),
      Failed: reason.Reason !== 'Success' && reason.Reason !== 'TaskKilled',
      Killed: reason.Reason === 'TaskKilled',
      Accumulables: [],
    },
    ...(metrics ? { 'Task Executor Metrics': metrics } : {}),
    'Task Metrics': {
      'Executor Run Time': run,
      'JVM GC Time': gc,
      'Result Size': 2000,
      'Memory Bytes Spilled': spilled,
      'Disk Bytes Spilled': Math.floor(spilled / 3),
      'Peak Execution Memory': peak,
    },
  };
}
const frames = (...names) =>
  names.map((n) => {
    const i = n.lastIndexOf('.');
    return { 'Declaring Class': n.slice(0, i), 'Method Name': n.slice(i + 1), 'File Name': 'X.java', 'Line Number': 1 };
  });
const exc = (cls, desc, st = [], full = '') => ({
  Reason: 'ExceptionFailure',
  'Class Name': cls,
  Description: desc,
  'Stack Trace': st,
  'Full Stack Trace': full || `${cls}: ${desc}`,
  'Accumulator Updates': [],
});
const lost = (exec, reason, byApp = true) => ({
  Reason: 'ExecutorLostFailure',
  'Executor ID': exec,
  'Exit Caused By App': byApp,
  'Loss Reason': reason,
});
const removed = (exec, reason) => ({
  Event: 'SparkListenerExecutorRemoved',
  Timestamp: T0 + 50000,
  'Executor ID': exec,
  'Removed Reason': reason,
});
const abort = (reason) =>
  `Job aborted due to stage failure: Task 3 in stage 0.0 failed 4 times, most recent failure: Lost task 3.3 in stage 0.0 (TID 12) (node-2 executor 2): ${reason}\nDriver stacktrace:`;

const cases = {};
const add = (code, variant, log, expected) => {
  (cases[code] ??= {})[variant] = { log, expected };
};
const failTasks = (reason, n = 4, execs = ['1', '2']) =>
  Array.from({ length: n }, (_, i) => task({ exec: execs[i % execs.length], reason }));

// --- heap-oom ---
const sorter = frames(
  'org.apache.spark.util.collection.unsafe.sort.UnsafeExternalSorter.growPointerArrayIfNecessary',
  'org.apache.spark.sql.execution.UnsafeExternalRowSorter.insertRow',
);
add(
  'heap-oom',
  'spark24-execution-sorter',
  app({
    version: '2.4.8',
    middle: failTasks(exc('java.lang.OutOfMemoryError', 'Java heap space', sorter)),
    jobFailed: abort('java.lang.OutOfMemoryError: Java heap space'),
    stageFailure: abort('java.lang.OutOfMemoryError: Java heap space'),
  }),
  { code: 'heap-oom', role: 'executor', region: 'execution' },
);
add(
  'heap-oom',
  'spark35-storage-memorystore',
  app({
    middle: failTasks(
      exc(
        'java.lang.OutOfMemoryError',
        'Java heap space',
        frames('org.apache.spark.storage.memory.MemoryStore.putIteratorAsValues', 'org.apache.spark.storage.BlockManager.doPutIterator'),
      ),
    ),
    jobFailed: abort('java.lang.OutOfMemoryError: Java heap space'),
  }),
  { code: 'heap-oom', role: 'executor', region: 'storage' },
);
add(
  'heap-oom',
  'spark16-no-frames',
  app({
    version: '1.6.3',
    middle: failTasks(exc('java.lang.OutOfMemoryError', 'Java heap space')),
    jobFailed: abort('java.lang.OutOfMemoryError: Java heap space'),
  }),
  { code: 'heap-oom', role: 'executor', region: 'heap' },
);
// [snip 09]: the spill reader itself ran out of heap.
add(
  'heap-oom',
  'spark33-spill-reader',
  app({
    version: '3.3.2',
    middle: failTasks(
      exc(
        'java.lang.OutOfMemoryError',
        'Java heap space',
        frames(
          'org.apache.spark.util.collection.ExternalSorter$SpillReader.readNextItem',
          'org.apache.spark.util.collection.ExternalSorter$SpillReader$$anon$2.hasNext',
        ),
      ),
    ),
    jobFailed: abort('java.lang.OutOfMemoryError: Java heap space'),
  }),
  { code: 'heap-oom', role: 'executor', region: 'execution' },
);
add(
  'heap-oom',
  'spark33-local-driver',
  app({
    version: '3.3.0',
    master: 'local[4]',
    executors: 0,
    conf: { 'spark.driver.memory': '2g' },
    middle: failTasks(exc('java.lang.OutOfMemoryError', 'Java heap space'), 2, ['driver']),
    jobFailed: abort('java.lang.OutOfMemoryError: Java heap space'),
  }),
  { code: 'heap-oom', role: 'driver', region: 'heap' },
);

// --- gc-overhead ---
add(
  'gc-overhead',
  'spark22-no-frames',
  app({
    version: '2.2.0',
    middle: failTasks(exc('java.lang.OutOfMemoryError', 'GC overhead limit exceeded')),
    jobFailed: abort('java.lang.OutOfMemoryError: GC overhead limit exceeded'),
  }),
  { code: 'gc-overhead', role: 'executor', region: 'heap' },
);
add(
  'gc-overhead',
  'spark31-hash-aggregate',
  app({
    version: '3.1.2',
    middle: failTasks(
      exc(
        'java.lang.OutOfMemoryError',
        'GC overhead limit exceeded',
        frames(
          'org.apache.spark.unsafe.map.BytesToBytesMap.growAndRehash',
          'org.apache.spark.sql.execution.aggregate.HashAggregateExec.doExecute',
        ),
      ),
    ),
    jobFailed: abort('java.lang.OutOfMemoryError: GC overhead limit exceeded'),
  }),
  { code: 'gc-overhead', role: 'executor', region: 'execution' },
);

// --- execution-memory ---
add(
  'execution-memory',
  'spark21-plain-oom',
  app({
    version: '2.1.1',
    middle: failTasks(
      exc(
        'java.lang.OutOfMemoryError',
        'Unable to acquire 65536 bytes of memory, got 0',
        frames('org.apache.spark.memory.MemoryConsumer.allocatePage'),
      ),
    ),
    jobFailed: abort('java.lang.OutOfMemoryError: Unable to acquire 65536 bytes of memory, got 0'),
  }),
  { code: 'execution-memory', role: 'executor', region: 'execution' },
);
add(
  'execution-memory',
  'spark30-sparkoutofmemoryerror',
  app({
    version: '3.0.3',
    middle: failTasks(exc('org.apache.spark.memory.SparkOutOfMemoryError', 'Unable to acquire 262144 bytes of memory, got 0')),
    jobFailed: abort('org.apache.spark.memory.SparkOutOfMemoryError: Unable to acquire 262144 bytes of memory, got 0'),
  }),
  { code: 'execution-memory', role: 'executor', region: 'execution' },
);
add(
  'execution-memory',
  'spark35-error-class',
  app({
    middle: failTasks(
      exc(
        'org.apache.spark.memory.SparkOutOfMemoryError',
        '[UNABLE_TO_ACQUIRE_MEMORY] Unable to acquire 16777216 bytes of memory, got 4194304.',
      ),
    ),
    jobFailed: abort(
      'org.apache.spark.memory.SparkOutOfMemoryError: [UNABLE_TO_ACQUIRE_MEMORY] Unable to acquire 16777216 bytes of memory, got 4194304.',
    ),
  }),
  { code: 'execution-memory', role: 'executor', region: 'execution' },
);

// --- direct-buffer-oom, metaspace-oom, native-thread-oom, array-size-oom ---
add(
  'direct-buffer-oom',
  'spark32-netty',
  app({
    version: '3.2.4',
    middle: failTasks(
      exc(
        'java.lang.OutOfMemoryError',
        'Direct buffer memory',
        frames('java.nio.Bits.reserveMemory', 'io.netty.buffer.PoolArena$DirectArena.allocateDirect'),
      ),
    ),
    jobFailed: abort('java.lang.OutOfMemoryError: Direct buffer memory'),
  }),
  { code: 'direct-buffer-oom', role: 'executor', region: 'overhead' },
);
add(
  'metaspace-oom',
  'spark34',
  app({
    version: '3.4.1',
    middle: failTasks(exc('java.lang.OutOfMemoryError', 'Metaspace')),
    jobFailed: abort('java.lang.OutOfMemoryError: Metaspace'),
  }),
  { code: 'metaspace-oom', role: 'executor', region: 'overhead' },
);
add(
  'native-thread-oom',
  'spark31',
  app({
    version: '3.1.3',
    middle: failTasks(exc('java.lang.OutOfMemoryError', 'unable to create new native thread')),
    jobFailed: abort('java.lang.OutOfMemoryError: unable to create new native thread'),
  }),
  { code: 'native-thread-oom', role: 'executor', region: 'container' },
);
add(
  'array-size-oom',
  'spark24',
  app({
    version: '2.4.5',
    middle: failTasks(
      exc(
        'java.lang.OutOfMemoryError',
        'Requested array size exceeds VM limit',
        frames('java.util.Arrays.copyOf', 'java.io.ByteArrayOutputStream.grow'),
      ),
    ),
    jobFailed: abort('java.lang.OutOfMemoryError: Requested array size exceeds VM limit'),
  }),
  { code: 'array-size-oom', role: 'executor', region: 'user' },
);

// --- offheap-oom [snip 23] ---
const gluten =
  'Not enough spark off-heap execution memory. Acquired: 8.0 MiB, granted: 0.0 B. Try tweaking config option spark.memory.offHeap.size to get larger space to run this application (if spark.gluten.memory.dynamic.offHeap.sizing.enabled is not enabled).';
add(
  'offheap-oom',
  'spark34-gluten',
  app({
    version: '3.4.4',
    conf: { 'spark.memory.offHeap.enabled': 'true', 'spark.memory.offHeap.size': '4g', 'spark.plugins': 'org.apache.gluten.GlutenPlugin' },
    middle: failTasks(exc('org.apache.gluten.memory.memtarget.ThrowOnOomMemoryTarget$OutOfMemoryException', gluten)),
    jobFailed: abort(`org.apache.gluten.memory.memtarget.ThrowOnOomMemoryTarget$OutOfMemoryException: ${gluten}`),
  }),
  { code: 'offheap-oom', role: 'executor', region: 'offHeap' },
);

// --- yarn-memory-exceeded ---
const y23 =
  'Container killed by YARN for exceeding memory limits. 8.7 GB of 8.5 GB physical memory used. Consider boosting spark.yarn.executor.memoryOverhead.';
add(
  'yarn-memory-exceeded',
  'spark23',
  app({
    version: '2.3.2',
    middle: [...failTasks(lost('2', y23), 2, ['2']), removed('2', y23)],
    jobFailed: abort(`ExecutorLostFailure (executor 2 exited caused by one of the running tasks) Reason: ${y23}`),
  }),
  { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead', codes: ['limit-mismatch', 'yarn-memory-exceeded'] },
);
const y24 =
  'Container killed by YARN for exceeding memory limits.  8.6 GB of 8.5 GB physical memory used. Consider boosting spark.yarn.executor.memoryOverhead or disabling yarn.nodemanager.vmem-check-enabled because of YARN-4714.';
add(
  'yarn-memory-exceeded',
  'spark24-double-space',
  app({
    version: '2.4.8',
    middle: [...failTasks(lost('3', y24), 2, ['3']), removed('3', y24)],
    jobFailed: abort(`ExecutorLostFailure (executor 3 exited caused by one of the running tasks) Reason: ${y24}`),
  }),
  { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead', codes: ['limit-mismatch', 'yarn-memory-exceeded'] },
);
const y35 =
  'Container killed by YARN for exceeding physical memory limits. 9.1 GB of 8.8 GB physical memory used. Consider boosting spark.executor.memoryOverhead.';
add(
  'yarn-memory-exceeded',
  'spark35-pyspark',
  app({
    conf: { 'spark.yarn.isPython': 'true', 'spark.submit.pyFiles': 'job.py' },
    sql: '== Physical Plan ==\n* Project\n+- ArrowEvalPython [score(features)], 200\n   +- Scan parquet',
    middle: [...failTasks(lost('1', y35), 3, ['1', '4']), removed('1', y35), removed('4', y35)],
    ended: false,
  }),
  { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead' },
);
const h3 =
  "Container marked as failed: container_e18_1700000000000_0042_01_000003 on host: node-3. Exit status: -104. Diagnostics: [2023-11-14 22:14:02.796]Container [pid=20225,containerID=container_e18_1700000000000_0042_01_000003] is running 315781120B beyond the 'PHYSICAL' memory limit. Current usage: 9.1 GB of 8.8 GB physical memory used; 11.2 GB of 18.5 GB virtual memory used. Killing container.";
add(
  'yarn-memory-exceeded',
  'hadoop3-nodemanager-physical',
  app({
    version: '3.3.1',
    middle: [removed('3', h3), ...failTasks(lost('3', h3), 1, ['3'])],
    jobFailed: abort(`ExecutorLostFailure (executor 3 exited caused by one of the running tasks) Reason: ${h3}`),
  }),
  { code: 'yarn-memory-exceeded', role: 'executor', region: 'overhead' },
);

// --- yarn-vmem-exceeded ---
const v30 =
  'Container killed by YARN for exceeding virtual memory limits. 18.1 GB of 17.6 GB virtual memory used. Consider boosting spark.executor.memoryOverhead or boosting yarn.nodemanager.vmem-pmem-ratio or disabling yarn.nodemanager.vmem-check-enabled because of YARN-4714.';
add(
  'yarn-vmem-exceeded',
  'spark30',
  app({
    version: '3.0.2',
    middle: [...failTasks(lost('2', v30), 2, ['2']), removed('2', v30)],
    jobFailed: abort(`ExecutorLostFailure (executor 2 exited caused by one of the running tasks) Reason: ${v30}`),
  }),
  { code: 'yarn-vmem-exceeded', role: 'executor', region: 'container' },
);
const v22 =
  'Container killed by YARN for exceeding memory limits. 2.3 GB of 2.1 GB virtual memory used. Consider boosting spark.yarn.executor.memoryOverhead.';
add(
  'yarn-vmem-exceeded',
  'spark22',
  app({
    version: '2.2.1',
    middle: [...failTasks(lost('1', v22), 2, ['1']), removed('1', v22)],
    jobFailed: abort(`ExecutorLostFailure (executor 1 exited caused by one of the running tasks) Reason: ${v22}`),
  }),
  { code: 'yarn-vmem-exceeded', role: 'executor', region: 'container' },
);

// --- oom-killed ---
const k33 =
  '\nThe executor with id 3 exited with exit code 137(SIGKILL, possible container OOM).\n\n\n\nThe API gave the following container statuses:\n\n\n\t container name: spark-kubernetes-executor\n\t container image: apache/spark:3.3.2\n\t container state: terminated\n\t container started at: 2023-11-14T22:13:21Z\n\t container finished at: 2023-11-14T22:14:40Z\n\t exit code: 137\n\t termination reason: OOMKilled\n      ';
add(
  'oom-killed',
  'spark33-k8s',
  app({
    version: '3.3.2',
    master: 'k8s://https://10.0.0.1:6443',
    middle: [removed('3', k33), ...failTasks(lost('3', k33), 2, ['3'])],
    jobFailed: abort(`ExecutorLostFailure (executor 3 exited caused by one of the running tasks) Reason: ${k33}`),
  }),
  { code: 'oom-killed', role: 'executor', region: 'overhead' },
);
const k24 =
  'The executor with id 2 exited with exit code 137.\nThe API gave the following brief reason: null\nThe API gave the following message: null\nThe API gave the following container statuses:\n\nContainerStatus(containerID=docker://4f1e, image=spark:2.4.8, imageID=docker-pullable://spark@sha256:ab, lastState=ContainerState(running=null, terminated=null, waiting=null, additionalProperties={}), name=executor, ready=false, restartCount=0, state=ContainerState(running=null, terminated=ContainerStateTerminated(containerID=docker://4f1e, exitCode=137, finishedAt=Time(time=2023-11-14T22:14:40Z), message=null, reason=OOMKilled, signal=null, startedAt=Time(time=2023-11-14T22:13:21Z)), waiting=null), additionalProperties={})';
add(
  'oom-killed',
  'spark24-k8s-fabric8',
  app({
    version: '2.4.8',
    master: 'k8s://https://10.0.0.1:6443',
    middle: [removed('2', k24), ...failTasks(lost('2', k24), 2, ['2'])],
    ended: false,
  }),
  { code: 'oom-killed', role: 'executor', region: 'overhead' },
);

// --- pod-evicted (kubelet eviction message as Spark 3.x relays the pod status) ---
const ev33 =
  '\nThe executor with id 6 exited with exit code -1(unexpected).\nThe API gave the following brief reason: Evicted\nThe API gave the following message: The node was low on resource: memory. Threshold quantity: 100Mi, available: 91340Ki. Container spark-kubernetes-executor was using 9732028Ki, request is 8Gi, has larger consumption of memory. \n\nThe API gave the following container statuses:\n\n';
add(
  'pod-evicted',
  'spark33-k8s',
  app({
    version: '3.3.2',
    master: 'k8s://https://10.0.0.1:6443',
    executors: 6,
    middle: [removed('6', ev33), ...failTasks(lost('6', ev33, false), 2, ['6'])],
    jobFailed: abort(`ExecutorLostFailure (executor 6 exited unrelated to the running tasks) Reason: ${ev33}`),
  }),
  { code: 'pod-evicted', role: 'executor', region: 'container' },
);

// --- exit-137 ---
const k31 =
  'The executor with id 5 exited with exit code 137.\nThe API gave the following brief reason: N/A\nThe API gave the following message: N/A\nThe API gave the following container statuses:\n\n';
add(
  'exit-137',
  'spark31-k8s-no-reason',
  app({
    version: '3.1.3',
    master: 'k8s://https://10.0.0.1:6443',
    executors: 5,
    middle: [removed('5', k31), ...failTasks(lost('5', k31), 2, ['5'])],
    jobFailed: abort(`ExecutorLostFailure (executor 5 exited caused by one of the running tasks) Reason: ${k31}`),
  }),
  { code: 'exit-137', role: 'executor', region: 'container' },
);
const y137 =
  'Container marked as failed: container_1700000000000_0042_01_000004 on host: node-4. Exit status: 137. Diagnostics: [2023-11-14 22:14:02.796]Container killed on request. Exit code is 137\n[2023-11-14 22:14:02.797]Container exited with a non-zero exit code 137.\n[2023-11-14 22:14:02.797]Killed by external signal\n.';
add(
  'exit-137',
  'spark34-yarn-external-signal',
  app({
    version: '3.4.1',
    middle: [removed('4', y137), ...failTasks(lost('4', y137), 2, ['4'])],
    jobFailed: abort(`ExecutorLostFailure (executor 4 exited caused by one of the running tasks) Reason: ${y137}`),
  }),
  { code: 'exit-137', role: 'executor', region: 'container' },
);

// --- jvm-oom-exit ---
const k52 =
  '\nThe executor with id 2 exited with exit code 52(JVM OOM).\n\n\n\nThe API gave the following container statuses:\n\n\n\t container name: spark-kubernetes-executor\n\t container image: apache/spark:3.4.1\n\t container state: terminated\n\t exit code: 52\n\t termination reason: Error\n      ';
add(
  'jvm-oom-exit',
  'spark34-k8s',
  app({
    version: '3.4.1',
    master: 'k8s://https://10.0.0.1:6443',
    middle: [removed('2', k52), ...failTasks(lost('2', k52), 2, ['2'])],
    jobFailed: abort(`ExecutorLostFailure (executor 2 exited caused by one of the running tasks) Reason: ${k52}`),
  }),
  { code: 'jvm-oom-exit', role: 'executor', region: 'heap' },
);
const s52 = 'Command exited with code 52';
add(
  'jvm-oom-exit',
  'spark24-standalone',
  app({
    version: '2.4.8',
    master: 'spark://master:7077',
    middle: [removed('1', s52), ...failTasks(lost('1', s52), 2, ['1'])],
    jobFailed: abort(`ExecutorLostFailure (executor 1 exited caused by one of the running tasks) Reason: ${s52}`),
  }),
  { code: 'jvm-oom-exit', role: 'executor', region: 'heap' },
);

// --- max-result-size [snip 17, 20] ---
const m24 =
  'Job aborted due to stage failure: Total size of serialized results of 16 tasks (1048.5 MB) is bigger than spark.driver.maxResultSize (1024.0 MB)';
add('max-result-size', 'spark24-MB', app({ version: '2.4.8', stageFailure: m24, jobFailed: m24, middle: [task(), task()] }), {
  code: 'max-result-size',
  role: 'driver',
  region: 'maxResultSize',
});
const m35 =
  'Job aborted due to stage failure: Total size of serialized results of 43 tasks (1026.4 MiB) is bigger than spark.driver.maxResultSize (1024.0 MiB)';
add('max-result-size', 'spark35-MiB', app({ stageFailure: m35, jobFailed: m35, middle: [task(), task()] }), {
  code: 'max-result-size',
  role: 'driver',
  region: 'maxResultSize',
});
const mdb =
  'Job aborted due to stage failure: Total size of serialized results of 250 tasks (4.0 GiB) is bigger than spark.driver.maxResultSize 4.0 GiB.';
add(
  'max-result-size',
  'databricks',
  app({
    version: '3.3.0',
    conf: { 'spark.driver.maxResultSize': '4g', 'spark.driver.memory': '16g' },
    stageFailure: mdb,
    jobFailed: mdb,
    middle: [task()],
  }),
  { code: 'max-result-size', role: 'driver', region: 'maxResultSize' },
);

// --- broadcast-oom [snip 38-41] ---
const b24 =
  'java.lang.OutOfMemoryError: Not enough memory to build and broadcast the table to all worker nodes. As a workaround, you can either disable broadcast by setting spark.sql.autoBroadcastJoinThreshold to -1 or increase the spark driver memory by setting spark.driver.memory to a higher value';
add(
  'broadcast-oom',
  'spark24',
  app({
    version: '2.4.8',
    middle: [
      task(),
      { Event: 'org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd', executionId: 0, time: T0 + 80000, errorMessage: b24 },
    ],
    stageFailure: false,
    ended: false,
    sql: 'BroadcastHashJoin [id#1], [id#2], Inner, BuildRight\n:- Scan\n+- BroadcastExchange HashedRelationBroadcastMode',
  }),
  { code: 'broadcast-oom', role: 'driver', region: 'heap' },
);
const b35 =
  'Not enough memory to build and broadcast the table to all worker nodes. As a workaround, you can either disable broadcast by setting spark.sql.autoBroadcastJoinThreshold to -1 or increase the spark driver memory by setting spark.driver.memory to a higher value or analyze these tables through: ANALYZE TABLE `spark_catalog`.`db`.`t` COMPUTE STATISTICS;.';
add(
  'broadcast-oom',
  'spark35',
  app({
    middle: [
      task(),
      {
        Event: 'org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd',
        executionId: 0,
        time: T0 + 80000,
        errorMessage: `org.apache.spark.SparkException: ${b35}`,
      },
    ],
    stageFailure: false,
    jobFailed: `org.apache.spark.SparkException: ${b35}`,
  }),
  { code: 'broadcast-oom', role: 'driver', region: 'heap' },
);
const bdb =
  'org.apache.spark.sql.execution.OutOfMemorySparkException: Size of broadcasted table far exceeds estimates and exceeds limit of spark.driver.maxResultSize=4294967296. You can disable broadcasts for this query using set spark.sql.autoBroadcastJoinThreshold=-1';
add('broadcast-oom', 'databricks-maxresultsize-wording', app({ version: '3.3.0', middle: [task()], stageFailure: false, jobFailed: bdb }), {
  code: 'broadcast-oom',
  role: 'driver',
  region: 'heap',
  absent: ['max-result-size'],
});

// --- python-worker-crash [snip 33, 35] ---
add(
  'python-worker-crash',
  'spark21-standalone',
  app({
    version: '2.1.0',
    master: 'spark://master:7077',
    middle: failTasks(
      exc(
        'org.apache.spark.SparkException',
        'Python worker exited unexpectedly (crashed)',
        frames('org.apache.spark.api.python.PythonRunner$$anon$1.read'),
      ),
    ),
    jobFailed: abort('org.apache.spark.SparkException: Python worker exited unexpectedly (crashed)'),
  }),
  { code: 'python-worker-crash', role: 'executor', region: 'overhead' },
);
add(
  'python-worker-crash',
  'spark35-pyspark-memory-set',
  app({
    conf: { 'spark.executor.pyspark.memory': '2g', 'spark.yarn.isPython': 'true' },
    middle: failTasks(exc('org.apache.spark.SparkException', 'Python worker exited unexpectedly (crashed)')),
    jobFailed: abort('org.apache.spark.SparkException: Python worker exited unexpectedly (crashed)'),
  }),
  { code: 'python-worker-crash', role: 'executor', region: 'pyspark' },
);
// --- python-memory-error ---
const pyTrace =
  'Traceback (most recent call last):\n  File "/opt/spark/python/lib/pyspark.zip/pyspark/worker.py", line 1231, in main\n    process()\n  File "/opt/job.py", line 40, in explode_rows\n    rows = [r for r in big]\nMemoryError\n';
add(
  'python-memory-error',
  'spark33',
  app({
    version: '3.3.2',
    conf: { 'spark.executor.pyspark.memory': '1g', 'spark.yarn.isPython': 'true' },
    middle: failTasks(exc('org.apache.spark.api.python.PythonException', pyTrace)),
    jobFailed: abort(`org.apache.spark.api.python.PythonException: ${pyTrace}`),
  }),
  { code: 'python-memory-error', role: 'executor', region: 'pyspark' },
);

// --- kryo-buffer-overflow [snip 36, 37] ---
add(
  'kryo-buffer-overflow',
  'spark31',
  app({
    version: '3.1.2',
    conf: { 'spark.serializer': 'org.apache.spark.serializer.KryoSerializer' },
    middle: failTasks(
      exc(
        'org.apache.spark.SparkException',
        'Kryo serialization failed: Buffer overflow. Available: 0, required: 134217728. To avoid this, increase spark.kryoserializer.buffer.max value.',
      ),
    ),
    jobFailed: abort(
      'org.apache.spark.SparkException: Kryo serialization failed: Buffer overflow. Available: 0, required: 134217728. To avoid this, increase spark.kryoserializer.buffer.max value.',
    ),
  }),
  { code: 'kryo-buffer-overflow', role: 'executor', region: 'user' },
);
add(
  'kryo-buffer-overflow',
  'spark40-error-class',
  app({
    version: '4.0.0',
    conf: { 'spark.serializer': 'org.apache.spark.serializer.KryoSerializer', 'spark.kryoserializer.buffer.max': '256m' },
    middle: failTasks(
      exc(
        'org.apache.spark.SparkException',
        '[KRYO_BUFFER_OVERFLOW] Kryo serialization failed: Buffer overflow. Available: 0, required: 300000000. To avoid this, increase "spark.kryoserializer.buffer.max" value. SQLSTATE: 54006',
      ),
    ),
    jobFailed: abort('[KRYO_BUFFER_OVERFLOW] Kryo serialization failed'),
  }),
  { code: 'kryo-buffer-overflow', role: 'executor', region: 'user' },
);

// --- heartbeat-timeout [snip 12] ---
const hb = 'Executor heartbeat timed out after 125000 ms';
add(
  'heartbeat-timeout',
  'spark20',
  app({
    version: '2.0.2',
    middle: [...failTasks(lost('2', hb, false), 2, ['2']), removed('2', hb)],
    jobFailed: abort(`ExecutorLostFailure (executor 2 exited unrelated to the running tasks) Reason: ${hb}`),
  }),
  { code: 'heartbeat-timeout', role: 'executor', region: 'heap' },
);

// --- driver-lost: the log stops mid-job (a driver killed while collecting) ---
add(
  'driver-lost',
  'spark35-yarn-log-stops',
  app({ conf: { 'spark.driver.memory': '4g' }, middle: [task(), task()], stageFailure: false, ended: false })
    .split('\n')
    .filter((l) => !l.includes('SparkListenerJobEnd'))
    .join('\n'),
  { code: 'driver-lost', role: 'driver', region: 'heap', severity: 'warning', verdict: null },
);

// --- metric warnings, on applications that succeeded ---
add(
  'gc-pressure',
  'spark31',
  app({ version: '3.1.2', middle: Array.from({ length: 12 }, (_, i) => task({ exec: String(1 + (i % 4)), run: 60000, gc: 21000 })) }),
  { code: 'gc-pressure', role: 'executor', region: 'heap', severity: 'warning', verdict: null },
);
add(
  'heavy-spill',
  'spark32',
  app({
    version: '3.2.1',
    middle: Array.from({ length: 10 }, (_, i) => task({ exec: String(1 + (i % 4)), spilled: 600 * MiB, peak: 100 * MiB })),
  }),
  { code: 'heavy-spill', role: 'executor', region: 'execution', severity: 'warning', verdict: null },
);
add(
  'task-skew',
  'spark35',
  app({
    middle: [
      ...Array.from({ length: 20 }, (_, i) => task({ exec: String(1 + (i % 4)), run: 9000, dur: 10000 })),
      task({ exec: '2', run: 299000, dur: 300000 }),
    ],
  }),
  { code: 'task-skew', role: 'executor', region: 'execution', severity: 'warning', verdict: null },
);
const heapMetrics = (h) => ({
  JVMHeapMemory: h,
  JVMOffHeapMemory: 150 * MiB,
  OnHeapExecutionMemory: 300 * MiB,
  OffHeapExecutionMemory: 0,
  OnHeapStorageMemory: 10 * MiB,
  OffHeapStorageMemory: 0,
  OnHeapUnifiedMemory: 310 * MiB,
  OffHeapUnifiedMemory: 0,
  DirectPoolMemory: 20 * MiB,
  MappedPoolMemory: 0,
});
add(
  'heap-underused',
  'spark35-16g',
  app({
    conf: { 'spark.executor.memory': '16g' },
    middle: Array.from({ length: 8 }, (_, i) => task({ exec: String(1 + (i % 4)), metrics: heapMetrics((2 + (i % 3)) * GiB) })),
  }),
  { code: 'heap-underused', role: 'executor', region: 'heap', severity: 'info', verdict: null },
);

// --- false-positive traps: nothing may fire ---
const none = { code: null };
add(
  'traps',
  'emr-onoutofmemoryerror-jvm-option',
  app({
    version: '3.3.0-amzn-0',
    conf: {
      'spark.executor.extraJavaOptions': "-verbose:gc -XX:+PrintGCDetails -XX:OnOutOfMemoryError='kill -9 %p'",
      'spark.driver.extraJavaOptions': "-XX:OnOutOfMemoryError='kill -9 %p'",
    },
    middle: [task(), task()],
  }),
  none,
);
add('traps', 'maxresultsize-property', app({ conf: { 'spark.driver.maxResultSize': '4g' }, middle: [task()] }), none);
// Was a trap (a GPU OOM is not a heap OOM); now gpu-oom's: one task's GPU OOM, retried successfully, is
// the GPU memory failure the application recovered from (a warning), and still no heap-oom.
add(
  'gpu-oom',
  'spark33-recovered-not-heap-oom',
  app({
    version: '3.3.1',
    middle: [
      task({
        reason: exc(
          'com.nvidia.spark.rapids.jni.GpuSplitAndRetryOOM',
          'GPU OutOfMemory: could not split inputs and retry. The current attempt: {HostMemoryBuffer{address=0x7f, length=1024}}',
        ),
      }),
      task(),
      task(),
    ],
  }),
  { code: 'gpu-oom', role: 'executor', region: 'gpu', severity: 'warning', absent: ['heap-oom'] },
);
add(
  'traps',
  'speculative-attempt-killed',
  app({
    middle: [task(), task({ reason: { Reason: 'TaskKilled', 'Kill Reason': 'another attempt succeeded', 'Accumulator Updates': [] } })],
  }),
  none,
);
add(
  'traps',
  'dynamic-allocation-release',
  app({
    middle: [
      task(),
      removed('3', 'Executor killed by driver.'),
      removed('4', 'Container container_e18_1700000000000_0042_01_000005 exited from explicit termination request.'),
    ],
  }),
  none,
);

// --- failures that are not memory: what did fail (issue 14) ---
// Exit 143 as a YARN NodeManager reports a kill on request (TalkingData/Fregata#12), 56 as Kubernetes'
// ExecutorPodsLifecycleManager prints it (4.0: "56(unexpected)"), the AM releasing a container.
const sigterm =
  'Container marked as failed: container_e50_1481285758114_1471903_01_000599 on host: node-2. Exit status: 143. Diagnostics: Container killed on request. Exit code is 143\nContainer exited with a non-zero exit code 143\nKilled by external signal';
add(
  'executor-exit',
  'spark35-yarn-sigterm',
  app({
    middle: [...failTasks(lost('2', sigterm), 4, ['2']), removed('2', sigterm)],
    jobFailed: abort(`ExecutorLostFailure (executor 2 exited caused by one of the running tasks) Reason: ${sigterm}`),
  }),
  { code: 'executor-exit', role: 'executor', region: 'none', verdict: null, failure: 'executor-exit' },
);
const k56 =
  'The executor with id 3 exited with exit code 56(unexpected).\n\nThe API gave the following container statuses:\n\n\t container name: spark-kubernetes-executor\n\t exit code: 56\n\t termination reason: Error\n';
add(
  'executor-exit',
  'spark40-k8s-heartbeat-exit',
  app({
    version: '4.0.1',
    master: 'k8s://https://kubernetes.default.svc',
    middle: [...failTasks(lost('3', k56), 4, ['3']), removed('3', k56)],
    jobFailed: abort(`ExecutorLostFailure (executor 3 exited caused by one of the running tasks) Reason: ${k56}`),
    exitCode: 1,
  }),
  { code: 'executor-exit', role: 'executor', region: 'none', verdict: null, failure: 'executor-exit' },
);
// DAGScheduler after the executor holding shuffle output was lost (dmlc/xgboost#2311).
const fetch =
  'org.apache.spark.shuffle.MetadataFetchFailedException: Missing an output location for shuffle 15\n\tat org.apache.spark.MapOutputTracker$$anonfun$org$apache$spark$MapOutputTracker$$convertMapStatuses$2.apply(MapOutputTracker.scala:697)';
add(
  'fetch-failed',
  'spark24-missing-output-location',
  app({
    version: '2.4.8',
    middle: [
      task({
        reason: { Reason: 'FetchFailed', 'Block Manager Address': null, 'Shuffle ID': 15, 'Map ID': 3, 'Reduce ID': 7, Message: fetch },
      }),
    ],
    stageFailure: `ShuffleMapStage 96 (count at UserSkuPrediction.scala:433) failed due to ${fetch}`,
    jobFailed: `Job aborted due to stage failure: ShuffleMapStage 96 (count at UserSkuPrediction.scala:433) has failed the maximum allowable number of times: 4. Most recent failure reason: ${fetch}`,
  }),
  { code: 'fetch-failed', role: 'executor', region: 'none', verdict: null, failure: 'fetch-failed' },
);
// Ctrl-C on spark-submit: the shutdown hook stops the SparkContext under the job (saalfeldlab/render#110).
add(
  'context-shutdown',
  'spark30-ctrl-c',
  app({
    version: '3.0.1',
    middle: [task()],
    stageFailure: 'Stage cancelled because SparkContext was shut down',
    jobFailed: 'Job 0 cancelled because SparkContext was shut down',
  }),
  { code: 'context-shutdown', role: 'driver', region: 'none', verdict: null, failure: 'context-shutdown' },
);
// A bug, not memory: the task threw the same exception four times (TaskSetManager's abort message).
const npe = 'java.lang.NullPointerException: Cannot invoke "String.length()" because "s" is null';
add(
  'task-failed',
  'spark35-null-pointer',
  app({
    middle: failTasks(exc('java.lang.NullPointerException', 'Cannot invoke "String.length()" because "s" is null')),
    stageFailure: abort(npe),
    jobFailed: abort(npe),
  }),
  { code: 'task-failed', role: 'executor', region: 'none', verdict: null, failure: 'task-failed' },
);
// Spark 4 writes ExitCode 1 when the main threw; the job's own message is all there is.
add(
  'job-failed',
  'spark40-exit-code',
  app({ version: '4.0.1', middle: [task()], stageFailure: false, jobFailed: 'Job 0 cancelled part of cancelled job group 7', exitCode: 1 }),
  { code: 'job-failed', role: 'driver', region: 'none', verdict: null, failure: 'job-failed' },
);
// Kyuubi's JVM Quake: "JVM GC has reached the threshold!!!", then exit 502, which YARN reports as 246.
const quake =
  'Container from a bad node: container_e18_1700000000000_0042_01_000003 on host: node-3. Exit status: 246. Diagnostics: [2024-03-01 10:02:11.507]Exception from container-launch.\nContainer id: container_e18_1700000000000_0042_01_000003\nExit code: 246';
add(
  'jvm-quake-exit',
  'spark35-yarn-246',
  app({
    middle: [...failTasks(lost('3', quake), 4, ['3']), removed('3', quake)],
    jobFailed: abort(`ExecutorLostFailure (executor 3 exited caused by one of the running tasks) Reason: ${quake}`),
  }),
  { code: 'jvm-quake-exit', role: 'executor', region: 'heap', codes: ['jvm-quake-exit'] },
);
// A log still being written: no ApplicationEnd, jobs running, and the file is .inprogress.
const running = app({ middle: [task()], stageFailure: false, ended: false })
  .split('\n')
  .filter((l) => !l.includes('"SparkListenerJobEnd"'))
  .join('\n');
add('still-running', 'spark35-yarn.inprogress', running, {
  code: 'still-running',
  role: 'driver',
  region: 'none',
  severity: 'info',
  verdict: null,
});
// YARN enforced more than the configuration's container: its request was rounded to minimum-allocation-mb.
const rounded =
  'Container killed by YARN for exceeding physical memory limits. 10.2 GB of 10 GB physical memory used. Consider boosting spark.executor.memoryOverhead.';
add(
  'limit-mismatch',
  'spark35-yarn-rounded-up',
  app({
    middle: [...failTasks(lost('1', rounded), 2, ['1']), removed('1', rounded)],
    jobFailed: abort(`ExecutorLostFailure (executor 1 exited caused by one of the running tasks) Reason: ${rounded}`),
  }),
  {
    code: 'limit-mismatch',
    role: 'executor',
    region: 'container',
    severity: 'info',
    verdict: 'yarn-memory-exceeded',
    codes: ['limit-mismatch', 'yarn-memory-exceeded'],
  },
);

// --- issue 16: error classes, bad-node wording, user frames, Python crashes with and without a dump ---
// YARN 3.x/4.x word every process exit "Container from a bad node" (YarnAllocator); 4.0 adds
// "Possible causes:" from ExecutorExitCode.explainExitCode. The code, not the words, says what it was.
const bad52 =
  'Container from a bad node: container_e18_1700000000000_0042_01_000003 on host: node-3. Exit status: 52. Possible causes: OutOfMemoryError Diagnostics: [2024-03-01 10:02:11.507]Exception from container-launch.\nContainer id: container_e18_1700000000000_0042_01_000003\nExit code: 52';
add(
  'jvm-oom-exit',
  'spark40-yarn-bad-node',
  app({
    version: '4.0.1',
    middle: [removed('3', bad52), ...failTasks(lost('3', bad52), 2, ['3'])],
    jobFailed: abort(`ExecutorLostFailure (executor 3 exited caused by one of the running tasks) Reason: ${bad52}`),
  }),
  { code: 'jvm-oom-exit', role: 'executor', region: 'heap' },
);
const bad137 =
  'Container from a bad node: container_e18_1700000000000_0042_01_000002 on host: node-2. Exit status: 137. Diagnostics: [2024-03-01 10:02:11.507]Container killed on request. Exit code is 137\n[2024-03-01 10:02:11.508]Container exited with a non-zero exit code 137.\n[2024-03-01 10:02:11.508]Killed by external signal\n.';
add(
  'exit-137',
  'spark35-yarn-bad-node',
  app({
    middle: [removed('2', bad137), ...failTasks(lost('2', bad137), 2, ['2'])],
    jobFailed: abort(`ExecutorLostFailure (executor 2 exited caused by one of the running tasks) Reason: ${bad137}`),
  }),
  { code: 'exit-137', role: 'executor', region: 'container' },
);

// The application's own closure filling a java.util.HashMap (the real-Spark gc-overhead case's frames):
// the objects are the user's, user memory in Spark's model.
add(
  'heap-oom',
  'spark35-user-closure-hashmap',
  app({
    middle: failTasks(
      exc(
        'java.lang.OutOfMemoryError',
        'Java heap space',
        frames(
          'java.util.HashMap.resize',
          'java.util.HashMap.putVal',
          'java.util.HashMap.put',
          'com.acme.etl.Enrich.lambda$lookupTable$1',
          'org.apache.spark.api.java.JavaRDDLike.$anonfun$mapPartitions$1',
          'org.apache.spark.rdd.MapPartitionsRDD.compute',
        ),
      ),
    ),
    jobFailed: abort('java.lang.OutOfMemoryError: Java heap space'),
  }),
  { code: 'heap-oom', role: 'executor', region: 'user' },
);

// Spark 4.0 prints the SQLSTATE after the message (SparkThrowableHelper.getMessage).
const e40 = '[UNABLE_TO_ACQUIRE_MEMORY] Unable to acquire 65536 bytes of memory, got 0. SQLSTATE: 53200';
add(
  'execution-memory',
  'spark40-sqlstate',
  app({
    version: '4.0.1',
    middle: failTasks(exc('org.apache.spark.memory.SparkOutOfMemoryError', e40)),
    jobFailed: abort(`org.apache.spark.memory.SparkOutOfMemoryError: ${e40}`),
  }),
  { code: 'execution-memory', role: 'executor', region: 'execution' },
);
// 4.1: the pointer array and the aggregation map have error classes of their own (82002, 82001).
const e41 = '[AGGREGATE_OUT_OF_MEMORY] No enough memory for aggregation SQLSTATE: 82001';
add(
  'execution-memory',
  'spark41-aggregate-class',
  app({
    version: '4.1.0',
    middle: failTasks(exc('org.apache.spark.memory.SparkOutOfMemoryError', e41)),
    jobFailed: abort(`org.apache.spark.memory.SparkOutOfMemoryError: ${e41}`),
    sql: '== Physical Plan ==\n*(2) HashAggregate(keys=[k#1], functions=[count(1)])\n+- Exchange hashpartitioning(k#1, 200)',
  }),
  { code: 'execution-memory', role: 'executor', region: 'execution' },
);
// The build side of a hash join (_LEGACY_ERROR_TEMP_2106): not broadcasting it makes a sort-merge join.
const hr = "Can't acquire 1048576 bytes memory to build hash relation, got 74448 bytes.";
add(
  'execution-memory',
  'spark35-hash-relation',
  app({
    middle: failTasks(exc('org.apache.spark.memory.SparkOutOfMemoryError', hr)),
    jobFailed: abort(`org.apache.spark.memory.SparkOutOfMemoryError: ${hr}`),
    sql: '== Physical Plan ==\n*(3) BroadcastHashJoin [k#1], [k#2], Inner, BuildRight\n:- Scan parquet a\n+- BroadcastExchange HashedRelationBroadcastMode',
  }),
  { code: 'execution-memory', role: 'executor', region: 'execution' },
);

// 4.0's bare form names the SQL-side faulthandler switch (PythonRunner: "Consider setting …").
add(
  'python-worker-crash',
  'spark40-consider-faulthandler',
  app({
    version: '4.0.1',
    conf: { 'spark.yarn.isPython': 'true' },
    middle: failTasks(
      exc(
        'org.apache.spark.SparkException',
        "Python worker exited unexpectedly (crashed). Consider setting 'spark.sql.execution.pyspark.udf.faulthandler.enabled' or'spark.python.worker.faulthandler.enabled' configuration to 'true' for the better Python traceback.",
      ),
    ),
    jobFailed: abort('org.apache.spark.SparkException: Python worker exited unexpectedly (crashed).'),
  }),
  { code: 'python-worker-crash', role: 'executor', region: 'overhead' },
);

// --- python-worker-fault: a faulthandler dump is a native crash, not memory [snippets-16 12, 14] ---
add(
  'python-worker-fault',
  'spark32-segfault',
  app({
    version: '3.2.4',
    conf: { 'spark.executor.pyspark.memory': '2g', 'spark.yarn.isPython': 'true', 'spark.python.worker.faulthandler.enabled': 'true' },
    middle: failTasks(
      exc(
        'org.apache.spark.SparkException',
        'Python worker exited unexpectedly (crashed): Fatal Python error: Segmentation fault\n\nCurrent thread 0x000000010965b5c0 (most recent call first):\n  File "/usr/lib/python3.9/ctypes/__init__.py", line 525 in string_at\n  File "/opt/job.py", line 3 in f',
      ),
    ),
    jobFailed: abort(
      'org.apache.spark.SparkException: Python worker exited unexpectedly (crashed): Fatal Python error: Segmentation fault',
    ),
  }),
  { code: 'python-worker-fault', role: 'executor', region: 'none', verdict: null, failure: 'python-worker-fault' },
);
add(
  'python-worker-fault',
  'spark41-daemon-dump',
  app({
    version: '4.1.0',
    conf: { 'spark.yarn.isPython': 'true' },
    middle: failTasks(
      exc(
        'org.apache.spark.SparkException',
        'Python worker exited unexpectedly (crashed): Current thread 0x00000001f0796140 (most recent call first):\n  File "/opt/spark/python/pyspark/daemon.py", line 95 in worker\n  File "/opt/spark/python/pyspark/daemon.py", line 228 in manager',
      ),
    ),
    jobFailed: abort('org.apache.spark.SparkException: Python worker exited unexpectedly (crashed): Current thread 0x00000001f0796140'),
  }),
  { code: 'python-worker-fault', role: 'executor', region: 'none', verdict: null, failure: 'python-worker-fault' },
);

// --- heap-below-minimum: an executor Spark refused to start (UnifiedMemoryManager.getMaxMemory). YARN
// quotes the tail of its stderr in the container's diagnostics (Hadoop 3: "Last 4096 bytes of stderr :").
const minExec =
  'Container from a bad node: container_e18_1700000000000_0042_01_000002 on host: node-2. Exit status: 1. Diagnostics: [2024-03-01 10:02:11.507]Exception from container-launch.\nContainer id: container_e18_1700000000000_0042_01_000002\nExit code: 1\n[2024-03-01 10:02:11.508]Container exited with a non-zero exit code 1. Error file: prelaunch.err.\nLast 4096 bytes of prelaunch.err :\nLast 4096 bytes of stderr :\nException in thread "main" java.lang.IllegalArgumentException: Executor memory 314572800 must be at least 471859200. Please increase executor memory using the --executor-memory option or spark.executor.memory in Spark configuration.\n\tat org.apache.spark.memory.UnifiedMemoryManager$.getMaxMemory(UnifiedMemoryManager.scala:228)\n.';
add(
  'heap-below-minimum',
  'spark34-yarn-executor-stderr-tail',
  app({
    version: '3.4.1',
    conf: { 'spark.executor.memory': '300m' },
    middle: [removed('1', minExec), removed('2', minExec)],
    stageFailure: false,
    jobFailed: 'Job 0 cancelled because SparkContext was shut down',
    exitCode: 1,
  }),
  {
    code: 'heap-below-minimum',
    role: 'executor',
    region: 'reserved',
    codes: ['context-shutdown', 'heap-below-minimum'],
    // The memory model refuses the 300m heap just as Spark did: no layout, the minimum is said without a plan.
    problems: ['layout'],
  },
);

// --- gpu-oom: the RAPIDS Accelerator's failure reasons, as the real NDS log (spark-rapids-tools
// gpu_oom_eventlog.zstd, plugin 25.02) records them: GpuSplitAndRetryOOM from a multi-file scan with its
// frames (RmmRapidsRetryIterator.scala), the pool capped by allocFraction/maxAllocFraction; and cudf's
// RMM failure as java.lang.OutOfMemoryError (cudf jni_utils.hpp CATCH_STD) in a shuffle stage.
const gpuSplit =
  'GPU OutOfMemory: could not split inputs and retry. The current attempt: {HostMemoryBuffer{address=0x7fac24b85210, length=729491223, id=974}}';
const rapidsScan = frames(
  'com.nvidia.spark.rapids.RmmRapidsRetryIterator$AutoCloseableAttemptSpliterator.split',
  'com.nvidia.spark.rapids.RmmRapidsRetryIterator$RmmRapidsRetryIterator.next',
  'com.nvidia.spark.rapids.RmmRapidsRetryIterator$.withRetryNoSplit',
  'com.nvidia.spark.rapids.MultiFileCoalescingPartitionReaderBase.readBatch',
  'com.nvidia.spark.rapids.shims.GpuDataSourceRDD$$anon$1.hasNext',
);
const rapidsConf = {
  'spark.plugins': 'com.nvidia.spark.SQLPlugin',
  'spark.executor.resource.gpu.amount': '1',
  'spark.task.resource.gpu.amount': '0.25',
};
add(
  'gpu-oom',
  'spark33-rapids-split-scan',
  app({
    version: '3.3.1',
    master: 'spark://master:7077',
    conf: {
      ...rapidsConf,
      'spark.rapids.sql.concurrentGpuTasks': '4',
      'spark.rapids.memory.gpu.allocFraction': '0.1',
      'spark.rapids.memory.gpu.maxAllocFraction': '0.15',
      'spark.sql.files.maxPartitionBytes': '10gb',
    },
    sql: 'GpuColumnarToRow\n+- GpuFileGpuScan parquet',
    middle: failTasks(exc('com.nvidia.spark.rapids.jni.GpuSplitAndRetryOOM', gpuSplit, rapidsScan)),
    jobFailed: abort(`com.nvidia.spark.rapids.jni.GpuSplitAndRetryOOM: ${gpuSplit}`),
  }),
  { code: 'gpu-oom', role: 'executor', region: 'gpu' },
);
const rmm =
  'Could not allocate native memory: std::bad_alloc: out_of_memory: RMM failure at:/home/jenkins/agent/workspace/jenkins-spark-rapids-jni-release-1-cuda12/thirdparty/cudf/cpp/build/_deps/rmm-src/include/rmm/mr/device/pool_memory_resource.hpp:257: Maximum pool size exceeded';
add(
  'gpu-oom',
  'spark35-cudf-rmm-shuffle',
  app({
    version: '3.5.1',
    conf: rapidsConf,
    sql: 'GpuShuffledHashJoin',
    middle: failTasks(
      exc(
        'java.lang.OutOfMemoryError',
        rmm,
        frames('ai.rapids.cudf.Table.innerJoinGatherMaps', 'com.nvidia.spark.rapids.JoinGathererImpl.gatherNext'),
      ),
    ),
    jobFailed: abort(`java.lang.OutOfMemoryError: ${rmm}`),
  }),
  { code: 'gpu-oom', role: 'executor', region: 'gpu' },
);

for (const [code, variants] of Object.entries(cases)) {
  const dir = path.join(OUT, code);
  mkdirSync(dir, { recursive: true });
  const expect = {};
  for (const [variant, { log, expected }] of Object.entries(variants)) {
    writeFileSync(path.join(dir, variant), log);
    // `codes`: the exact set of finding codes the variant must produce (test/classifiers/fixtures.test.ts
    // asserts set equality). A fixture written for one code produces that code alone unless its
    // expectation names more (a heap OOM whose task metrics also show GC pressure, say); a trap, none.
    expect[variant] = { ...expected, codes: expected.codes ?? (expected.code === null ? [] : [expected.code]) };
  }
  writeFileSync(path.join(dir, 'expect.json'), JSON.stringify(expect, null, 2) + '\n');
}
console.log(Object.keys(cases).length, 'folders');
