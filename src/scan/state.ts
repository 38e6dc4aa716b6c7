import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';
import type { PreparedRow } from './output.js';

/**
 * What `scan --state FILE` remembers between runs: for each log (a unit of the walk), its size and
 * modification time and the rows it gave, as JSONL prints them. A log whose size and time are
 * unchanged is not read again: its rows come from the state. A log still being written is read
 * again when it grows (its size or time moves). A changed spark-triage (another version, or another
 * build) makes every stored result stale.
 *
 * Two files, so that a run that needs no stored row never reads one:
 * - FILE, the index: a header `{"sparkTriageScanState":3,"tool":…,"rows":"FILE.rows-<random>"}`, then
 *   one line per log, `<at> <length> <bytes> <mtime> <path as a JSON string>`: where its entry lies
 *   in the rows file, and the size and time it was read at. A second run of 9,092 unchanged logs
 *   reads ~0.8 MB of it, not the ~55 MB of rows (README, "Nightly, incrementally").
 * - the rows file it names, beside it: each entry a line `{"path","rows":[…what the writer counts of
 *   each row…]}` followed by its rows, each exactly as JSONL printed it (so re-emitting one as JSONL
 *   is a copy, not a parse). Entries are read back one at a time, by place; memory holds the index only.
 *
 * Append-only: a run adds an entry for each log it read (a later entry of a path supersedes an
 * earlier one) and writes nothing for the logs it found unchanged, so a second run over an
 * unchanged directory writes nothing. An entry's rows are written before its index line, and the
 * index lines' places must follow one another through the rows file: an interrupted or killed run
 * leaves the old entries and those it finished, and a torn last entry (in either file) is not
 * indexed and is written over. The state is rewritten whole — a new rows file under a new name and a
 * new index beside the old, the index renamed over the old one last, so that one rename is the
 * commit — only when it cannot be appended to (missing, written by another spark-triage, its rows
 * file gone) or when superseded and vanished entries exceed GARBAGE_SHARE of the rows.
 */
const FORMAT = 3;

/**
 * The share of the rows held by entries no log needs (superseded by a newer entry of their path,
 * or of logs no longer listed) past which a run rewrites the state. Our choice: at half, a rewrite
 * costs about what the garbage costs to read on every run, and the files stay under twice their live size.
 */
const GARBAGE_SHARE = 0.5;

/** Bytes of the rows file read at once when entries are read back. Our choice: ~170 entries of 6 KB; a few reads per second of a 55 MB file. */
const READ_AHEAD = 1024 * 1024;

/** The rows file's name as an index names it: beside the index, never elsewhere. */
const ROWS_NAME = /^[^/\\]+\.rows-[0-9a-f]{16}$/;

/** A row as the state keeps it: its JSON line, and what the writer counts and filters by (not its text in a format). */
type StoredRow = Omit<PreparedRow, 'text'>;

interface Entry {
  bytes: number;
  mtime: number;
  /** Place and length of the entry (its head line and rows) in the rows file. */
  at: number;
  length: number;
}

export class ScanState {
  private readonly index = new Map<string, Entry>();
  private readonly visited = new Set<string>();
  private readonly dir: string;
  private readonly tmp: string;
  /** Where new entries go: the old files themselves (appending), or the new ones of a rewrite. */
  private idxFd: number | null = null;
  private rowsFd: number | null = null;
  /** The rows file being written (a rewrite's: removed unless committed). */
  private rowsName: string | null = null;
  private newRows: string | null = null;
  private appending = false;
  /** Where the next index line and entry go (after the last whole ones). */
  private idxEnd = 0;
  private rowsEnd = 0;
  /** Bytes of entries superseded by a later entry of their path. */
  private garbage = 0;
  private wrote = false;
  /** Whether either file ends in a torn entry (cut at commit). */
  private tornTail = false;
  /** The old rows file, open for reading entries back, and its name. */
  private old: number | null = null;
  private oldName: string | null = null;
  /** The old index could not be used whole: another tool, no rows file beside it, not an index. */
  private stale = false;

