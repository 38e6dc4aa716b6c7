import { closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { InputError, problemOf } from '../errors.js';
import { readFileChunks } from './file-chunks.js';
import type { GroupLayout } from './layout.js';
import { fsPathFromShown, shownPath, type FsPath } from './names.js';
import { peek } from './peek.js';
import { isRemote, resolveRemote } from './remote/index.js';
import type { Part, ResolvedInput } from './types.js';
import { walkLogDir, type Unit } from './walk.js';
import { isInProgressName, resolveZip, singleHints, spool } from './zip-input.js';
import { ZIP_EMPTY_MAGIC, ZIP_MAGIC } from './zip.js';

export type { ResolvedInput } from './types.js';
export { spool } from './zip-input.js';

const filePart = (file: FsPath, shown: string, inProgress = isInProgressName(shown)): Part => ({
  name: shown,
  open: () => readFileChunks(file),
  inProgress,
});

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
    if (typeof p === 'string' && isRemote(p)) {
      yield* resolveRemote(p);
      continue;
    }
    yield* resolvePath(p);
  }
}

/**
 * The input of one unit a walk of this process listed (scan): as resolveInputs would make of its
 * path, without asking the file system again what the walk just learnt (that it is a file, or a
 * log directory and its files). A URL's unit is resolved by its URL.
 */
export async function* resolveUnit(u: Unit): AsyncGenerator<ResolvedInput> {
  if (u.error !== undefined) yield { path: u.path, layout: 'single', apps: [], error: u.error };
  else if (isRemote(u.path)) yield* resolveRemote(u.path);
  else if (u.group) yield groupInput(u.path, u.group, u.groupPaths!);
  else yield resolveFile(u.fsPath, u.path);
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
