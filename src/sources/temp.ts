import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
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
export type TempUse = 'stdin-zip' | 'scan-rows' | 'output' | 'remote-zip';

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

/**
 * Characters a spool gathers before writing them (our choice: the 64 KiB it reads back at a time;
 * a scan's rows are ~8 KB each, so about eight rows a write). Bounded: memory stays flat.
 */
const SPOOL_BATCH = 64 * 1024;

/**
 * Text written to a private temporary file and read back once, in order: output that must wait
 * (scan's rows that are not failures, inspect's applications after its inputs) without being held
 * in memory. Throws InputError 'temp-dir-unusable' when the file cannot be made or written.
 */
export class TempSpool {
  private readonly made: { dir: string; remove: () => void };
  private fd: number | null;
  private readonly file: string;

  constructor(
    prefix: string,
    private readonly use: TempUse,
  ) {
    this.made = makePrivateTempDir(prefix, use);
    this.file = path.join(this.made.dir, 'spool');
    try {
      this.fd = openSync(this.file, 'wx', 0o600);
    } catch (e) {
      this.made.remove();
      throw tempUnusable(e, use, this.made.dir);
    }
  }

  /** Text written and not yet in the file: one system call per SPOOL_BATCH characters, not per row. */
  private pending: string[] = [];
  private pendingChars = 0;

  write(text: string): void {
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= SPOOL_BATCH) this.flush();
  }

  private flush(): void {
    if (this.pendingChars === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    try {
      writeSync(this.fd!, text);
    } catch (e) {
      throw tempUnusable(e, this.use, this.made.dir); // ENOSPC, EDQUOT, EIO
    }
  }

  /** Hands what was written to `out` in chunks of 64 KiB, then removes the file. */
  drainTo(out: (s: string) => void): void {
    this.flush();
    closeSync(this.fd!);
    this.fd = null;
    const fd = openSync(this.file, 'r');
    try {
      const buf = Buffer.alloc(1 << 16);
      const decoder = new StringDecoder('utf8');
      for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) out(decoder.write(buf.subarray(0, n)));
      const rest = decoder.end();
      if (rest) out(rest);
    } finally {
      closeSync(fd);
      this.remove();
    }
  }

  /** Hands what was written back line by line (without the newline), then removes the file. */
  drainLines(each: (line: string) => void): void {
    let rest = '';
    this.drainTo((chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const l of lines) each(l);
    });
    if (rest !== '') each(rest);
  }

  remove(): void {
    this.pending = [];
    this.pendingChars = 0;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.made.remove();
  }
}