  private constructor(
    private readonly file: string,
    private readonly tool: string,
  ) {
    this.dir = path.dirname(file);
    this.tmp = `${file}.tmp-${process.pid}`;
  }

  /**
   * Opens the state at `file` (a missing file is an empty state). `variant` names rows of another
   * shape (--for-html's): a state of the other kind is stale. Throws InputError naming the file.
   */
  static open(file: string, variant: string | null = null): ScanState {
    const s = new ScanState(file, variant === null ? toolFingerprint() : `${toolFingerprint()}+${variant}`);
    s.load();
    if (s.old !== null && !s.stale) s.startAppend();
    else s.startRewrite();
    return s;
  }

  /** Appends to the old files (opened for writing in place). */
  private startAppend(): void {
    try {
      this.rowsFd = openSync(path.join(this.dir, this.oldName!), 'r+');
      this.idxFd = openSync(this.file, 'r+');
    } catch (e) {
      this.discard();
      throw stateError(this.file, e);
    }
    this.rowsName = this.oldName;
    this.appending = true;
  }

  /** New files beside the old ones: a rows file under a new name, and an index renamed over the old at commit. */
  private startRewrite(): void {
    const base = path.basename(this.file);
    this.rowsName = `${base}.rows-${randomBytes(8).toString('hex')}`;
    try {
      this.rowsFd = openSync(path.join(this.dir, this.rowsName), 'wx', 0o644);
      this.newRows = path.join(this.dir, this.rowsName);
      this.idxFd = openSync(this.tmp, 'w', 0o644);
    } catch (e) {
      this.discard();
      throw stateError(this.file, e);
    }
    this.appending = false;
    this.rowsEnd = 0;
    this.idxEnd = 0;
    this.writeIndex(`${JSON.stringify({ sparkTriageScanState: FORMAT, tool: this.tool, rows: this.rowsName })}\n`);
  }

  /** Whether an entry is stored for a log of this size and time (its rows may still fail to read back). */
  holds(unitPath: string, bytes: number, mtime: number): boolean {
    return this.current(unitPath, bytes, mtime) !== null;
  }

  /** The rows stored for a log whose size and time are unchanged; null: read it. */
  rowsOf(unitPath: string, bytes: number, mtime: number): StoredRow[] | null {
    const e = this.current(unitPath, bytes, mtime);
    return e === null ? null : this.rowsAt(unitPath, e);
  }

  /**
   * Keeps a log's stored rows as they are, when its size and time are unchanged (--new-only: they
   * are not shown, so not even read back). False: read it.
   */
  carry(unitPath: string, bytes: number, mtime: number): boolean {
    const e = this.current(unitPath, bytes, mtime);
    if (e === null) return false;
    if (!this.appending && !this.copy(unitPath, e)) return false; // appending, its entry stays where it is
    this.visited.add(unitPath);
    return true;
  }

  /** Remembers a log's rows (`stored`: the rows its unchanged entry holds, read back). */
  record(unitPath: string, bytes: number, mtime: number, rows: readonly StoredRow[], stored = false): void {
    this.visited.add(unitPath);
    const prev = this.index.get(unitPath);
    if (stored && prev) {
      // Appending, an unchanged log's entry stays where it is; rewriting, it is copied as it was.
      if (this.appending || this.copy(unitPath, prev)) return;
    }
    // Appending, a changed log's old entry becomes garbage.
    if (this.appending && prev) this.garbage += prev.length;
    const meta = rows.map((r) => ({
      failed: r.failed,
      error: r.error,
      ...(r.readError === true ? { readError: true } : {}),
      appName: r.appName,
      verdictCode: r.verdictCode,
      roleRegion: r.roleRegion,
      warnings: r.warnings,
    }));
    const body = rows.map((r) => `${r.json.trimEnd()}\n`).join('');
    this.writeEntry(unitPath, bytes, wholeMs(mtime), Buffer.from(`${JSON.stringify({ path: unitPath, rows: meta })}\n${body}`));
  }

