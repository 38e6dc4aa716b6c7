import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { InputError, problemOf } from '../../errors.js';
import { classifyGroup, isIgnoredName } from '../layout.js';
import { peek } from '../peek.js';
import type { Part, ResolvedInput } from '../types.js';
import type { Unit } from '../walk.js';
import { isInProgressName, resolveZip, singleHints, spool } from '../zip-input.js';
import { ZIP_EMPTY_MAGIC, ZIP_MAGIC } from '../zip.js';
import { ChunkGatherer, POOLED_SIZE } from '../chunk-pool.js';
import { backoff, MAX_ATTEMPTS } from './http.js';

/**
 * An object store or HDFS seen as directories of files: what S3 (./s3.ts), WebHDFS (./webhdfs.ts)
 * and Azure Blob (./azure.ts) each provide, so that one walk lays out the same layouts as on disk
 * (../walk.ts, ../layout.ts: single files, eventlog_v2_* rolling directories, Databricks rolled,
 * Spark ≤ 1.2 directories, zips told by their magic bytes) from listings alone.
 * Nothing here writes: a store is only listed and read.
 */
export interface StoreEntry {
  /** The entry's name within its directory (no slash). */
  name: string;
  dir: boolean;
  size: number;
  /** Last modification (ms). */
  mtime: number;
}

export interface Store {
  /** The entries directly inside `dir` ('' for the root, else a key ending in '/'). Throws InputError. */
  list(dir: string): AsyncIterable<StoreEntry>;
  /**
   * The object's bytes from `start` to its end, as one request; null when there is no object at
   * `key` (it may be a directory). `ifMatch`: the version the first read saw (a changed object
   * fails with InputError 'input-changed'). Throws InputError.
   */
  get(key: string, start: number, ifMatch: string | null): Promise<Opened | null>;
  /** The URL naming `key` (a directory without its trailing slash), as shown and resolved again. */
  url(key: string): string;
}

/** An object's body as a store opened it. */
export interface Opened {
  body: AsyncIterable<Uint8Array>;
  version: string | null;
  /** The body's pieces are gathered already (1 MiB chunks, the last shorter, or the whole body): passed on as they are. */
  chunked?: boolean;
  /** The whole body, received already (a small object): read as it is, without a stream to resume. */
  whole?: Buffer;
}

/** A store and the key a URL names in it (./index.ts resolves and walks it), or why the URL names none. */
export type StoreAt = { store: Store; key: string } | InputError<'bad-url'>;

