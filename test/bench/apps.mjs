// The directory of 1,000 small applications for `npm run bench`, shaped like a History Server's:
// three in four are generated logs sized like the real small logs in ../shared/eventlogs (its
// median is 82 KB: an environment with a few hundred classpath entries, a handful of jobs, tens of
// tasks, small SQL plans), one in five of them failing with a YARN memory kill; the fourth comes
// from the scan test's generator (every fixture failure kind, lz4/snappy/zstd/lzf/gzip copies,
// rolling directories, History Server zips of three attempts).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { generateLog } from './generate.mjs';
import { generateLogDir } from '../scan/gen.mjs';

/** @param {string} root @param {number} count @returns {Promise<number>} applications written */
export async function generateAppDir(root, count) {
  const fromFixtures = Math.round(count / 4);
  let apps = generateLogDir(path.join(root, 'fixtures'), fromFixtures).apps;
  for (let i = 0; apps < count; i++, apps++) {
    const dir = path.join(root, `batch-${String(Math.floor(i / 100)).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true });
    const appId = `application_1720000000000_${String(i).padStart(5, '0')}`;
    // 20 KB to 300 KB, log-uniform (the corpus: p25 24 KB, median 82 KB, p90 350 KB).
    const size = Math.round(20_000 * 15 ** ((i * 0.618034) % 1));
    await generateLog(path.join(dir, `${appId}_1`), size, {
      seed: 1000 + i,
      appId,
      executors: 2 + (i % 15),
      fail: i % 5 === 0,
      tasksPerStage: 8 + (i % 40),
      classpathEntries: 150 + (i % 200),
    });
  }
  return apps;
}