  /**
   * Writes the new state in place of the old. A complete run keeps only the logs it listed; an
   * interrupted one carries over the stored logs it did not reach (`complete` false).
   */
  commit(complete: boolean): void {
    if (this.idxFd === null) return;
    if (this.appending) return this.commitAppend(complete);
    try {
      if (!complete) for (const [p, e] of this.index) if (!this.visited.has(p)) this.copy(p, e);
      // The rows first: an index line never names rows that a crash could lose.
      fsyncSync(this.rowsFd!);
      closeSync(this.rowsFd!);
      this.rowsFd = null;
      fsyncSync(this.idxFd);
      closeSync(this.idxFd);
      this.idxFd = null;
      renameSync(this.tmp, this.file);
      this.newRows = null; // committed: named by the index
    } catch (e) {
      this.discard();
      throw stateError(this.file, e);
    }
    this.removeOldRows();
  }

  /**
   * Appending: the entries written are in place; both files are cut after the last whole entry (a
   * torn one of a killed run beyond it goes). When a complete run leaves garbage over GARBAGE_SHARE of
   * the rows — superseded entries, and those of logs no longer listed — the state is rewritten with
   * the live entries only.
   */
  private commitAppend(complete: boolean): void {
    let vanished = 0;
    if (complete) for (const [p, e] of this.index) if (!this.visited.has(p)) vanished += e.length;
    try {
      if (this.wrote || this.tornTail) {
        ftruncateSync(this.rowsFd!, this.rowsEnd);
        ftruncateSync(this.idxFd!, this.idxEnd);
        fsyncSync(this.rowsFd!);
        fsyncSync(this.idxFd!);
      }
    } catch (e) {
      this.discard();
      throw stateError(this.file, e);
    }
    this.discard();
    if (complete && this.garbage + vanished > GARBAGE_SHARE * this.rowsEnd) this.compact();
  }

  /** Rewrites the state with the live entries only: those of the logs this (complete) run listed. */
  private compact(): void {
    const reloaded = new ScanState(this.file, this.tool);
    reloaded.load(); // the files as just appended: every entry at its place
    reloaded.startRewrite();
    for (const p of this.visited) {
      const e = reloaded.index.get(p);
      if (e) reloaded.copy(p, e);
    }
    try {
      reloaded.commit(true);
    } finally {
      reloaded.discard();
    }
  }

  /** Leaves the old state as it was (or, after commit, closes what is left open). */
  discard(): void {
    for (const fd of [this.idxFd, this.rowsFd, this.old]) if (fd !== null) closeSync(fd);
    this.idxFd = null;
    this.rowsFd = null;
    this.old = null;
    if (!this.appending) rmSync(this.tmp, { force: true });
    if (this.newRows !== null) rmSync(this.newRows, { force: true });
    this.newRows = null;
  }

  /** After a rewrite's commit: the rows files no index names, the old one and any a killed rewrite left. */
  private removeOldRows(): void {
    const base = path.basename(this.file);
    try {
      if (this.oldName !== null && this.oldName !== this.rowsName) rmSync(path.join(this.dir, this.oldName), { force: true });
      for (const f of readdirSync(this.dir))
        if (f !== this.rowsName && f.startsWith(`${base}.rows-`) && ROWS_NAME.test(f)) rmSync(path.join(this.dir, f), { force: true });
    } catch {
      // Left behind, they cost disk only: no index names them.
    }
  }

  /** The entry of a log, when it is stored at this size and time. */
  private current(unitPath: string, bytes: number, mtime: number): Entry | null {
    const e = this.index.get(unitPath);
    return e !== undefined && e.bytes === bytes && e.mtime === wholeMs(mtime) && this.old !== null ? e : null;
  }

