import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { InputError } from '../errors.js';
import { readFileRange } from './file-chunks.js';
import { shownPath, type FsPath } from './names.js';

/**
 * Reads a zip's central directory (PKWARE APPNOTE 4.3.12–4.3.16, with Zip64) and streams each
 * entry, stored or deflated. What a History Server `/api/v1/applications/<id>/logs` download is
 * (EventLogFileReader.zipEventLogFiles: one entry per log file, `dir/file` for rolling logs).
 *
 * A zip is input nobody vetted, so before an entry is read:
 * - entries may not overlap one another or the central directory: a 1.8 MB zip whose 4,000
 *   entries all pointed at one 256 MiB deflate stream was ~1 TB to decode (no writer makes
 *   overlapping entries; "A better zip bomb", Fifield 2019, is built on them);
 * - the sizes the directory declares may not add up to more than ZIP_MAX_DECODED allows for the
 *   zip's size, and an entry may not decode to more than it declares: so no zip decodes to more;
 * - an entry in a method we cannot read, or encrypted, is named as such, before any byte is read;
 * and every entry's CRC-32 is checked against the directory as it is read.
 *
 * No descriptor is held between reads (./file-chunks.ts): a rejected or abandoned entry leaks none.
 */
export interface ZipEntry {
  /** The entry's name as text (bytes that are not UTF-8 shown as `\xNN`). */
  name: string;
  method: number;
  /** General purpose bit flag (APPNOTE 4.4.4): bit 0 = encrypted. */
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
  localHeaderOffset: number;
}

export const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
export const ZIP_EMPTY_MAGIC = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CD_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const LOCAL_HEADER = 30;
const CD_HEADER = 46;
const FLAG_ENCRYPTED = 0x0001;

/**
 * The most a zip may decode to, in all its entries: ZIP_MAX_RATIO times its own size, at least
 * ZIP_MIN_DECODED, at most ZIP_MAX_DECODED. Our choice, from real logs: deflate shrinks the event
 * logs in ../shared/eventlogs 16–19 times at most, so 100 times leaves five times that margin
 * (and entries that are compressed logs already shrink hardly at all); the floor lets a small zip
 * of a very repetitive log through; the ceiling bounds the time any one zip can take (64 GiB is a
 * minute or two of reading). Deflate itself reaches 1,032:1, which is what a bomb uses.
 */
const ZIP_MAX_RATIO = 100;
export const ZIP_MIN_DECODED = 256 * 1024 * 1024;
const ZIP_MAX_DECODED = 64 * 1024 * 1024 * 1024;
/**
 * The largest central directory we read into memory. Our choice: a History Server zip has one
 * entry per log file; 64 MiB holds over 200,000 entries with 255-byte names.
 */
const ZIP_MAX_DIRECTORY = 64 * 1024 * 1024;

/** What a zip may decode to in all, for its size (see ZIP_MAX_RATIO). */
export const zipDecodeLimit = (zipBytes: number): number => Math.min(ZIP_MAX_DECODED, Math.max(ZIP_MIN_DECODED, ZIP_MAX_RATIO * zipBytes));

function readAt(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, position);
  return buf.subarray(0, n);
}

