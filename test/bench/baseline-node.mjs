// The obvious Node way: split2 + JSON.parse on every line, then the same summary
// (events by type, tasks failed, executors removed, the last job's result).
import { createReadStream } from 'node:fs';
import split2 from 'split2';

const counts = new Map();
let failed = 0;
let removed = 0;
let lastJob = null;
for await (const line of createReadStream(process.argv[2]).pipe(split2())) {
  if (!line) continue;
  const e = JSON.parse(line);
  counts.set(e.Event, (counts.get(e.Event) ?? 0) + 1);
  if (e.Event === 'SparkListenerTaskEnd' && e['Task End Reason'].Reason !== 'Success') failed++;
  if (e.Event === 'SparkListenerExecutorRemoved') removed++;
  if (e.Event === 'SparkListenerJobEnd') lastJob = e['Job Result'].Result;
}
console.log(JSON.stringify({ events: Object.fromEntries(counts), failed, removed, lastJob }));
