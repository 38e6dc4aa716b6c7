// A server the tests start as the leader of its own process group (spawn with detached: true), and
// how to stop it: SIGTERM to the group, SIGKILL after `graceMs` if it is still there.
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
  return { exited: () => exited, stop };
}