/** `whole` as a stream of one piece (of none when it is empty). */
export function onePiece(whole: Buffer): AsyncIterableIterator<Buffer> {
  let given = whole.length === 0;
  const done: IteratorReturnResult<undefined> = { done: true, value: undefined };
  return {
    next: () => {
      const was = given;
      given = true;
      return Promise.resolve(was ? done : { done: false, value: whole });
    },
    return: () => {
      given = true;
      return Promise.resolve(done);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

const toBuffer = (c: Uint8Array): Buffer => (Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength));

/**
 * An object's bytes, each once: a connection dropped mid-body is resumed from the byte reached
 * (a ranged read pinned to the version first read), giving up with InputError 'remote-gave-up'
 * after MAX_ATTEMPTS failures in a row without progress. `first` is a body already opened at 0.
 *
 * The network's pieces (64 KiB from a socket, less through TLS) are gathered into the 1 MiB
 * pooled chunks a file on disk is read in (../file-chunks.ts): the readers downstream pay per
 * chunk, and the line splitter hands full ones back to the pool. A 1 GiB object through 16,384
 * pieces cost ~3 s more CPU than from disk; gathered, see `npm run bench:remote`.
 */
async function* readObject(store: Store, key: string, first: Opened | null = null): AsyncGenerator<Buffer> {
  let offset = 0;
  let failures = 0;
  let opened = first;
  let version = first?.version ?? null;
  const gather = new ChunkGatherer();
  const ready: Buffer[] = [];
  const idle = idleTimer();
  try {
    for (;;) {
      if (opened === null) {
        opened = await store.get(key, offset, version);
        if (opened === null) throw new InputError(offset === 0 ? 'remote-not-found' : 'input-changed');
        version ??= opened.version;
      }
      const it = opened.body[Symbol.asyncIterator]();
      const chunked = opened.chunked === true;
      opened = null;
      let progressed = false;
      try {
        for (;;) {
          let r: IteratorResult<Uint8Array>;
          try {
            r = await idle.within(it.next());
          } catch (e) {
            if (e instanceof InputError) throw e;
            if (progressed) failures = 0;
            if (++failures >= MAX_ATTEMPTS) {
              throw new InputError('remote-gave-up', {
                attempts: failures,
                status: null,
                detail: String((e as Error).message ?? e).split('\n')[0]!,
              });
            }
            await sleep(backoff(failures));
            break;
          }
          if (r.done) {
            const rest = gather.rest();
            if (rest !== null) yield rest;
            return;
          }
          const piece = toBuffer(r.value);
          if (piece.length === 0) continue;
          offset += piece.length;
          progressed = true;
          if (gather.empty && (chunked || piece.length === POOLED_SIZE)) {
            yield piece; // gathered already (./s3.ts)
            continue;
          }
          gather.add(piece, (chunk) => ready.push(chunk));
          while (ready.length > 0) yield ready.shift()!;
        }
      } finally {
        await it.return?.().catch(() => undefined);
      }
    }
  } finally {
    idle.clear();
  }
}

/**
 * The longest a body may stay silent before its connection counts as dropped (and the read is
 * resumed). Our choice: a stalled connection otherwise holds a scan forever; no healthy server
 * pauses two minutes mid-object.
 */
const BODY_IDLE_MS = 120_000;

/**
 * One timer per object, re-armed before each wait for data (a timer and a race per piece were a
 * tenth of the CPU of reading a large object); each wait is its own promise, so nothing piles up
 * on one that never settles.
 */
function idleTimer(): { within: <T>(p: Promise<T>) => Promise<T>; clear: () => void } {
  let fail: ((e: Error) => void) | null = null;
  const timer = setTimeout(() => fail?.(new Error(`no data for ${BODY_IDLE_MS / 1000} s`)), BODY_IDLE_MS);
  timer.unref();
  return {
    within: <T>(p: Promise<T>): Promise<T> => {
      timer.refresh();
      return new Promise<T>((resolve, reject) => {
        fail = reject;
        p.then(resolve, reject).finally(() => {
          if (fail === reject) fail = null;
        });
      });
    },
    clear: () => clearTimeout(timer),
  };
}

const objectPart = (store: Store, key: string, inProgress: boolean): Part => ({
  name: store.url(key),
  open: () => readObject(store, key),
  inProgress,
});

/** One directory's entries, hidden and checksum files left out, in name order. */
async function listDir(store: Store, dir: string): Promise<StoreEntry[]> {
  const out: StoreEntry[] = [];
  for await (const e of store.list(dir)) if (!isIgnoredName(e.name)) out.push(e);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const asDir = (key: string): string => (key === '' || key.endsWith('/') ? key : `${key}/`);

/**
 * The units under `key` (an object, or a directory walked to its depth) from listings alone, as
 * ../walk.ts finds them on disk. A directory that cannot be listed is a unit with `error`.
 */
export async function* walkStore(store: Store, key: string): AsyncGenerator<Unit> {
  const dir = asDir(key);
  let entries: StoreEntry[];
  try {
    entries = await listDir(store, dir);
  } catch (e) {
    yield unreadableUnit(store.url(dir), e);
    return;
  }
  const files = entries.filter((e) => !e.dir);
  const group = classifyGroup(
    path.posix.basename(dir),
    files.map((f) => f.name),
  );
  if (group) {
    const byName = new Map(files.map((f) => [f.name, f]));
    const chosen = group.files.map((f) => byName.get(f)!);
    const url = store.url(dir.slice(0, -1));
    yield {
      path: url,
      fsPath: url,
      mtime: Math.max(0, ...chosen.map((f) => f.mtime)),
      bytes: chosen.reduce((s, f) => s + f.size, 0),
      group,
      groupPaths: null,
      groupBytes: chosen.map((f) => f.size),
    };
    return;
  }
  for (const e of entries) {
    if (e.dir) yield* walkStore(store, `${dir}${e.name}/`);
    else {
      const url = store.url(`${dir}${e.name}`);
      yield { path: url, fsPath: url, mtime: e.mtime, bytes: e.size, group: null, groupPaths: null };
    }
  }
}

function unreadableUnit(url: string, e: unknown): Unit {
  return { path: url, fsPath: url, mtime: 0, bytes: 0, group: null, groupPaths: null, error: problemOf(e) };
}

/**
 * The most of one zip object spooled to read its directory. Our choice, as for a zip on standard
 * input (../zip-input.ts): a History Server's zip of even a 40 GiB log is a few GiB.
 */
const STORE_ZIP_MAX = 4 * 1024 * 1024 * 1024;

/** A single object: read as it streams, or, when its first bytes say zip, spooled and laid out. */
async function resolveObject(store: Store, key: string, opened: Opened): Promise<ResolvedInput> {
  const url = store.url(key);
  const whole = opened.whole;
  // A small object received whole needs neither a peek nor a resumable read (a tenth of what such
  // an object cost the reading thread beyond its parsing: perf, `npm run bench:remote`).
  const { head, stream } =
    whole !== undefined ? { head: whole.subarray(0, 4), stream: onePiece(whole) } : await peek(readObject(store, key, opened), 4);
  if (head.equals(ZIP_MAGIC) || head.equals(ZIP_EMPTY_MAGIC)) {
    let spooled;
    try {
      spooled = await spool(stream, STORE_ZIP_MAX, 'remote-zip');
    } catch (e) {
      return { path: url, layout: 'zip', apps: [], error: problemOf(e) };
    }
    const input = resolveZip(spooled.file, url);
    if (input.error !== undefined) {
      spooled.remove();
      return input;
    }
    return { ...input, dispose: () => Promise.resolve(spooled.remove()) };
  }
  // The object is already open: the first read continues it, any later one starts again.
  let pending: AsyncIterable<Buffer> | null = stream;
  const part: Part = {
    name: url,
    inProgress: isInProgressName(key),
    open: () => {
      const s = pending ?? readObject(store, key);
      pending = null;
      return s;
    },
  };
  return { path: url, layout: 'single', apps: [{ parts: [part], hints: singleHints(key) }] };
}

/**
 * Every input `key` names: the object itself (one GET, its first bytes telling a zip), else the
 * directory of that name, walked as on disk. Failures are inputs with `error`, naming the URL.
 */
export async function* resolveStore(store: Store, key: string): AsyncGenerator<ResolvedInput> {
  if (key !== '' && !key.endsWith('/')) {
    let opened;
    try {
      opened = await store.get(key, 0, null);
    } catch (e) {
      yield { path: store.url(key), layout: 'single', apps: [], error: problemOf(e) };
      return;
    }
    if (opened !== null) {
      yield await resolveObject(store, key, opened);
      return;
    }
  }
  let found = false;
  for await (const unit of walkStore(store, key)) {
    found = true;
    if (unit.error !== undefined) {
      // The directory named is not there either (or not listable): name it as the user did.
      const named = unit.path === store.url(asDir(key)) ? store.url(key) : unit.path;
      yield { path: named, layout: 'single', apps: [], error: unit.error };
    } else if (unit.group) {
      const dirKey = asDir(keyOf(store, unit.path, key));
      const last = unit.group.files.length - 1;
      const parts = unit.group.files.map((f, i) =>
        objectPart(store, dirKey + f, isInProgressName(f) || (unit.group!.hints.complete === false && i === last)),
      );
      yield { path: unit.path, layout: unit.group.layout, apps: [{ parts, hints: unit.group.hints }] };
    } else {
      const k = keyOf(store, unit.path, key);
      let opened;
      try {
        opened = await store.get(k, 0, null);
      } catch (e) {
        yield { path: unit.path, layout: 'single', apps: [], error: problemOf(e) };
        continue;
      }
      yield opened === null
        ? { path: unit.path, layout: 'single', apps: [], error: { code: 'remote-not-found', data: {} } }
        : await resolveObject(store, k, opened);
    }
  }
  if (!found) yield { path: store.url(key), layout: 'single', apps: [], error: { code: 'remote-not-found', data: {} } };
}

/** The key a unit's URL names, from the store's own URL of the root key. */
function keyOf(store: Store, url: string, rootKey: string): string {
  const rootUrl = store.url(rootKey.replace(/\/$/, ''));
  const rel = url.slice(rootUrl.length).replace(/^\//, '');
  const root = rootKey === '' ? '' : asDir(rootKey);
  return rel === '' ? rootKey : root + rel;
}
