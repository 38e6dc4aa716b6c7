import { closeSync, openSync, readSync, statSync, writeSync, type Stats } from 'node:fs';
import path from 'node:path';
import { InputError, problemOf } from '../errors.js';
import { readFileChunks } from './file-chunks.js';
import { appIdFromName, classifyGroup, isIgnoredName, type GroupLayout } from './layout.js';
import { fsPathFromShown, shownPath, type FsPath } from './names.js';
import { peek } from './peek.js';
import { makePrivateTempDir, tempUnusable } from './temp.js';
import type { AppLog, Input, LayoutHints, Part } from './types.js';
import { walkLogDir } from './walk.js';
import { listZip, openZipEntry, ZIP_EMPTY_MAGIC, ZIP_MAGIC } from './zip.js';

export interface ResolvedInput extends Input {
  /** Releases anything resolving made (the spooled copy of a zip read from stdin). */
  dispose?: () => Promise<void>;
}

const filePart = (file: FsPath, shown: string, inProgress = isInProgressName(shown)): Part => ({
  name: shown,
  open: () => readFileChunks(file),
  inProgress,
});

const isInProgressName = (name: string): boolean => name.endsWith('.inprogress');

const singleHints = (file: string): LayoutHints => {
  const id = appIdFromName(path.basename(file));
  return id ? { appIdFromName: id } : {};
};

/**
 * Turns what the user named into inputs, one per application log (a zip may hold several
 * applications). Detects layout by content and file names inside directories, never by a file's
 * extension. Never writes to or deletes an input. Errors become inputs with `error` set, so one bad
 * path never stops a batch.
 */
export async function* resolveInputs(paths: readonly FsPath[]): AsyncGenerator<ResolvedInput> {
  for (const p of paths) {
    if (p === '-') {
      yield await resolveStdin();
      continue;
    }
    yield* resolvePath(p);
  }
}

/** A path given as bytes (a name that is not UTF-8, from a directory listing) is opened as such, shown escaped. */
async function* resolvePath(given: FsPath): AsyncGenerator<ResolvedInput> {
  const shown = shownPath(given);
  let p = given;
  let st: Stats | null;
  try {
    st = statSync(p);
  } catch (e) {
    // A shown path given back (by scan, or pasted by a user): `\xNN` stands for a byte of a name that is not UTF-8.
    const bytes = typeof given === 'string' && (e as NodeJS.ErrnoException).code === 'ENOENT' ? fsPathFromShown(given) : null;
    st = bytes !== null ? statOrNull(bytes) : null;
    if (st === null) {
      yield { path: shown, layout: 'single', apps: [], error: problemOf(e) };
      return;
    }
    p = bytes!;
  }
  if (st.isDirectory()) yield* resolveDirectory(p, shown);
  else if (st.isFile()) yield resolveFile(p, shown);
  else yield { path: shown, layout: 'single', apps: [], error: { code: 'not-a-file', data: {} } };
}

