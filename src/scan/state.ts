import { createHash } from 'node:crypto';
import { closeSync, ftruncateSync, fsyncSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';
import type { PreparedRow } from './output.js';

/**
 * What `scan --state FILE` remembers between runs: for each log (a unit of the walk), its size and
 * modification time and the rows it gave, as JSONL prints them. A log whose size and time are
 * unchanged is not read again: its rows come from the file. A log still being written is read again
 * when it grows (its size or time moves). A changed spark-triage (another version, or another
 * build) makes every stored result stale.
 *
 * The file is JSON lines: a header `{"sparkTriageScanState":2,"tool":…}`, then for each log a line
 * `{"path","bytes","mtime","rows":[…what the writer counts of each row…]}` followed by its rows, each
 * exactly as JSONL printed it (so re-emitting one as JSONL is a copy, not a parse). Memory holds an
 * index (path → place in the file), never the rows.
 *
 * Append-only: a run adds an entry for each log it read (a later entry of a path supersedes an
 * earlier one) and writes nothing for the logs it found unchanged, so a second run over an
 * unchanged directory writes nothing. The file is rewritten whole — beside the old one, renamed over
 * it at the end — only when it cannot be appended to (missing, or written by another spark-triage)
 * or when superseded and vanished entries exceed GARBAGE_SHARE of it. Each entry is written in one
 * piece after the last whole one: an interrupted or killed run leaves the old entries and those it
 * finished, and a torn last entry (a run killed mid-write) is not indexed and is written over.
 */
const FORMAT = 2;

/**
 * The share of the file held by entries no log needs (superseded by a newer entry of their path,
 * or of logs no longer listed) past which a run rewrites it. Our choice: at half, a rewrite costs
 * about what the garbage costs to read on every run, and the file stays under twice its live size.
 */
const GARBAGE_SHARE = 0.5;

/** A row as the state keeps it: its JSON line, and what the writer counts and filters by (not its text in a format). */
type StoredRow = Omit<PreparedRow, 'text'>;

interface Entry {
  bytes: number;
  mtime: number;
  offset: number;
  length: number;
}

export class ScanState {
  private readonly index = new Map<string, Entry>();
  private readonly visited = new Set<string>();
  private readonly tmp: string;
  /** Where new entries go: the old file itself (appending), or the temporary file of a rewrite. */
  private fd: number | null = null;
  private appending = false;
  /** Appending: where the next entry is written (after the last whole entry). */
  private end = 0;
  /** Bytes of entries superseded by a later entry of their path, and of lines that are not entries. */
  private garbage = 0;
  private wrote = false;
  /** The old file, open for reading entries back. */
  private old: number | null = null;
  /** Stored entries that could not be used: another tool, or lines that are not entries. */
  stale = 0;

  private constructor(
    private readonly file: string,
    private readonly tool: string,
  ) {
    this.tmp = `${file}.tmp-${process.pid}`;
  }

  /** Opens the state at `file` (a missing file is an empty state). Throws InputError naming the file. */
  static open(file: string): ScanState {
    const s = new ScanState(file, toolFingerprint());
    s.load();
    if (s.old !== null && s.stale === 0 && s.tryAppend()) return s;
    s.startRewrite();
    return s;
  }

  /** Appends to the old file (opened for reading and writing in place). */
  private tryAppend(): boolean {
    try {
      this.fd = openSync(this.file, 'r+');
    } catch (e) {
      this.discard();
      throw stateError(this.file, e);
    }
    this.appending = true;
    return true;
  }

  /** A new file beside the old one, renamed over it at commit. */
  private startRewrite(): void {
    try {
      this.fd = openSync(this.tmp, 'w', 0o644);
    } catch (e) {
      this.discard();
      throw stateError(this.file, e);
    }
    this.appending = false;
    this.write({ sparkTriageScanState: FORMAT, tool: this.tool });
  }

  /** Whether an entry is stored for a log of this size and time (its rows may still fail to read back). */
  holds(unitPath: string, bytes: number, mtime: number): boolean {
    const e = this.index.get(unitPath);
    return e !== undefined && e.bytes === bytes && e.mtime === wholeMs(mtime);
  }

  /** The rows stored for a log whose size and time are unchanged; null: read it. */
  rowsOf(unitPath: string, bytes: number, mtime: number): StoredRow[] | null {
    const e = this.index.get(unitPath);
    if (!e || e.bytes !== bytes || e.mtime !== wholeMs(mtime)) return null;
    return this.rowsAt(e);
  }

  /**
   * Keeps a log's stored rows as they are, when its size and time are unchanged (--new-only: they
   * are not shown, so not even read back as text). False: read it.
   */
  carry(unitPath: string, bytes: number, mtime: number): boolean {
    const e = this.index.get(unitPath);
    if (!e || e.bytes !== bytes || e.mtime !== wholeMs(mtime) || this.old === null) return false;
    this.visited.add(unitPath);
    if (this.appending) return true; // its entry stays where it is
    const buf = Buffer.alloc(e.length);
    try {
      readSync(this.old, buf, 0, e.length, e.offset);
    } catch {
      return false;
    }
    this.visited.add(unitPath);
    try {
      writeSync(this.fd!, buf);
    } catch (err) {
      this.discard();
      throw stateError(this.file, err);
    }
    return true;
  }

  /** Remembers a log's rows. */
  record(unitPath: string, bytes: number, mtime: number, rows: readonly StoredRow[], stored = false): void {
    this.visited.add(unitPath);
    // Appending, an unchanged log's entry stays where it is; a changed log's old entry becomes garbage.
    if (this.appending && stored) return;
    const prev = this.index.get(unitPath);
    if (this.appending && prev) this.garbage += prev.length;
    const meta = rows.map((r) => ({
      failed: r.failed,
      error: r.error,
      appName: r.appName,
      verdictCode: r.verdictCode,
      roleRegion: r.roleRegion,
      warnings: r.warnings,
    }));
    const body = rows.map((r) => `${r.json.trimEnd()}\n`).join('');
    this.writeRaw(`${JSON.stringify({ path: unitPath, bytes, mtime: wholeMs(mtime), rows: meta })}\n${body}`);
  }

  /**
   * Writes the new state in place of the old. A complete run keeps only the logs it listed; an
   * interrupted one carries over the stored logs it did not reach (`complete` false).
   */
  commit(complete: boolean): void {
    if (this.fd === null) return;
    if (this.appending) return this.commitAppend(complete);
    try {
      if (!complete) {
        for (const [p, e] of this.index) {
          if (this.visited.has(p)) continue;
          const rows = this.rowsAt(e);
          if (rows) this.record(p, e.bytes, e.mtime, rows);
        }
      }
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = null;
      renameSync(this.tmp, this.file);
    } catch (e) {
      this.discard();
      throw stateError(this.file, e);
    }
  }

  /**
   * Appending: the entries written are in place; the file is cut after the last one (a torn entry of
   * a killed run beyond it goes). When a complete run leaves garbage over GARBAGE_SHARE of the file —
   * superseded entries, and those of logs no longer listed — it is rewritten with the live entries only.
   */
  private commitAppend(complete: boolean): void {
    let vanished = 0;
    if (complete) for (const [p, e] of this.index) if (!this.visited.has(p)) vanished += e.length;
    try {
      if (this.wrote || this.tornTail) {
        ftruncateSync(this.fd!, this.end);
        fsyncSync(this.fd!);
      }
      closeSync(this.fd!);
      this.fd = null;
    } catch (e) {
      this.discard();
      throw stateError(this.file, e);
    }
    if (!complete || this.garbage + vanished <= GARBAGE_SHARE * this.end) return this.discard();
    this.compact();
  }

  /** Rewrites the state with the live entries only: those of the logs this (complete) run listed. */
  private compact(): void {
    if (this.old !== null) closeSync(this.old);
    this.old = null;
    const live = new Map<string, Entry>();
    const reloaded = new ScanState(this.file, this.tool);
    reloaded.load(); // the file as just appended: every entry at its place
    for (const p of this.visited) {
      const e = reloaded.index.get(p);
      if (e) live.set(p, e);
    }
    reloaded.startRewrite();
    try {
      for (const [, e] of live) {
        const buf = Buffer.alloc(e.length);
        readSync(reloaded.old!, buf, 0, e.length, e.offset);
        writeSync(reloaded.fd!, buf);
      }
      fsyncSync(reloaded.fd!);
      closeSync(reloaded.fd!);
      reloaded.fd = null;
      renameSync(reloaded.tmp, reloaded.file);
    } catch (e) {
      reloaded.discard();
      throw stateError(this.file, e);
    }
    reloaded.discard();
  }

  /** Leaves the old state as it was (or, after commit, closes what is left open). */
  discard(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (this.old !== null) closeSync(this.old);
    this.old = null;
    if (!this.appending) rmSync(this.tmp, { force: true });
  }

  /**
   * Indexes the old file: each log's size, time and place. Lines that are not entries are stale and
   * skipped; a file another spark-triage wrote is stale whole.
   */
  private load(): void {
    let text: Buffer;
    try {
      text = readFileSync(this.file);
      this.old = openSync(this.file, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.discard();
      throw stateError(this.file, e);
    }
    const lineAt = (at: number): { line: string; next: number } => {
      let end = text.indexOf(10, at);
      if (end < 0) end = text.length;
      return { line: text.toString('utf8', at, end), next: end + 1 };
    };
    let { line, next: at } = lineAt(0);
    const header = parseOr(line) as { sparkTriageScanState?: unknown; tool?: unknown } | null;
    if (header?.sparkTriageScanState !== FORMAT || header.tool !== this.tool) {
      this.stale = 1; // another spark-triage wrote it: every result in it is stale
      return;
    }
    this.end = at;
    while (at < text.length) {
      const offset = at;
      ({ line, next: at } = lineAt(at));
      const e = parseOr(line) as { path?: unknown; bytes?: unknown; mtime?: unknown; rows?: unknown } | null;
      let whole = at <= text.length && text[at - 1] === 10;
      if (!e || typeof e.path !== 'string' || typeof e.bytes !== 'number' || typeof e.mtime !== 'number' || !Array.isArray(e.rows)) {
        if (!whole) break; // a torn last line: written over
        this.garbage += at - offset;
        this.end = at;
        continue;
      }
      for (let i = 0; i < e.rows.length && whole; i++) {
        const end = text.indexOf(10, at);
        whole = end >= 0;
        at = end < 0 ? text.length : end + 1;
      }
      if (!whole) break; // a torn last entry (a run killed mid-write): not indexed, written over
      const prev = this.index.get(e.path);
      if (prev) this.garbage += prev.length;
      this.index.set(e.path, { bytes: e.bytes, mtime: e.mtime, offset, length: at - offset });
      this.end = at;
    }
    this.tornTail = this.end < text.length;
  }

  /** Whether the file ends in a torn entry (cut at commit). */
  private tornTail = false;

  /** A stored log's rows, read back from the old file (never held); null when they do not read back. */
  private rowsAt(e: Entry): StoredRow[] | null {
    if (this.old === null) return null;
    const buf = Buffer.alloc(e.length);
    try {
      readSync(this.old, buf, 0, e.length, e.offset);
    } catch {
      return null;
    }
    const lines = buf.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    const head = parseOr(lines[0]!) as { rows?: unknown } | null;
    if (!Array.isArray(head?.rows) || head.rows.length !== lines.length - 1) return null;
    const rows: StoredRow[] = [];
    for (const [i, m] of (head.rows as unknown[]).entries()) {
      const r = m as Partial<StoredRow> | null;
      if (typeof r?.failed !== 'boolean' || typeof r.error !== 'boolean' || !Array.isArray(r.warnings)) return null;
      rows.push({
        json: lines[i + 1]!,
        failed: r.failed,
        error: r.error,
        appName: typeof r.appName === 'string' ? r.appName : null,
        verdictCode: typeof r.verdictCode === 'string' ? r.verdictCode : null,
        roleRegion: typeof r.roleRegion === 'string' ? r.roleRegion : null,
        warnings: r.warnings.filter((w): w is string => typeof w === 'string'),
      });
    }
    return rows;
  }

  private write(v: unknown): void {
    this.writeRaw(`${JSON.stringify(v)}\n`);
  }

  private writeRaw(s: string): void {
    try {
      if (this.appending) {
        const buf = Buffer.from(s);
        writeSync(this.fd!, buf, 0, buf.length, this.end);
        this.end += buf.length;
        this.wrote = true;
      } else writeSync(this.fd!, s);
    } catch (e) {
      this.discard();
      throw stateError(this.file, e);
    }
  }
}

/** Times are compared in whole milliseconds: what every file system and copy tool keeps. */
const wholeMs = (t: number): number => Math.trunc(t);

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
 * Which spark-triage made a result: its version and a hash of its built modules, so a rebuilt
 * spark-triage (new rules, same version number) does not trust what an older one stored.
 */
function toolFingerprint(): string {
  if (fingerprint !== null) return fingerprint;
  // dist/scan/state.js, or the one-file bundle dist/spark-triage.cjs (src/load.ts): either way, dist/.
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
  walk(dist);
  const pkg = JSON.parse(readFileSync(path.join(dist, '..', 'package.json'), 'utf8')) as { version: string };
  fingerprint = `${pkg.version}+${h.digest('hex').slice(0, 16)}`;
  return fingerprint;
}