  /**
   * Indexes the old state: each log's size, time and place. The index file is read whole (a line per
   * log); the rows file is only opened. Index lines stop being trusted at the first that is not one
   * or whose entry does not follow the one before it in the rows file: the rest is a torn tail. An
   * index another spark-triage wrote, or whose rows file is gone, is stale whole.
   */
  private load(): void {
    let text: Buffer;
    try {
      text = readFileSync(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.discard();
      throw stateError(this.file, e);
    }
    const first = text.indexOf(10);
    const header = (first < 0 ? null : parseOr(text.toString('utf8', 0, first))) as {
      sparkTriageScanState?: unknown;
      tool?: unknown;
      rows?: unknown;
    } | null;
    if (header?.sparkTriageScanState !== FORMAT || typeof header.rows !== 'string' || !ROWS_NAME.test(header.rows)) {
      this.stale = true; // not an index of this format (an older spark-triage's, or no index at all)
      return;
    }
    this.oldName = header.rows;
    if (header.tool !== this.tool) {
      this.stale = true; // another spark-triage wrote it: every result in it is stale
      return;
    }
    let rowsSize: number;
    try {
      this.old = openSync(path.join(this.dir, header.rows), 'r');
      rowsSize = fstatSync(this.old).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.stale = true; // its rows gone: nothing stored can be read back
        return;
      }
      this.discard();
      throw stateError(this.file, e);
    }
    let at = first + 1;
    let next = 0; // where the next entry must begin in the rows file
    for (;;) {
      const end = text.indexOf(10, at);
      if (end < 0) break; // no line, or a torn last line
      const e = indexLine(text, at, end);
      if (e === null || e.at !== next || next + e.length > rowsSize) break;
      const prev = this.index.get(e.path);
      if (prev) this.garbage += prev.length;
      this.index.set(e.path, e);
      next += e.length;
      at = end + 1;
    }
    this.idxEnd = at;
    this.rowsEnd = next;
    this.tornTail = at < text.length || next < rowsSize;
  }

  /** A stored log's rows, read back from the old rows file (never held); null when they do not read back. */
  private rowsAt(unitPath: string, e: Entry): StoredRow[] | null {
    const buf = this.entryBytes(e);
    if (buf === null) return null;
    const lines = buf.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    const head = parseOr(lines[0]!) as { path?: unknown; rows?: unknown } | null;
    if (head?.path !== unitPath || !Array.isArray(head.rows) || head.rows.length !== lines.length - 1) return null;
    const rows: StoredRow[] = [];
    for (const [i, m] of (head.rows as unknown[]).entries()) {
      const r = m as Partial<StoredRow> | null;
      if (typeof r?.failed !== 'boolean' || typeof r.error !== 'boolean' || !Array.isArray(r.warnings)) return null;
      rows.push({
        json: lines[i + 1]!,
        failed: r.failed,
        error: r.error,
        ...(r.readError === true ? { readError: true } : {}),
        appName: typeof r.appName === 'string' ? r.appName : null,
        verdictCode: typeof r.verdictCode === 'string' ? r.verdictCode : null,
        roleRegion: typeof r.roleRegion === 'string' ? r.roleRegion : null,
        warnings: r.warnings.filter((w): w is string => typeof w === 'string'),
      });
    }
    return rows;
  }

  /**
   * An entry's bytes, valid until the next call. Entries are asked for mostly in the order they were
   * written (the walk's), so the rows file is read ahead in READ_AHEAD pieces: a run that re-emits
   * 10,000 logs' rows makes ~60 reads, not 10,000.
   */
  private entryBytes(e: Entry): Buffer | null {
    if (this.old === null) return null;
    const a = this.ahead;
    if (e.at >= a.at && e.at + e.length <= a.at + a.length) return a.buf.subarray(e.at - a.at, e.at - a.at + e.length);
    if (a.buf.length < e.length) a.buf = Buffer.allocUnsafe(Math.max(e.length, READ_AHEAD));
    try {
      a.length = readSync(this.old, a.buf, 0, a.buf.length, e.at);
    } catch {
      a.length = 0;
    }
    a.at = e.at;
    return a.length >= e.length ? a.buf.subarray(0, e.length) : null;
  }

  /** The piece of the old rows file last read (entryBytes). */
  private readonly ahead = { at: 0, length: 0, buf: Buffer.alloc(0) };

