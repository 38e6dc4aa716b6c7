import { parentPort, workerData } from 'node:worker_threads';
import { prepareRow, type ScanFormat, type TableShape } from './output.js';
import { configureRemote, type RemoteConfig } from '../sources/remote/config.js';
import { scanUnit } from './row.js';

const { format, page, color, shape, remote } = workerData as {
  format: ScanFormat;
  page: boolean;
  color: boolean;
  shape: TableShape;
  remote: RemoteConfig;
};
configureRemote(remote);

// Units arrive ahead of need ({ id, path }) and are done one at a time, in order; each answer
// ({ id, rows }) carries its rows already formatted, cheaper to hand over than a diagnosis object.
const queue: Array<{ id: number; path: string }> = [];
let busy = false;

async function drain(): Promise<void> {
  if (busy) return;
  busy = true;
  for (let job = queue.shift(); job; job = queue.shift()) {
    const rows = await scanUnit(job.path, undefined, format === 'html' || page);
    parentPort!.postMessage({ id: job.id, rows: rows.map((r, i) => prepareRow(r, format, color, shape, i, page)) });
  }
  busy = false;
}

parentPort!.on('message', (msg: { id: number; path: string }) => {
  queue.push(msg);
  void drain();
});
