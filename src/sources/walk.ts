import { readdirSync, realpathSync, statSync } from 'node:fs';
import { setImmediate as turn } from 'node:timers/promises';
import path from 'node:path';
import { problemOf, type Problem } from '../errors.js';
import { classifyGroup, isIgnoredName, type GroupLayout } from './layout.js';

/** One thing to read: a log file, a zip, or a log directory (rolling, Databricks, ≤1.2). */
export interface Unit {
  path: string;
  /** Newest modification time of its files (ms), for scan's --since and --limit. */
  mtime: number;
  /** Size of its files (for a zip, of the zip), for scan's choice of threads. */
  bytes: number;
  /** For a log directory, its layout and files in reading order; null for a file. */
  group: GroupLayout | null;
  /** Set when the path could not be listed or stat'ed. */
  error?: Problem;
}

/**
 * Walks a directory of logs (a History Server's, or any) without opening a file: hidden and .crc
 * files are skipped, a log directory is one unit, symlink loops are walked once. Both resolving
 * inputs and scan go through it. File system calls are synchronous (a thread-pool round trip per
 * stat cost a directory of 1,000 logs 80 ms of waiting); the event loop gets a turn every 256.
 */
export async function* walkLogDir(root: string): AsyncGenerator<Unit> {
  yield* walk(root, new Set());
}

let calls = 0;
const breathe = async (): Promise<void> => {
  if (++calls % 256 === 0) await turn();
};

async function* walk(dir: string, seen: Set<string>): AsyncGenerator<Unit> {
  let names: string[];
  try {
    await breathe();
    const real = realpathSync(dir);
    if (seen.has(real)) return;
    seen.add(real);
    names = readdirSync(dir)
      .filter((n) => !isIgnoredName(n))
      .sort();
  } catch (e) {
    yield { path: dir, mtime: 0, bytes: 0, group: null, error: problemOf(e) };
    return;
  }
  const group = classifyGroup(path.basename(dir), names);
  if (group) {
    let mtime = 0;
    let bytes = 0;
    for (const f of group.files) {
      const st = statOf(path.join(dir, f));
      mtime = Math.max(mtime, st.mtimeMs);
      bytes += st.size;
    }
    yield { path: dir, mtime, bytes, group };
    return;
  }
  for (const name of names) {
    const p = path.join(dir, name);
    let st;
    try {
      await breathe();
      st = statSync(p);
    } catch (e) {
      yield { path: p, mtime: 0, bytes: 0, group: null, error: problemOf(e) };
      continue;
    }
    if (st.isDirectory()) yield* walk(p, seen);
    else if (st.isFile()) yield { path: p, mtime: st.mtimeMs, bytes: st.size, group: null };
  }
}

function statOf(p: string): { mtimeMs: number; size: number } {
  try {
    return statSync(p);
  } catch {
    return { mtimeMs: 0, size: 0 };
  }
}
