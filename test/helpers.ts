import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = path.join(ROOT, 'fixtures');
export const fixture = (...p: string[]): string => path.join(FIXTURES, ...p);

/** ../shared beside the project (CI has it there too); tests that need it skip when it is absent. */
export const SHARED = path.resolve(ROOT, '..', 'shared');
export const EVENTLOGS = path.join(SHARED, 'eventlogs');
export const SNIPPETS = path.join(SHARED, 'snippets');
export const hasShared = existsSync(path.join(EVENTLOGS, 'MANIFEST.tsv'));

export async function* chunksOf(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, Math.min(buf.length, i + size));
}

export async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}
