import { closeSync, createWriteStream, openSync, readSync, statSync } from 'node:fs';
import { readFileChunks } from './file-chunks.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InputError, problemOf } from '../errors.js';
import { peek } from './peek.js';
import { appIdFromName, classifyGroup, isIgnoredName, type GroupLayout } from './layout.js';
import { walkLogDir } from './walk.js';
import type { AppLog, Input, LayoutHints, Part } from './types.js';
import { listZip, openZipEntry, ZIP_EMPTY_MAGIC, ZIP_MAGIC } from './zip.js';

export interface ResolvedInput extends Input {
  /** Releases anything resolving made (the spooled copy of a zip read from stdin). */
  dispose?: () => Promise<void>;
}

const filePart = (file: string, inProgress = isInProgressName(file)): Part => ({
  name: file,
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
export async function* resolveInputs(paths: string[]): AsyncGenerator<ResolvedInput> {
  for (const p of paths) {
    if (p === '-') {
      yield await resolveStdin();
      continue;
    }
    yield* resolvePath(p);
  }
}

async function* resolvePath(p: string): AsyncGenerator<ResolvedInput> {
  let st;
  try {
    st = statSync(p);
  } catch (e) {
    yield { path: p, layout: 'single', apps: [], error: problemOf(e) };
    return;
  }
  if (st.isDirectory()) yield* resolveDirectory(p);
  else if (st.isFile()) yield await resolveFile(p);
  else yield { path: p, layout: 'single', apps: [], error: { code: 'not-a-file', data: {} } };
}

async function resolveFile(file: string): Promise<ResolvedInput> {
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
    return { path: file, layout: 'single', apps: [], error: problemOf(e) };
  }
  if (head.equals(ZIP_MAGIC) || head.equals(ZIP_EMPTY_MAGIC)) return resolveZip(file, file);
  return { path: file, layout: 'single', apps: [{ parts: [filePart(file)], hints: singleHints(file) }] };
}

async function* resolveDirectory(dir: string): AsyncGenerator<ResolvedInput> {
  let found = false;
  for await (const unit of walkLogDir(dir)) {
    found = true;
    if (unit.error !== undefined) yield { path: unit.path, layout: 'single', apps: [], error: unit.error };
    else if (unit.group) yield groupInput(unit.path, unit.group);
    else yield await resolveFile(unit.path);
  }
  if (!found) yield { path: dir, layout: 'single', apps: [], error: { code: 'no-log-in-directory', data: {} } };
}

function groupInput(dir: string, group: GroupLayout): ResolvedInput {
  const last = group.files.length - 1;
  const parts = group.files.map((f, i) =>
    filePart(path.join(dir, f), isInProgressName(f) || (group.hints.complete === false && i === last)),
  );
  return { path: dir, layout: group.layout, apps: [{ parts, hints: group.hints }] };
}

async function resolveZip(zipPath: string, shownAs: string): Promise<ResolvedInput> {
  let entries;
  try {
    entries = await listZip(zipPath);
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

async function resolveStdin(): Promise<ResolvedInput> {
  const { head, stream } = await peek(process.stdin as AsyncIterable<Buffer>, 4);
  if (head.equals(ZIP_MAGIC) || head.equals(ZIP_EMPTY_MAGIC)) {
    // A zip's directory is at its end: spool it to a private temporary file to read it.
    const dir = await mkdtemp(path.join(tmpdir(), 'spark-triage-'));
    const file = path.join(dir, 'stdin.zip');
    await pipeline(stream, createWriteStream(file));
    const input = await resolveZip(file, '-');
    return { ...input, dispose: () => rm(dir, { recursive: true, force: true }) };
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
