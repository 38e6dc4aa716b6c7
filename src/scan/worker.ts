import { parentPort, workerData } from 'node:worker_threads';
import { prepareRow, type ScanFormat, type TableShape } from './output.js';
import { configureRemote, type RemoteConfig } from '../sources/remote/config.js';
import { scanUnit } from './row.js';
import type { FsPath } from '../sources/names.js';
import type { Unit } from '../sources/walk.js';

const { format, page, color, shape, remote } = workerData as {
  format: ScanFormat;
  page: boolean;
  color: boolean;
  shape: TableShape;
  remote: RemoteConfig;
};
configureRemote(remote);

// Units arrive ahead of need ({ id, unit }) and are done one at a time, in order; each answer
// ({ id, rows }) carries its rows already formatted, cheaper to hand over than a diagnosis object.
const queue: Array<{ id: number; unit: Unit }> = [];

/** A path of bytes (a name that is not UTF-8) arrives as a Uint8Array: a Buffer again. */
const bytesPath = (p: FsPath): FsPath => (typeof p === 'string' ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength));
let busy = false;

async function drain(): Promise<void> {
  if (busy) return;
  busy = true;
  for (let job = queue.shift(); job; job = queue.shift()) {
    const u = job.unit;
    const unit: Unit = { ...u, fsPath: bytesPath(u.fsPath), groupPaths: u.groupPaths?.map(bytesPath) ?? null };
    const rows = await scanUnit(unit, undefined, format === 'html' || page);
    parentPort!.postMessage({ id: job.id, rows: rows.map((r, i) => prepareRow(r, format, color, shape, i, page)) });
  }
  busy = false;
}

parentPort!.on('message', (msg: { id: number; unit: Unit }) => {
  queue.push(msg);
  void drain();
});
