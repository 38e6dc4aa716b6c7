import { parentPort, workerData } from 'node:worker_threads';
import { prepareRow, type ScanFormat } from './output.js';
import { configureRemote, type RemoteConfig } from '../sources/remote/config.js';
import { scanUnit } from './row.js';

const { format, color, remote } = workerData as { format: ScanFormat; color: boolean; remote: RemoteConfig };
configureRemote(remote);

// Units arrive ahead of need ({ id, path }) and are done one at a time, in order; each answer
// ({ id, rows }) carries its rows already formatted, cheaper to hand over than a diagnosis object.
const queue: Array<{ id: number; path: string }> = [];
let busy = false;

async function drain(): Promise<void> {
  if (busy) return;
  busy = true;
  for (let job = queue.shift(); job; job = queue.shift()) {
    const rows = await scanUnit(job.path);
    parentPort!.postMessage({ id: job.id, rows: rows.map((r) => prepareRow(r, format, color)) });
  }
  busy = false;
}

parentPort!.on('message', (msg: { id: number; path: string }) => {
  queue.push(msg);
  void drain();
});
