import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');

/**
 * Builds a History-Server-like directory of `count` applications from the project's fixtures, in
 * nested folders: plain logs with fresh application ids (every failure kind, healthy ones too),
 * lz4/snappy/zstd copies, rolling directories and zips. Returns how many applications it holds.
 * Used by the scan tests and `npm run bench`; never committed.
 */
/** @param {string} root @param {number} count @returns {{ apps: number, files: number }} */
export function generateLogDir(root, count) {
  const diag = path.join(FIXTURES, 'diagnose');
  const templates = readdirSync(diag).flatMap((d) =>
    readdirSync(path.join(diag, d))
      .filter((f) => f !== 'expect.json')
      .map((f) => readFileSync(path.join(diag, d, f), 'utf8')),
  );
  const compressed = ['lz4', 'snappy', 'zstd', 'lzf', 'gzip'].map((c) => path.join(FIXTURES, 'codecs', c));
  const rolling = path.join(FIXTURES, 'layouts', 'rolling-inprogress', 'eventlog_v2_application_1700000000000_0002_1');
  const zip = path.join(FIXTURES, 'layouts', 'zip-attempts', 'eventLogs-application_1700000000000_0005.zip');
  let apps = 0;
  let files = 0;
  for (let i = 0; apps < count; i++) {
    const dir = path.join(root, `batch-${String(Math.floor(i / 100)).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true });
    const id = `application_1710000000000_${String(i).padStart(5, '0')}`;
    const slot = i % 20;
    if (slot === 17) {
      copyFileSync(compressed[((i / 20) | 0) % compressed.length], path.join(dir, `${id}_1.compressed`));
      apps++;
    } else if (slot === 18) {
      const r = path.join(dir, `eventlog_v2_${id}_1`);
      mkdirSync(r);
      for (const f of readdirSync(rolling)) copyFileSync(path.join(rolling, f), path.join(r, f));
      apps++;
    } else if (slot === 19) {
      copyFileSync(zip, path.join(dir, `eventLogs-${id}.zip`));
      apps += 3; // three attempts
    } else {
      writeFileSync(path.join(dir, id), templates[i % templates.length].replaceAll('application_1700000000000_0042', id));
      apps++;
    }
    files++;
  }
  return { apps, files };
}

/** The awkward entries a real log directory has: each must become one error row, or be skipped. */
/** @param {string} root */
export function addTraps(root) {
  const dir = path.join(root, 'traps');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'corrupt.lz4'), Buffer.concat([Buffer.from('LZ4Block'), Buffer.alloc(40, 0xab)]));
  symlinkSync(path.join(dir, 'does-not-exist'), path.join(dir, 'dangling-link'));
  symlinkSync(root, path.join(dir, 'loop')); // a symlink loop back to the root
  writeFileSync(path.join(dir, '.hidden-tmp'), 'ignored');
}
