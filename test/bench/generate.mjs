// Deterministic event logs with the shape of real ones, for `npm run bench` (never committed):
// ~85% of the bytes are ~3 KB SparkListenerTaskEnd lines (Accumulables, Task Executor Metrics,
// Task Metrics as Spark 3.x JsonProtocol writes them), a few multi-MB SQL plan events, hundreds of
// executors, and near the end a YARN memory kill that fails the job.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const MiB = 1024 * 1024;

function rng(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32;
}

const ACC_NAMES = [
  'internal.metrics.executorDeserializeTime',
  'internal.metrics.executorDeserializeCpuTime',
  'internal.metrics.executorRunTime',
  'internal.metrics.executorCpuTime',
  'internal.metrics.resultSize',
  'internal.metrics.jvmGCTime',
  'internal.metrics.resultSerializationTime',
  'internal.metrics.peakExecutionMemory',
  'internal.metrics.shuffle.read.remoteBlocksFetched',
  'internal.metrics.shuffle.read.localBlocksFetched',
  'internal.metrics.shuffle.read.remoteBytesRead',
  'internal.metrics.shuffle.read.localBytesRead',
  'internal.metrics.shuffle.read.fetchWaitTime',
  'internal.metrics.shuffle.read.recordsRead',
  'internal.metrics.shuffle.write.bytesWritten',
  'internal.metrics.shuffle.write.recordsWritten',
  'internal.metrics.shuffle.write.writeTime',
  'number of output rows',
  'peak memory',
  'spill size',
  'time in aggregation build',
];

function taskEnd(r, tid, stage, exec, t, reason) {
  const n = (k) => Math.floor(r() * k);
  const acc = ACC_NAMES.slice(0, 9)
    .map(
      (name, i) =>
        `{"ID":${1000 + i},"Name":"${name}","Update":${n(1e7)},"Value":${n(1e10)},"Internal":true,"Count Failed Values":true${name.includes(' ') ? ',"Metadata":"sql"' : ''}}`,
    )
    .join(',');
  const heap = 2 * 1024 ** 3 + n(4 * 1024 ** 3);
  const tem = `{"JVMHeapMemory":${heap},"JVMOffHeapMemory":${180 * MiB + n(40 * MiB)},"OnHeapExecutionMemory":${n(2 * 1024 ** 3)},"OffHeapExecutionMemory":0,"OnHeapStorageMemory":${n(200 * MiB)},"OffHeapStorageMemory":0,"OnHeapUnifiedMemory":${n(2 * 1024 ** 3)},"OffHeapUnifiedMemory":0,"DirectPoolMemory":${n(300 * MiB)},"MappedPoolMemory":0,"ProcessTreeJVMVMemory":0,"ProcessTreeJVMRSSMemory":0,"ProcessTreePythonVMemory":0,"ProcessTreePythonRSSMemory":0,"ProcessTreeOtherVMemory":0,"ProcessTreeOtherRSSMemory":0,"MinorGCCount":${n(500)},"MinorGCTime":${n(90000)},"MajorGCCount":${n(20)},"MajorGCTime":${n(30000)},"TotalGCTime":${n(120000)}}`;
  const run = 2000 + n(60000);
  const tm = `{"Executor Deserialize Time":${n(100)},"Executor Deserialize CPU Time":${n(1e8)},"Executor Run Time":${run},"Executor CPU Time":${n(1e11)},"Peak Execution Memory":${n(512 * MiB)},"Result Size":${2000 + n(5000)},"JVM GC Time":${n(run / 8)},"Result Serialization Time":${n(5)},"Memory Bytes Spilled":${r() < 0.05 ? n(2 * 1024 ** 3) : 0},"Disk Bytes Spilled":0,"Shuffle Read Metrics":{"Remote Blocks Fetched":${n(400)},"Local Blocks Fetched":${n(50)},"Fetch Wait Time":${n(3000)},"Remote Bytes Read":${n(1e9)},"Remote Bytes Read To Disk":0,"Local Bytes Read":${n(1e8)},"Total Records Read":${n(1e7)},"Remote Requests Duration":${n(5000)},"Push Based Shuffle":{"Corrupt Merged Block Chunks":0,"Merged Fetch Fallback Count":0,"Merged Remote Blocks Fetched":0,"Merged Local Blocks Fetched":0,"Merged Remote Chunks Fetched":0,"Merged Local Chunks Fetched":0,"Merged Remote Bytes Read":0,"Merged Local Bytes Read":0,"Merged Remote Requests Duration":0}},"Shuffle Write Metrics":{"Shuffle Bytes Written":${n(1e9)},"Shuffle Write Time":${n(1e9)},"Shuffle Records Written":${n(1e7)}},"Input Metrics":{"Bytes Read":${n(1e9)},"Records Read":${n(1e7)}},"Output Metrics":{"Bytes Written":0,"Records Written":0},"Updated Blocks":[]}`;
  const reasonJson = reason ?? '{"Reason":"Success"}';
  return `{"Event":"SparkListenerTaskEnd","Stage ID":${stage},"Stage Attempt ID":0,"Task Type":"ShuffleMapTask","Task End Reason":${reasonJson},"Task Info":{"Task ID":${tid},"Index":${tid % 2000},"Attempt":0,"Partition ID":${tid % 2000},"Launch Time":${t},"Executor ID":"${exec}","Host":"ip-10-0-${exec % 250}-${(exec * 7) % 250}.ec2.internal","Locality":"PROCESS_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":${t + run + 150},"Failed":${reason ? 'true' : 'false'},"Killed":false,"Accumulables":[${acc}]},"Task Executor Metrics":${tem},"Task Metrics":${tm}}`;
}

