// Writes the plain event log that the codec fixtures compress: deterministic, ~160 KB, with a
// 70 KB line (bigger than a 32 KiB codec block and a 64 KiB LZF chunk) and an incompressible
// stretch (so lz4-java stores some blocks raw). Run: node test/codecs/gen/make-source.mjs <out>
import { writeFileSync } from 'node:fs';

let seed = 42;
const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const noise = (n) => Array.from({ length: n }, () => String.fromCharCode(33 + Math.floor(rand() * 90)).replace(/["\\]/g, 'x')).join('');

const lines = [];
const ev = (o) => lines.push(JSON.stringify(o));
ev({ Event: 'SparkListenerLogStart', 'Spark Version': '3.5.1' });
ev({
  Event: 'SparkListenerApplicationStart',
  'App Name': 'codec-fixture',
  'App ID': 'application_1700000000000_0001',
  Timestamp: 1700000000000,
  User: 'spark',
  'App Attempt ID': '1',
});
for (let t = 0; t < 300; t++) {
  ev({
    Event: 'SparkListenerTaskEnd',
    'Stage ID': t % 3,
    'Stage Attempt ID': 0,
    'Task Type': 'ResultTask',
    'Task End Reason': { Reason: 'Success' },
    'Task Info': {
      'Task ID': t,
      Index: t,
      Attempt: 0,
      'Launch Time': 1700000001000 + t,
      'Executor ID': String(1 + (t % 4)),
      Host: 'host-' + (t % 4),
      Locality: 'PROCESS_LOCAL',
      Speculative: false,
      'Finish Time': 1700000002000 + t,
      Failed: false,
      Killed: false,
      Accumulables: [],
    },
    'Task Metrics': {
      'Executor Run Time': Math.floor(rand() * 1000),
      'JVM GC Time': Math.floor(rand() * 50),
      'Result Size': 1500,
      'Memory Bytes Spilled': 0,
      'Disk Bytes Spilled': 0,
      'Peak Execution Memory': Math.floor(rand() * 1e6),
    },
  });
  if (t === 150)
    ev({
      Event: 'org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart',
      executionId: 0,
      description: 'big plan',
      details: 'x'.repeat(70000),
      physicalPlanDescription: noise(20000),
      time: 1700000001500,
    });
}
ev({ Event: 'SparkListenerApplicationEnd', Timestamp: 1700000009000 });
writeFileSync(process.argv[2], lines.join('\n') + '\n');