function statOrNull(p: FsPath): Stats | null {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

function resolveFile(file: FsPath, shown: string): ResolvedInput {
  let head: Buffer;
  try {
    // Four bytes tell a zip; read synchronously, as every input is read one at a time per thread.
    const fd = openSync(file, 'r');
    try {
      head = Buffer.alloc(4);
      head = head.subarray(0, readSync(fd, head, 0, 4, 0));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return { path: shown, layout: 'single', apps: [], error: problemOf(e) };
  }
  if (head.equals(ZIP_MAGIC) || head.equals(ZIP_EMPTY_MAGIC)) return resolveZip(file, shown);
  return { path: shown, layout: 'single', apps: [{ parts: [filePart(file, shown)], hints: singleHints(shown) }] };
}

async function* resolveDirectory(dir: FsPath, shown: string): AsyncGenerator<ResolvedInput> {
  let found = false;
  for await (const unit of walkLogDir(dir)) {
    found = true;
    if (unit.error !== undefined) yield { path: unit.path, layout: 'single', apps: [], error: unit.error };
    else if (unit.group) yield groupInput(unit.path, unit.group, unit.groupPaths!);
    else yield resolveFile(unit.fsPath, unit.path);
  }
  if (!found) yield { path: shown, layout: 'single', apps: [], error: { code: 'no-log-in-directory', data: {} } };
}

function groupInput(dir: string, group: GroupLayout, paths: FsPath[]): ResolvedInput {
  const last = group.files.length - 1;
  const parts = group.files.map((f, i) =>
    filePart(paths[i]!, path.join(dir, f), isInProgressName(f) || (group.hints.complete === false && i === last)),
  );
  return { path: dir, layout: group.layout, apps: [{ parts, hints: group.hints }] };
}

function resolveZip(zipPath: FsPath, shownAs: string): ResolvedInput {
  let entries;
  try {
    entries = listZip(zipPath);
  } catch (e) {
    return { path: shownAs, layout: 'zip', apps: [], error: problemOf(e) };
  }
  const part = (entryName: string): Part => {
    const entry = entries.find((e) => e.name === entryName)!;
    return { name: `${shownAs}!${entryName}`, open: () => openZipEntry(zipPath, entry), inProgress: isInProgressName(entryName) };
  };
  const apps: AppLog[] = [];
  const groups = new Map<string, string[]>();
  for (const e of entries) {
    const slash = e.name.lastIndexOf('/');
    const dir = slash < 0 ? '' : e.name.slice(0, slash);
    const base = e.name.slice(slash + 1);
    if (isIgnoredName(base)) continue;
    if (!groups.has(dir)) groups.set(dir, []);
    groups.get(dir)!.push(base);
  }
  for (const [dir, names] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const prefix = dir === '' ? '' : `${dir}/`;
    const group = dir === '' ? null : classifyGroup(path.posix.basename(dir), names);
    if (group) {
      apps.push({ parts: group.files.map((f) => part(prefix + f)), hints: group.hints });
    } else {
      for (const n of names.sort()) apps.push({ parts: [part(prefix + n)], hints: singleHints(n) });
    }
  }
  if (apps.length === 0) return { path: shownAs, layout: 'zip', apps: [], error: { code: 'zip-empty', data: {} } };
  return { path: shownAs, layout: 'zip', apps };
}

/**
 * The most of a zip on standard input spooled to disk. Our choice: a History Server download of
 * even a 40 GiB log zips to a few GiB, and the temporary directory is often memory (tmpfs).
 */
const STDIN_SPOOL_MAX = 4 * 1024 * 1024 * 1024;

/**
 * Writes `source` to a new private file in a new private temporary directory; returns the
 * directory's remover and the file. Throws InputError 'stdin-too-large' past `limit` bytes,
 * 'temp-dir-unusable' when the directory cannot be made or written (missing, read-only, full);
 * nothing is left behind.
 */
export async function spool(source: AsyncIterable<Buffer>, limit = STDIN_SPOOL_MAX): Promise<{ remove: () => void; file: string }> {
  const { dir, remove } = makePrivateTempDir('spark-triage-', 'stdin-zip');
  const file = path.join(dir, 'stdin.zip');
  try {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (e) {
      throw tempUnusable(e, 'stdin-zip', dir);
    }
    try {
      let total = 0;
      for await (const chunk of source) {
        total += chunk.length;
        if (total > limit) throw new InputError('stdin-too-large', { limit });
        try {
          for (let off = 0; off < chunk.length;) off += writeSync(fd, chunk, off);
        } catch (e) {
          throw tempUnusable(e, 'stdin-zip', dir); // ENOSPC, EDQUOT, EIO
        }
      }
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    remove();
    throw e;
  }
  return { remove, file };
}

async function resolveStdin(): Promise<ResolvedInput> {
  const { head, stream } = await peek(process.stdin as AsyncIterable<Buffer>, 4);
  if (head.equals(ZIP_MAGIC) || head.equals(ZIP_EMPTY_MAGIC)) {
    // A zip's directory is at its end: spool it to a private temporary file to read it.
    let spooled;
    try {
      spooled = await spool(stream);
    } catch (e) {
      return { path: '-', layout: 'zip', apps: [], error: problemOf(e) };
    }
    const { remove, file } = spooled;
    const input = resolveZip(file, '-');
    if (input.error !== undefined) {
      remove(); // an input with an error is never read, nor disposed of
      return input;
    }
    return { ...input, dispose: () => Promise.resolve(remove()) };
  }
  let used = false;
  const part: Part = {
    name: '-',
    // Piped logs are often copies of a live one: a tail cut mid-frame is not corruption.
    inProgress: true,
    open: () => {
      if (used) throw new InputError('stdin-read-twice');
      used = true;
      return stream;
    },
  };
  return { path: '-', layout: 'single', apps: [{ parts: [part], hints: {} }] };
}
