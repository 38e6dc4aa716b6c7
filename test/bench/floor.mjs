// The floor of a JavaScript line scanner, a limit for `diagnose` to be held against: 1 MiB reads
// into one buffer, indexOf(10) for each line end, and the first 30 bytes of each line compared
// with an event's prefix (what telling events apart needs at the least). Prints the counts.
import { closeSync, openSync, readSync } from 'node:fs';

const PREFIX = Buffer.from('{"Event":"SparkListenerTaskEnd');
const buf = Buffer.alloc(1 << 20);
const fd = openSync(process.argv[2], 'r');
let lines = 0;
let tasks = 0;
let have = 0;
let skipping = false; // inside a line longer than the buffer (an SQL plan): its start was compared
for (;;) {
  const n = readSync(fd, buf, have, buf.length - have, null);
  const end = have + n;
  let start = 0;
  for (let nl = buf.indexOf(10, 0); nl >= 0 && nl < end; nl = buf.indexOf(10, start)) {
    if (!skipping) {
      lines++;
      if (buf.compare(PREFIX, 0, PREFIX.length, start, Math.min(nl, start + PREFIX.length)) === 0) tasks++;
    }
    skipping = false;
    start = nl + 1;
  }
  if (n === 0) break;
  if (start === 0 && end === buf.length) {
    if (!skipping) lines++;
    skipping = true;
    have = 0;
  } else {
    buf.copy(buf, 0, start, end);
    have = end - start;
  }
}
closeSync(fd);
console.log(JSON.stringify({ lines, tasks }));
