import { workerData, type MessagePort } from 'node:worker_threads';
import { Claims } from './blocks.js';
import { helpRead, segmentOf, type SplitPlan } from './split.js';

// The helper thread of src/input/split.ts: segment after segment, once the first thread has started
// it, reads blocks from its back, each answered with its digest as soon as read, until it meets the
// first thread; then says it is done with the segment (or, when it gave up or failed, that the first
// thread must read those blocks itself).
const { plan, file, claims, started, port } = workerData as {
  plan: SplitPlan;
  file: string;
  claims: SharedArrayBuffer[];
  started: SharedArrayBuffer;
  port: MessagePort;
};
const startedAt = new Int32Array(started);
/** Waits (this thread only: the first one never waits) until the first thread has started segment `s`; false once it has ended. */
const waitStarted = (s: number): Promise<boolean> => {
  for (;;) {
    const now = Atomics.load(startedAt, 0);
    if (now >= s) return Promise.resolve(now < claims.length);
    Atomics.wait(startedAt, 0, now);
  }
};
helpRead(
  plan,
  file,
  (s) => new Claims(segmentOf(plan, s).count, claims[s]),
  (m) => port.postMessage(m),
  waitStarted,
).then(
  () => port.close(),
  () => port.postMessage({ failed: true }),
);
