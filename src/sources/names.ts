import { isUtf8 } from 'node:buffer';
import path from 'node:path';

/**
 * File names are bytes. Linux allows any but '/' and NUL, and a log directory shared by many
 * tenants may hold names that are not valid UTF-8 (written by a program using Latin-1, say). Node
 * decodes such a name with U+FFFD in place of the bad bytes, and that string then names no file
 * ("no such file"). So directories are listed as Buffers, a file is opened by the bytes of its
 * name, and what is shown is text: valid UTF-8 as is, each invalid byte as `\xNN`.
 */
export type FsPath = string | Buffer;

/** The path as text to show: a string as is; bytes decoded, each byte that is not valid UTF-8 as `\xNN`. */
export function shownPath(p: FsPath): string {
  if (typeof p === 'string') return p;
  if (isUtf8(p)) return p.toString('utf8');
  let out = '';
  let i = 0;
  while (i < p.length) {
    const n = sequenceLength(p, i);
    if (n > 0) {
      out += p.toString('utf8', i, i + n);
      i += n;
    } else {
      out += `\\x${p[i]!.toString(16).padStart(2, '0')}`;
      i++;
    }
  }
  return out;
}

/** Length of the valid UTF-8 sequence starting at i, or 0 when the byte there does not start one. */
function sequenceLength(b: Buffer, i: number): number {
  const c = b[i]!;
  const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n <= 1) return n;
  // isUtf8 rejects overlong forms, surrogates and code points past U+10FFFF.
  return i + n <= b.length && isUtf8(b.subarray(i, i + n)) ? n : 0;
}

/** `dir/name` on the file system: a string while both are text, else bytes. */
export function joinFsPath(dir: FsPath, name: Buffer): FsPath {
  if (typeof dir === 'string' && isUtf8(name)) return path.join(dir, name.toString('utf8'));
  const d = typeof dir === 'string' ? Buffer.from(dir, 'utf8') : dir;
  const sep = d.length > 0 && d[d.length - 1] !== 0x2f ? Buffer.from('/') : Buffer.alloc(0);
  return Buffer.concat([d, sep, name]);
}

/**
 * The bytes a shown path stands for, when it holds `\xNN` escapes (as shownPath writes them); null
 * when it holds none. Lets a path printed by this tool be given back to it (by a user, or by scan,
 * which passes units on by their shown path), for a name that is not UTF-8.
 */
export function fsPathFromShown(shown: string): Buffer | null {
  if (!/\\x[0-9a-f]{2}/.test(shown)) return null;
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of shown.matchAll(/\\x([0-9a-f]{2})/g)) {
    parts.push(Buffer.from(shown.slice(last, m.index), 'utf8'), Buffer.from([parseInt(m[1]!, 16)]));
    last = m.index + m[0].length;
  }
  parts.push(Buffer.from(shown.slice(last), 'utf8'));
  return Buffer.concat(parts);
}
