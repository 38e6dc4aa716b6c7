import { parentPort, workerData } from 'node:worker_threads';
import { digestTail } from './tail.js';

// The helper thread of src/input/split.ts: reads the second half of a plain event log and answers
// with its digest (null when it gave up or failed: the first thread then reads that half itself).
const { fsPath, file, start, end } = workerData as { fsPath: string; file: string; start: number; end: number };
digestTail(fsPath, file, start, end).then(
  (d) => parentPort!.postMessage(d),
  () => parentPort!.postMessage(null),
);
