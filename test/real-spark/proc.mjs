// The servers the tests start (Spark's History Server, s3proxy, MiniDFSCluster, Azurite): a free port
// for each, and how to stop one started as the leader of its own process group (spawn with detached:
// true): SIGTERM to the group, SIGKILL after `graceMs` if it is still there.
import { createServer } from 'node:net';

/**
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} graceMs
 * @returns {{ exited: () => number | string | null, stop: () => Promise<void> }}
 */
export function supervise(child, graceMs) {
  /** @type {number | string | null} */
  let exited = null;
  child.on('exit', (code, signal) => (exited = code ?? signal));
  const signalGroup = (sig) => process.kill(-(/** @type {number} */ (child.pid)), sig);
  const stop = () =>
    new Promise((resolve) => {
      if (exited !== null) return resolve();
      child.once('exit', () => resolve());
      try {
        signalGroup('SIGTERM');
      } catch {
        resolve();
      }
      setTimeout(() => {
        try {
          signalGroup('SIGKILL');
        } catch {
          // already gone
        }
      }, graceMs).unref();
    });
  // A server never outlives the test process: a hook that timed out while one was starting loses
  // the handle that would stop it (a GCS emulator was found running an hour after such a run).
  const orphaned = () => {
    if (exited !== null) return;
    try {
      signalGroup('SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', orphaned);
  child.once('exit', () => process.off('exit', orphaned));
  return { exited: () => exited, stop };
}

/** A free TCP port on loopback (asked of the kernel, then released for the server to take). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
