// Builds fixtures/layouts/: small hand-made event logs in every layout `inspect` reads.
// Compressed parts use reference encoders: Node's zlib (gzip), the zstd CLI, Python's zipfile.
// Run from the project root: node test/sources/gen/make-fixtures.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';

const out = path.resolve('fixtures/layouts');
rmSync(out, { recursive: true, force: true });
const write = (p, data) => {
  mkdirSync(path.dirname(path.join(out, p)), { recursive: true });
  writeFileSync(path.join(out, p), data);
};
const jsonl = (events) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

const app = (id, attempt, version = '3.5.1', master = 'yarn') => [
  { Event: 'SparkListenerLogStart', 'Spark Version': version },
  {
    Event: 'SparkListenerEnvironmentUpdate',
    'JVM Information': { 'Java Version': '17.0.9' },
    'Spark Properties': { 'spark.master': master, 'spark.executor.memory': '4g' },
    'System Properties': {},
    'Classpath Entries': {},
  },
  {
    Event: 'SparkListenerApplicationStart',
    'App Name': 'layout-fixture',
    'App ID': id,
    ...(attempt ? { 'App Attempt ID': attempt } : {}),
    Timestamp: 1700000000000,
    User: 'etl',
  },
  {
    Event: 'SparkListenerExecutorAdded',
    Timestamp: 1700000001000,
    'Executor ID': '1',
    'Executor Info': { Host: 'node-1', 'Total Cores': 4, 'Log Urls': {} },
  },
  { Event: 'SparkListenerJobStart', 'Job ID': 0, 'Submission Time': 1700000001500, 'Stage Infos': [], 'Stage IDs': [0] },
  {
    Event: 'SparkListenerStageSubmitted',
    'Stage Info': { 'Stage ID': 0, 'Stage Attempt ID': 0, 'Stage Name': 'collect', 'Number of Tasks': 2 },
  },
];
const task = (tid, reason = { Reason: 'Success' }) => ({
  Event: 'SparkListenerTaskEnd',
  'Stage ID': 0,
  'Stage Attempt ID': 0,
  'Task Type': 'ResultTask',
  'Task End Reason': reason,
  'Task Info': {
    'Task ID': tid,
    Index: tid,
    Attempt: 0,
    'Launch Time': 1700000002000,
    'Executor ID': '1',
    Host: 'node-1',
    Locality: 'PROCESS_LOCAL',
    Speculative: false,
    'Finish Time': 1700000003000,
    Failed: reason.Reason !== 'Success',
    Killed: false,
    Accumulables: [],
  },
  'Task Metrics': { 'Executor Run Time': 900, 'JVM GC Time': 12, 'Result Size': 1200 },
});
const end = [
  {
    Event: 'SparkListenerStageCompleted',
    'Stage Info': { 'Stage ID': 0, 'Stage Attempt ID': 0, 'Stage Name': 'collect', 'Number of Tasks': 2 },
  },
  { Event: 'SparkListenerJobEnd', 'Job ID': 0, 'Completion Time': 1700000004000, 'Job Result': { Result: 'JobSucceeded' } },
  { Event: 'SparkListenerApplicationEnd', Timestamp: 1700000005000 },
];

// Rolling log, still in progress: parts 1, 2 and 10 (10 sorts before 2 as text), each its own codec.
const rid = 'application_1700000000000_0002';
const rdir = `rolling-inprogress/eventlog_v2_${rid}_1`;
write(`${rdir}/appstatus_${rid}_1.inprogress`, '');
write(`${rdir}/events_1_${rid}_1`, jsonl(app(rid, '1')));
write(`${rdir}/events_2_${rid}_1.gz`, gzipSync(jsonl([task(0), task(1)])));
const part10 =
  jsonl([task(2, { Reason: 'TaskKilled', 'Kill Reason': 'another attempt succeeded' })]) + JSON.stringify(task(3)).slice(0, 120);
write(`${rdir}/events_10_${rid}_1.zstd`, execFileSync('zstd', ['-q', '-c', '-3'], { input: part10 }));

// Text variants: UTF-8 BOM, CRLF line ends, no final newline.
write(
  'text-variants/crlf-bom-no-final-newline',
  '\ufeff' +
    jsonl([...app('local-1700000000003', null, '2.4.8', 'local[4]'), task(0), ...end])
      .trimEnd()
      .replace(/\n/g, '\r\n'),
);

// A driver that died: .inprogress, last line cut mid-event, no ApplicationEnd.
write(
  'truncated/application_1700000000000_0004.inprogress',
  jsonl([...app('application_1700000000000_0004', null), task(0)]) + JSON.stringify(task(1)).slice(0, 200),
);

// A History Server download with two attempts and a rolling log of a third.
const zdir = path.join(out, 'zip-attempts');
const stage = path.join(out, '.zip-stage');
const zid = 'application_1700000000000_0005';
mkdirSync(path.join(stage, `eventlog_v2_${zid}_3`), { recursive: true });
writeFileSync(
  path.join(stage, `${zid}_1`),
  jsonl([
    ...app(zid, '1'),
    task(0, {
      Reason: 'ExecutorLostFailure',
      'Executor ID': '1',
      'Exit Caused By App': true,
      'Loss Reason':
        'Container killed by YARN for exceeding physical memory limits. 4.5 GB of 4.4 GB physical memory used. Consider boosting spark.executor.memoryOverhead.',
    }),
  ]),
);
writeFileSync(path.join(stage, `${zid}_2`), gzipSync(jsonl([...app(zid, '2'), task(0), task(1), ...end])));
writeFileSync(path.join(stage, `eventlog_v2_${zid}_3`, `appstatus_${zid}_3`), '');
writeFileSync(path.join(stage, `eventlog_v2_${zid}_3`, `events_1_${zid}_3`), jsonl([...app(zid, '3'), task(0), ...end]));
mkdirSync(zdir, { recursive: true });
execFileSync('python3', [
  '-c',
  `
import os, sys, zipfile
stage, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, 'w', zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in sorted(os.walk(stage)):
        for f in sorted(files):
            full = os.path.join(root, f)
            info = zipfile.ZipInfo(os.path.relpath(full, stage), date_time=(2023, 11, 14, 22, 13, 20))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, open(full, 'rb').read())
`,
  stage,
  path.join(zdir, `eventLogs-${zid}.zip`),
]);
rmSync(stage, { recursive: true, force: true });

// Not event logs: the reader must say so in one line.
write('not-eventlogs/empty', '');
write('not-eventlogs/binary-garbage', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) % 256)));
write('not-eventlogs/text', 'this is a driver log\nnot an event log\n');
mkdirSync(path.join(out, 'not-eventlogs/empty-dir/sub'), { recursive: true });
write('not-eventlogs/empty-dir/sub/.keep', '');
