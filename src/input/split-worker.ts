import { workerData, type MessagePort } from 'node:worker_threads';
import { Claims } from './blocks.js';
import { helpRead, type SplitPlan } from './split.js';

// The helper thread of src/input/split.ts: reads blocks of a plain event log from the back, each
// answered with its digest as soon as read, until it meets the first thread; then says it is done
// (or, when it gave up or failed, that the first thread must read those blocks itself).
const { plan, file, claims, port } = workerData as { plan: SplitPlan; file: string; claims: SharedArrayBuffer; port: MessagePort };
helpRead(plan, file, new Claims(plan.blocks.count, claims), (m) => port.postMessage(m)).then(
  () => port.close(),
  () => port.postMessage({ failed: true }),
);
