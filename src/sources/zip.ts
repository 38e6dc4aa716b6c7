import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import { InputError } from '../errors.js';

/**
 * Reads a zip's central directory (PKWARE APPNOTE 4.3.12–4.3.16, with Zip64) and streams each
 * entry, stored or deflated. What a History Server `/api/v1/applications/<id>/logs` download is
 * (EventLogFileReader.zipEventLogFiles: one entry per log file, `dir/file` for rolling logs).
 */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

export const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
export const ZIP_EMPTY_MAGIC = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CD_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

export async function listZip(path: string): Promise<ZipEntry[]> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
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
      const rec = Buffer.alloc(56);
      await fh.read(rec, 0, 56, recOffset);
      if (rec.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw new InputError('zip-bad-zip64-record');
      count = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOffset = Number(rec.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > size) throw new InputError('zip-directory-past-end');
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CD_SIG) throw new InputError('zip-bad-directory-entry', { index: i + 1 });
      const method = cd.readUInt16LE(p + 10);
      let compressedSize = cd.readUInt32LE(p + 20);
      let uncompressedSize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let localHeaderOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      // Zip64 extended information (header id 0x0001) holds the fields that read 0xffffffff.
      let e = p + 46 + nameLen;
      const extraEnd = e + extraLen;
      while (e + 4 <= extraEnd) {
        const id = cd.readUInt16LE(e);
        const len = cd.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          if (uncompressedSize === 0xffffffff) {
            uncompressedSize = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = Number(cd.readBigUInt64LE(q));
        }
        e += 4 + len;
      }
      p = extraEnd + commentLen;
      if (!name.endsWith('/')) entries.push({ name, method, compressedSize, localHeaderOffset });
    }
    return entries;
  } finally {
    await fh.close();
  }
}

export async function* openZipEntry(path: string, entry: ZipEntry): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  const local = Buffer.alloc(30);
  try {
    await fh.read(local, 0, 30, entry.localHeaderOffset);
  } finally {
    await fh.close();
  }
  if (local.readUInt32LE(0) !== LOCAL_SIG) throw new InputError('zip-bad-local-header', { entry: entry.name });
  const start = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  if (entry.compressedSize === 0) return;
  const raw = createReadStream(path, { start, end: start + entry.compressedSize - 1 });
  if (entry.method === 0) {
    for await (const c of raw) yield c as Buffer;
    return;
  }
  if (entry.method !== 8) throw new InputError('zip-unsupported-method', { entry: entry.name, method: entry.method });
  const inflate = createInflateRaw();
  raw.on('error', (err) => inflate.destroy(err));
  raw.pipe(inflate);
  try {
    for await (const c of inflate) yield c as Buffer;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (typeof e.code === 'string' && e.code.startsWith('Z_'))
      throw new InputError('zip-corrupt-entry', { entry: entry.name, detail: e.message.split('\n')[0]! });
    throw err;
  } finally {
    raw.destroy();
  }
}
