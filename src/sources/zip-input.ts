import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { InputError, problemOf } from '../errors.js';
import { appIdFromName, classifyGroup, isIgnoredName } from './layout.js';
import type { FsPath } from './names.js';
import { makePrivateTempDir, tempUnusable, type TempUse } from './temp.js';
import type { AppLog, LayoutHints, Part, ResolvedInput } from './types.js';
import { listZip, openZipEntry } from './zip.js';

/** Zips as inputs: a zip file, one spooled from standard input, or one downloaded (./remote/history-server.ts). */

export const isInProgressName = (name: string): boolean => name.endsWith('.inprogress');

export const singleHints = (file: string): LayoutHints => {
  const id = appIdFromName(path.basename(file));
  return id ? { appIdFromName: id } : {};
};

/** A zip on disk (a file, or one spooled from stdin or a download) as an input shown as `shownAs`. */
export function resolveZip(zipPath: FsPath, shownAs: string): ResolvedInput {
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
export async function spool(
  source: AsyncIterable<Buffer>,
  limit = STDIN_SPOOL_MAX,
  use: Extract<TempUse, 'stdin-zip' | 'remote-zip'> = 'stdin-zip',
): Promise<{ remove: () => void; file: string }> {
  const { dir, remove } = makePrivateTempDir('spark-triage-', use);
  const file = path.join(dir, `${use}.zip`);
  try {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (e) {
      throw tempUnusable(e, use, dir);
    }
    try {
      let total = 0;
      for await (const chunk of source) {
        total += chunk.length;
        if (total > limit)
          throw use === 'stdin-zip' ? new InputError('stdin-too-large', { limit }) : new InputError('remote-too-large', { limit });
        try {
          for (let off = 0; off < chunk.length;) off += writeSync(fd, chunk, off);
        } catch (e) {
          throw tempUnusable(e, use, dir); // ENOSPC, EDQUOT, EIO
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
