import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'diagnose');
const GiB = 1024 ** 3;
const DAY = 86_400_000;
const TIME_KEYS = new Set(['Timestamp', 'Submission Time', 'Completion Time', 'Launch Time', 'Finish Time', 'time']);

/**
 * Runs of one application from a diagnose fixture (fixtures/diagnose, written by
 * test/classifiers/gen/make-fixtures.mjs): the name and id replaced, every time moved by `day` days,
 * each executor's heap peak (Task Executor Metrics' JVMHeapMemory) set to `heapPeak`, and input bytes
 * (Task Metrics' Input Metrics, as JsonProtocol writes them) of `inputBytes` spread over the tasks.
 */
function run(template, { name, id, day, heapPeak, inputBytes }) {
  const lines = readFileSync(path.join(FIXTURES, template), 'utf8').split('\n').filter(Boolean);
  const tasks = lines.filter((l) => l.includes('"SparkListenerTaskEnd"')).length;
  const shift = (v) => {
    if (Array.isArray(v)) return v.map(shift);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, TIME_KEYS.has(k) && typeof x === 'number' ? x + day * DAY : shift(x)]));
  };
  return (
    lines
      .map((l) => {
        const e = shift(JSON.parse(l));
        if (e.Event === 'SparkListenerApplicationStart') Object.assign(e, { 'App Name': name, 'App ID': id });
        if (e.Event === 'SparkListenerEnvironmentUpdate') e['Spark Properties']['spark.app.name'] = name;
        if (e.Event === 'SparkListenerTaskEnd') {
          if (heapPeak !== undefined && e['Task Executor Metrics']) e['Task Executor Metrics'].JVMHeapMemory = heapPeak;
          if (inputBytes !== undefined && e['Task Metrics'])
            e['Task Metrics']['Input Metrics'] = { 'Bytes Read': Math.floor(inputBytes / tasks), 'Records Read': 1000 };
        }
        return JSON.stringify(e);
      })
      .join('\n') + '\n'
  );
}

/**
 * A History Server directory of three jobs run nightly:
 * - `etl-oversized`: three runs at a 16 GiB heap whose executors peaked at 3, 2 and 2.5 GiB (each run heap-underused);
 * - `etl-died`: two runs at 16 GiB peaking at 10 GiB, then one at the default 8 GiB that died of a heap OOM;
 * - `etl-grows`: four runs at 16 GiB whose heap peak grows 5 → 8 GiB while their input grows 10 → 16 GB.
 * Returns each job's files.
 */
export function generateFleet(root) {
  mkdirSync(root, { recursive: true });
  const files = {};
  let n = 0;
  const write = (job, template, opts) => {
    const id = `application_1710000000000_${String(++n).padStart(4, '0')}`;
    const file = path.join(root, id);
    writeFileSync(file, run(template, { name: job, id, ...opts }));
    (files[job] ??= []).push(file);
  };
  const healthy = 'heap-underused/spark35-16g';
  [3, 2, 2.5].forEach((p, day) => write('etl-oversized', healthy, { day, heapPeak: p * GiB }));
  write('etl-died', healthy, { day: 0, heapPeak: 10 * GiB });
  write('etl-died', healthy, { day: 1, heapPeak: 10 * GiB });
  write('etl-died', 'heap-oom/spark35-storage-memorystore', { day: 2 });
  [5, 6, 7, 8].forEach((p, day) => write('etl-grows', healthy, { day, heapPeak: p * GiB, inputBytes: (10 + 2 * day) * 1e9 }));
  return files;
}