function sqlPlan(r, bytes) {
  const ops = [
    'Project',
    'Filter',
    'HashAggregate',
    'Exchange hashpartitioning',
    'SortMergeJoin',
    'BroadcastHashJoin',
    'FileScan parquet',
    'Window',
    'Sort',
  ];
  let s = '';
  let i = 0;
  while (s.length < bytes)
    s += `${'   '.repeat(i % 12)}+- ${ops[Math.floor(r() * ops.length)]} [col_${i}#${i * 7}L, amount_${i}#${i * 3}] (${i++})\\n`;
  return s;
}

/** Classpath entries as a real YARN application lists them (jars of Spark, Hadoop and the app). */
function classpath(r, n) {
  const libs = [
    'hadoop-common',
    'hadoop-hdfs-client',
    'hadoop-yarn-api',
    'spark-core_2.12',
    'spark-sql_2.12',
    'spark-catalyst_2.12',
    'jackson-databind',
    'guava',
    'netty-all',
    'parquet-hadoop',
    'orc-core',
    'zstd-jni',
    'lz4-java',
    'snappy-java',
    'commons-lang3',
    'log4j-core',
    'arrow-vector',
    'avro',
    'protobuf-java',
    'scala-library',
  ];
  const entries = [];
  for (let i = 0; i < n; i++)
    entries.push(
      `"/usr/lib/spark/jars/${libs[i % libs.length]}-${1 + Math.floor(r() * 9)}.${Math.floor(r() * 20)}.${Math.floor(r() * 9)}${i >= libs.length ? `-${i}` : ''}.jar":"System Classpath"`,
    );
  return entries.join(',');
}

/**
 * Writes a log of about `targetBytes` to `file`. Options: `executors`; `appId`; `fail` (a YARN
 * memory kill in the last 3% fails the job, else the application succeeds); `tasksPerStage`;
 * `classpathEntries` (real applications list a few hundred, which makes up much of a small log).
 */