  /** Rewriting: an old entry copied as it is into the new files. False when it does not read back. */
  private copy(unitPath: string, e: Entry): boolean {
    const buf = this.entryBytes(e);
    if (buf === null) return false;
    this.writeEntry(unitPath, e.bytes, e.mtime, buf);
    return true;
  }

  /** An entry's rows, then its index line: a line is never written before what it names. */
  private writeEntry(unitPath: string, bytes: number, mtime: number, entry: Buffer): void {
    try {
      writeSync(this.rowsFd!, entry, 0, entry.length, this.rowsEnd);
    } catch (e) {
      this.discard();
      throw stateError(this.file, e);
    }
    this.writeIndex(`${this.rowsEnd} ${entry.length} ${bytes} ${mtime} ${JSON.stringify(unitPath)}\n`);
    this.rowsEnd += entry.length;
    this.wrote = true;
  }

  private writeIndex(line: string): void {
    const buf = Buffer.from(line);
    try {
      writeSync(this.idxFd!, buf, 0, buf.length, this.idxEnd);
    } catch (e) {
      this.discard();
      throw stateError(this.file, e);
    }
    this.idxEnd += buf.length;
  }
}

/** Times are compared in whole milliseconds: what every file system and copy tool keeps. */
const wholeMs = (t: number): number => Math.trunc(t);

/**
 * An index line, `<at> <length> <bytes> <mtime> "<path>"`, read from the bytes (four integers, then
 * a JSON string); null when it is not one. Read without a regular expression or a string per
 * field: a directory of 10,000 logs has as many lines, read on every run.
 */
function indexLine(b: Buffer, start: number, end: number): (Entry & { path: string }) | null {
  let i = start;
  const int = (): number | null => {
    const neg = b[i] === 45; // '-'
    if (neg) i++;
    const from = i;
    let v = 0;
    while (i < end && b[i]! >= 48 && b[i]! <= 57) v = v * 10 + (b[i++]! - 48);
    if (i === from || i - from > 15 || b[i] !== 32) return null; // digits, at most 15 (exact in a double), then a space
    i++;
    return neg ? -v : v;
  };
  const at = int();
  const length = int();
  const bytes = int();
  const mtime = int();
  if (at === null || length === null || bytes === null || mtime === null || b[i] !== 34 || b[end - 1] !== 34 || end - i < 2) return null;
  const p = jsonString(b.toString('utf8', i, end));
  return p === null ? null : { at, length, bytes, mtime, path: p };
}

/** A path as an index line keeps it (a JSON string); most have nothing escaped and need no parse. */
function jsonString(s: string): string | null {
  if (!s.includes('\\')) return s.slice(1, -1);
  const v = parseOr(s);
  return typeof v === 'string' ? v : null;
}

function parseOr(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

function stateError(file: string, e: unknown): InputError {
  const err = e as NodeJS.ErrnoException;
  return new InputError('state-unusable', { file, errno: err.code ?? 'EIO', detail: (err.message ?? String(e)).split('\n')[0]! });
}

let fingerprint: string | null = null;

/**
 * Which spark-triage made a result: its version and a hash of its built code, so a rebuilt
 * spark-triage (new rules, same version number) does not trust what an older one stored. With the
 * one-file build, that file is all the code that runs (src/load.cts); without it, every built module.
 */
function toolFingerprint(): string {
  if (fingerprint !== null) return fingerprint;
  // dist/scan/state.js, or the one-file bundle dist/spark-triage.cjs (src/load.cts): either way, dist/.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dist = path.basename(here) === 'dist' ? here : path.dirname(here);
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (d.name.endsWith('.js') || d.name.endsWith('.wasm')) h.update(d.name).update(readFileSync(p));
    }
  };
  const bundle = path.join(dist, 'spark-triage.cjs');
  if (existsSync(bundle)) h.update(readFileSync(bundle));
  else walk(dist);
  const pkg = JSON.parse(readFileSync(path.join(dist, '..', 'package.json'), 'utf8')) as { version: string };
  fingerprint = `${pkg.version}+${h.digest('hex').slice(0, 16)}`;
  return fingerprint;
}