/** The zip's file entries, checked (see above). Synchronous, like every read here: inputs are read one at a time per thread. */
export function listZip(file: FsPath): ZipEntry[] {
  const fd = openSync(file, 'r');
  try {
    const { size } = fstatSync(fd);
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = readAt(fd, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new InputError('zip-no-end-record');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const loc = eocd - 20;
      if (loc < 0 || tail.readUInt32LE(loc) !== ZIP64_LOCATOR_SIG) throw new InputError('zip-no-zip64-locator');
      const recOffset = Number(tail.readBigUInt64LE(loc + 8));
      const rec = recOffset + 56 <= size ? readAt(fd, 56, recOffset) : Buffer.alloc(0);
      if (rec.length < 56 || rec.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw new InputError('zip-bad-zip64-record');
      count = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOffset = Number(rec.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > size) throw new InputError('zip-directory-past-end');
    if (cdSize > ZIP_MAX_DIRECTORY) throw new InputError('zip-directory-too-large', { bytes: cdSize, limit: ZIP_MAX_DIRECTORY });
    const cd = readAt(fd, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    /** Where each file entry's data ends at the least (its local header and name, then its data). */
    const spans: { entry: ZipEntry; end: number }[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      const bad = (): InputError => new InputError('zip-bad-directory-entry', { index: i + 1 });
      if (p + CD_HEADER > cd.length || cd.readUInt32LE(p) !== CD_SIG) throw bad();
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc32 = cd.readUInt32LE(p + 16);
      let compressedSize = cd.readUInt32LE(p + 20);
      let uncompressedSize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let localHeaderOffset = cd.readUInt32LE(p + 42);
      const nameEnd = p + CD_HEADER + nameLen;
      const extraEnd = nameEnd + extraLen;
      if (extraEnd + commentLen > cd.length) throw bad();
      const name = shownPath(cd.subarray(p + CD_HEADER, nameEnd));
      // Zip64 extended information (header id 0x0001) holds the fields that read 0xffffffff.
      for (let e = nameEnd; e + 4 <= extraEnd;) {
        const id = cd.readUInt16LE(e);
        const len = cd.readUInt16LE(e + 2);
        const fieldEnd = Math.min(e + 4 + len, extraEnd);
        if (id === 0x0001) {
          let q = e + 4;
          const next = (): number => {
            if (q + 8 > fieldEnd) throw bad();
            const v = Number(cd.readBigUInt64LE(q));
            q += 8;
            return v;
          };
          if (uncompressedSize === 0xffffffff) uncompressedSize = next();
          if (compressedSize === 0xffffffff) compressedSize = next();
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
        }
        e += 4 + len;
      }
      p = extraEnd + commentLen;
      if (name.endsWith('/')) continue;
      const entry: ZipEntry = { name, method, flags, compressedSize, uncompressedSize, crc32, localHeaderOffset };
      entries.push(entry);
      spans.push({ entry, end: localHeaderOffset + LOCAL_HEADER + nameLen + compressedSize });
    }
    checkLayout(spans, cdOffset);
    const declared = entries.reduce((sum, e) => sum + (e.method === 0 ? e.compressedSize : e.uncompressedSize), 0);
    const limit = zipDecodeLimit(size);
    if (declared > limit) throw new InputError('zip-too-large', { declared, limit });
    return entries;
  } finally {
    closeSync(fd);
  }
}

/**
 * Entries lie one after another, all before the central directory. The local header's extra field
 * is not counted (only the directory's copy of the name is known here), so a real zip always passes.
 */
function checkLayout(spans: { entry: ZipEntry; end: number }[], cdOffset: number): void {
  const sorted = [...spans].sort((a, b) => a.entry.localHeaderOffset - b.entry.localHeaderOffset);
  let prev: { entry: ZipEntry; end: number } | null = null;
  for (const s of sorted) {
    if (s.end > cdOffset) throw new InputError('zip-entry-out-of-bounds', { entry: s.entry.name });
    if (prev !== null && s.entry.localHeaderOffset < prev.end) {
      throw new InputError('zip-overlapping-entries', { entry: s.entry.name, other: prev.entry.name });
    }
    prev = s;
  }
}

type Crc32 = (data: Uint8Array, value: number) => number;
let chosenCrc32: Crc32 | undefined;
/**
 * CRC-32 (ISO-HDLC, as zip and gzip use it): zlib's own where Node has it (20.15 and later), else a
 * table. Chosen at the first zip read, not when this module is evaluated: reading zlib then would
 * load it at every start (esbuild.config.mjs, LAZY_BUILTINS).
 */
const crc32: Crc32 = (data, value) => (chosenCrc32 ??= (zlib as { crc32?: Crc32 }).crc32 ?? tableCrc32)(data, value);

let table: Uint32Array | null = null;
/** CRC-32 by table (the fallback before Node 20.15); exported for its test against zlib's. */
export function tableCrc32(data: Uint8Array, value: number): number {
  if (table === null) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~value;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * An entry's decoded bytes. Throws InputError before reading anything when the entry is encrypted
 * or in a method other than stored and deflated; while reading, when it decodes to more bytes than
 * its directory entry declares; at its end, when the size or the CRC-32 differ from the directory's.
 */
export async function* openZipEntry(file: FsPath, entry: ZipEntry): AsyncGenerator<Buffer> {
  if ((entry.flags & FLAG_ENCRYPTED) !== 0) throw new InputError('zip-encrypted-entry', { entry: entry.name });
  if (entry.method !== 0 && entry.method !== 8) throw new InputError('zip-unsupported-method', { entry: entry.name, method: entry.method });
  const fd = openSync(file, 'r');
  let local: Buffer;
  try {
    local = readAt(fd, LOCAL_HEADER, entry.localHeaderOffset);
  } finally {
    closeSync(fd);
  }
  if (local.length < LOCAL_HEADER || local.readUInt32LE(0) !== LOCAL_SIG)
    throw new InputError('zip-bad-local-header', { entry: entry.name });
  const start = entry.localHeaderOffset + LOCAL_HEADER + local.readUInt16LE(26) + local.readUInt16LE(28);
  // A stored entry's size is its compressed size; a deflated one's, what its directory entry says.
  const declared = entry.method === 0 ? entry.compressedSize : entry.uncompressedSize;
  let crc = 0;
  let size = 0;
  const account = (c: Buffer): void => {
    size += c.length;
    if (size > declared) throw new InputError('zip-entry-size-mismatch', { entry: entry.name, declared, actual: size, atLeast: true });
    crc = crc32(c, crc);
  };
  if (entry.compressedSize > 0) {
    const raw = readFileRange(file, start, entry.compressedSize);
    if (entry.method === 0) {
      for await (const c of raw) {
        account(c);
        yield c;
      }
    } else {
      const inflate = zlib.createInflateRaw();
      const input = Readable.from(raw, { objectMode: false });
      input.on('error', (err) => inflate.destroy(err));
      input.pipe(inflate);
      try {
        for await (const c of inflate as AsyncIterable<Buffer>) {
          account(c);
          yield c;
        }
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (typeof e.code === 'string' && e.code.startsWith('Z_'))
          throw new InputError('zip-corrupt-entry', { entry: entry.name, detail: e.message.split('\n')[0]! });
        throw err;
      } finally {
        input.destroy();
        inflate.destroy();
      }
    }
  }
  if (size !== declared) throw new InputError('zip-entry-size-mismatch', { entry: entry.name, declared, actual: size, atLeast: false });
  if (crc !== entry.crc32) throw new InputError('zip-crc-mismatch', { entry: entry.name, expected: entry.crc32, actual: crc });
}
