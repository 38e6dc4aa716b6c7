import { readdirSync, realpathSync, statSync } from 'node:fs';
import { setImmediate as turn } from 'node:timers/promises';
import path from 'node:path';
import { problemOf, type Problem } from '../errors.js';
import { classifyGroup, isIgnoredName, type GroupLayout } from './layout.js';
import { joinFsPath, shownPath, type FsPath } from './names.js';

/** One thing to read: a log file, a zip, or a log directory (rolling, Databricks, ≤1.2). */
export interface Unit {
  /** The path as text, for output: bytes of a name that are not UTF-8 shown as `\xNN` (./names.ts). */
  path: string;
  /** The path to open: a Buffer when a name in it is not valid UTF-8. */
  fsPath: FsPath;
  /** Newest modification time of its files (ms), for scan's --since and --limit. */
  mtime: number;
  /** Size of its files (for a zip, of the zip), for scan's choice of threads. */
  bytes: number;
  /** For a log directory, its layout and files in reading order; null for a file. */
  group: GroupLayout | null;
  /** For a log directory, the path to open of each of `group.files`, in the same order. */
  groupPaths: FsPath[] | null;
  /** For a log directory listed from a store, the size of each of `group.files` (./remote/store.ts), for scan's weighing. */
  groupBytes?: number[];
  /** Set when the path could not be listed or stat'ed. */
  error?: Problem;
  /** The application's name, when a listing says it before the log is read (a History Server's): --app-name applies early. */
  appName?: string | null;
}

/**
 * Walks a directory of logs (a History Server's, or any) without opening a file: hidden and .crc
 * files are skipped, a log directory is one unit, symlink loops are walked once. Both resolving
 * inputs and scan go through it. File system calls are synchronous (a thread-pool round trip per
 * stat cost a directory of 1,000 logs 80 ms of waiting); the event loop gets a turn every 256.
 * Names are read as bytes, so a name that is not valid UTF-8 is still opened (./names.ts).
 */
export async function* walkLogDir(root: FsPath): AsyncGenerator<Unit> {
  yield* walk(root, shownPath(root), new Set());
}

let calls = 0;
const breathe = async (): Promise<void> => {
  if (++calls % 256 === 0) await turn();
};

const unreadable = (fsPath: FsPath, shown: string, error: Problem): Unit => ({
  path: shown,
  fsPath,
  mtime: 0,
  bytes: 0,
  group: null,
  groupPaths: null,
  error,
});

async function* walk(dir: FsPath, shown: string, seen: Set<string>): AsyncGenerator<Unit> {
  let entries: { name: string; fsPath: FsPath }[];
  try {
    await breathe();
    const real = realpathSync(dir, { encoding: 'buffer' }).toString('latin1');
    if (seen.has(real)) return;
    seen.add(real);
    entries = readdirSync(dir, { encoding: 'buffer' })
      .map((raw) => ({ name: shownPath(raw), fsPath: joinFsPath(dir, raw) }))
      .filter((e) => !isIgnoredName(e.name))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    yield unreadable(dir, shown, problemOf(e));
    return;
  }
  const byName = new Map(entries.map((e) => [e.name, e.fsPath]));
  const group = classifyGroup(path.basename(shown), [...byName.keys()]);
  if (group) {
    let mtime = 0;
    let bytes = 0;
    const groupPaths = group.files.map((f) => byName.get(f)!);
    for (const p of groupPaths) {
      const st = statOf(p);
      mtime = Math.max(mtime, st.mtimeMs);
      bytes += st.size;
    }
    yield { path: shown, fsPath: dir, mtime, bytes, group, groupPaths };
    return;
  }
  for (const { name, fsPath } of entries) {
    const p = path.join(shown, name);
    let st;
    try {
      await breathe();
      st = statSync(fsPath);
    } catch (e) {
      yield unreadable(fsPath, p, problemOf(e));
      continue;
    }
    if (st.isDirectory()) yield* walk(fsPath, p, seen);
    else if (st.isFile()) yield { path: p, fsPath, mtime: st.mtimeMs, bytes: st.size, group: null, groupPaths: null };
  }
}

function statOf(p: FsPath): { mtimeMs: number; size: number } {
  try {
    return statSync(p);
  } catch {
    return { mtimeMs: 0, size: 0 };
  }
}
