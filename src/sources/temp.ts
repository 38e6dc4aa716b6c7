import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError } from '../errors.js';

/** Private temporary directories made and not yet removed: removed at exit, however it comes. */
const dirs = new Set<string>();
let cleanupInstalled = false;

function removeAll(): void {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

/**
 * Removes the temporary directories on exit, whatever ends the process: a normal end,
 * process.exit (as on EPIPE when stdout's reader went away), SIGINT, SIGTERM, SIGHUP. A signal
 * someone else also listens for (scan's Ctrl-C, which stops cleanly and removes its own) is left
 * to them; otherwise the directories go and the signal is raised again, so the process still ends
 * as it would have. SIGPIPE is ignored by Node (writes fail with EPIPE instead), and stays so.
 */
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', removeAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      if (process.listenerCount(sig) > 1) return;
      removeAll();
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
  process.on('SIGPIPE', removeAll);
}

/** What a temporary directory is for, named in the error when it cannot be made. */
export type TempUse = 'stdin-zip' | 'scan-rows';

/** The coded error for a temporary directory that cannot be made or written (missing, read-only, full). */
export function tempUnusable(e: unknown, use: TempUse, dir = tmpdir()): InputError {
  if (e instanceof InputError) return e as InputError;
  const err = e as NodeJS.ErrnoException;
  return new InputError('temp-dir-unusable', {
    for: use,
    dir,
    errno: err.code ?? 'error',
    detail: (err.message ?? String(e)).split('\n')[0]!,
  });
}

/**
 * A new private (0700) directory under the system's temporary directory ($TMPDIR), removed by
 * `remove` or at exit, whichever comes first. Throws InputError 'temp-dir-unusable'.
 */
export function makePrivateTempDir(prefix: string, use: TempUse): { dir: string; remove: () => void } {
  // Handlers first: a signal between making the directory and handling signals would leave it behind.
  installCleanup();
  const base = tmpdir();
  let dir: string;
  try {
    dir = mkdtempSync(path.join(base, prefix));
  } catch (e) {
    throw tempUnusable(e, use, base);
  }
  dirs.add(dir);
  return {
    dir,
    remove: () => {
      dirs.delete(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