export async function generateLog(
  file,
  targetBytes,
  {
    seed = 7,
    executors = 400,
    appId = 'application_1700000000000_9999',
    fail: willFail = true,
    tasksPerStage = 2000,
    classpathEntries = 0,
  } = {},
) {
  const r = rng(seed);
  const out = createWriteStream(file, { highWaterMark: 4 * MiB });
  let bytes = 0;
  const write = async (line) => {
    bytes += Buffer.byteLength(line) + 1;
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  };
  const t0 = 1700000000000;
  await write('{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}');
  await write(
    `{"Event":"SparkListenerResourceProfileAdded","Resource Profile Id":0,"Executor Resource Requests":{"cores":{"Resource Name":"cores","Amount":4,"Discovery Script":"","Vendor":""},"memory":{"Resource Name":"memory","Amount":8192,"Discovery Script":"","Vendor":""},"offHeap":{"Resource Name":"offHeap","Amount":0,"Discovery Script":"","Vendor":""}},"Task Resource Requests":{"cpus":{"Resource Name":"cpus","Amount":1.0}}}`,
  );
  await write(
    `{"Event":"SparkListenerEnvironmentUpdate","JVM Information":{"Java Home":"/usr/lib/jvm/java-17","Java Version":"17.0.9 (Eclipse Adoptium)","Scala Version":"version 2.12.18"},"Spark Properties":{"spark.master":"yarn","spark.submit.deployMode":"cluster","spark.executor.memory":"8g","spark.executor.cores":"4","spark.driver.memory":"8g","spark.yarn.isPython":"true","spark.sql.shuffle.partitions":"2000","spark.executor.extraJavaOptions":"-XX:+UseG1GC -XX:OnOutOfMemoryError='kill -9 %p'"},"Hadoop Properties":{},"System Properties":{"java.version":"17.0.9","sun.java.command":"org.apache.spark.deploy.yarn.ApplicationMaster --class Main"},"Metrics Properties":{},"Classpath Entries":{${classpath(r, classpathEntries)}}}`,
  );
  await write(
    `{"Event":"SparkListenerApplicationStart","App Name":"bench-etl","App ID":"${appId}","Timestamp":${t0},"User":"etl","App Attempt ID":"1"}`,
  );
  for (let e = 1; e <= executors; e++) {
    await write(
      `{"Event":"SparkListenerExecutorAdded","Timestamp":${t0 + e},"Executor ID":"${e}","Executor Info":{"Host":"ip-10-0-${e % 250}-${(e * 7) % 250}.ec2.internal","Total Cores":4,"Log Urls":{"stdout":"http://nm:8042/node/containerlogs/container_e18_${appId.slice('application_'.length)}_01_${String(e + 1).padStart(6, '0')}/etl/stdout","stderr":"http://nm:8042/node/containerlogs/container_e18_${appId.slice('application_'.length)}_01_${String(e + 1).padStart(6, '0')}/etl/stderr"},"Attributes":{},"Resources":{},"Resource Profile Id":0}}`,
    );
    await write(
      `{"Event":"SparkListenerBlockManagerAdded","Block Manager ID":{"Executor ID":"${e}","Host":"ip-10-0-${e % 250}-${(e * 7) % 250}.ec2.internal","Port":40000},"Maximum Memory":5088320716,"Timestamp":${t0 + e},"Maximum Onheap Memory":5088320716,"Maximum Offheap Memory":0}`,
    );
  }
  let tid = 0;
  let stage = 0;
  let job = 0;
  const kill =
    'Container killed by YARN for exceeding physical memory limits. 9.1 GB of 8.8 GB physical memory used. Consider boosting spark.executor.memoryOverhead.';
  while (bytes < targetBytes) {
    const t = t0 + 10000 + tid * 5;
    let failed = false;
    await write(
      `{"Event":"SparkListenerJobStart","Job ID":${job},"Submission Time":${t},"Stage Infos":[],"Stage IDs":[${stage}],"Properties":{"spark.sql.execution.id":"${job}"}}`,
    );
    if (job % 40 === 0)
      await write(
        `{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart","executionId":${job},"rootExecutionId":${job},"description":"insert into report","details":"org.apache.spark.sql.Dataset.collect","physicalPlanDescription":"== Physical Plan ==\\n${sqlPlan(r, Math.min(5 * MiB, targetBytes / 50))}","sparkPlanInfo":{"nodeName":"AdaptiveSparkPlan","simpleString":"AdaptiveSparkPlan isFinalPlan=true","children":[],"metadata":{},"metrics":[]},"time":${t},"modifiedConfigs":{}}`,
      );
    await write(
      `{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":${stage},"Stage Attempt ID":0,"Stage Name":"save at Job.scala:${stage}","Number of Tasks":${tasksPerStage},"RDD Info":[],"Parent IDs":[],"Details":"","Accumulables":[],"Resource Profile Id":0},"Properties":{}}`,
    );
    for (let k = 0; k < tasksPerStage && bytes < targetBytes; k++, tid++) {
      const exec = 1 + (tid % executors);
      await write(
        `{"Event":"SparkListenerTaskStart","Stage ID":${stage},"Stage Attempt ID":0,"Task Info":{"Task ID":${tid},"Index":${k},"Attempt":0,"Partition ID":${k},"Launch Time":${t + k},"Executor ID":"${exec}","Host":"h","Locality":"PROCESS_LOCAL","Speculative":false,"Getting Result Time":0,"Finish Time":0,"Failed":false,"Killed":false,"Accumulables":[]}}`,
      );
      // The last 3% of the log: some executors are killed by YARN, and the job fails.
      const fail =
        willFail && bytes > targetBytes * 0.97 && (!failed || k % 97 === 0)
          ? `{"Reason":"ExecutorLostFailure","Executor ID":"${exec}","Exit Caused By App":true,"Loss Reason":"${kill}"}`
          : null;
      if (fail) failed = true;
      await write(taskEnd(r, tid, stage, exec, t + k, fail));
      if (fail)
        await write(
          `{"Event":"SparkListenerExecutorRemoved","Timestamp":${t + k + 100},"Executor ID":"${exec}","Removed Reason":"${kill}"}`,
        );
    }
    await write(
      `{"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":${stage},"Stage Attempt ID":0,"Stage Name":"save at Job.scala:${stage}","Number of Tasks":${tasksPerStage},"RDD Info":[],"Parent IDs":[],"Details":"","Submission Time":${t},"Completion Time":${t + 60000}${failed ? `,"Failure Reason":"Job aborted due to stage failure: Task 0 in stage ${stage}.0 failed 4 times, most recent failure: Lost task 0.3 in stage ${stage}.0 (TID ${tid}) (h executor 1): ExecutorLostFailure (executor 1 exited caused by one of the running tasks) Reason: ${kill}"` : ''},"Accumulables":[],"Resource Profile Id":0},"Properties":{}}`,
    );
    await write(
      `{"Event":"SparkListenerJobEnd","Job ID":${job},"Completion Time":${t + 60000},"Job Result":${failed ? `{"Result":"JobFailed","Exception":{"Message":"Job aborted due to stage failure: ${kill}","Stack Trace":[]}}` : '{"Result":"JobSucceeded"}'}}`,
    );
    stage++;
    job++;
    if (failed) break;
  }
  await write(`{"Event":"SparkListenerApplicationEnd","Timestamp":${t0 + 10000 + tid * 5 + 90000}}`);
  out.end();
  await once(out, 'finish');
  return bytes;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [file, size] = process.argv.slice(2);
  console.log(await generateLog(file, Number(size) * MiB));
}
