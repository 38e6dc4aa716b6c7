// npm run bench:remote: the same 1,000 small applications as `npm run bench` scanned from local
// disk and from a real S3 API server on loopback (s3proxy over the same directory, SigV4; started
// through the Maven harness, test/real-spark/stores.mjs), medians of RUNS runs: apps/s and peak RSS.
// Issue 18's bars: S3 at ≥ 70% of local apps/s, RSS ≤ 300 MiB. Needs java and mvn.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAppDir } from './apps.mjs';
import { haveJavaAndMaven, startS3proxy } from '../real-spark/stores.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'spark-triage.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const N = Number(process.env.BENCH_APPS ?? 1000);
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

if (!haveJavaAndMaven()) {
  console.log('skipping the remote bench: java and mvn are not both on PATH');
  process.exit(0);
}

function measure(args, env = {}) {
  const times = [];
  let rss = null;
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    const cmd = GNU_TIME ? [GNU_TIME, ['-f', '%M', process.execPath, BIN, ...args]] : [process.execPath, [BIN, ...args]];
    const r = spawnSync(cmd[0], cmd[1], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...env } });
    times.push(Number(process.hrtime.bigint() - t) / 1e9);
    if (r.status !== 0) throw new Error(`scan exited ${r.status}: ${r.stderr}`);
    rows = r.stdout.split('\n').filter((l) => l.trim() !== '').length;
    if (GNU_TIME) rss = Math.max(rss ?? 0, Number(r.stderr.trim().split('\n').pop()) / 1024);
  }
  times.sort((a, b) => a - b);
  return { s: times[Math.floor(times.length / 2)], rss, rows };
}

const dir = mkdtempSync(path.join(tmpdir(), 'spark-triage-bench-remote-'));
let s3 = null;
try {
  const apps = path.join(dir, 'apps'); // the bucket "apps"
  const count = await generateAppDir(apps, N);
  s3 = await startS3proxy({ dir });
  const env = {
    AWS_ACCESS_KEY_ID: s3.identity,
    AWS_SECRET_ACCESS_KEY: s3.credential,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  // One untimed run each: the page cache and s3proxy's JIT warmed alike.
  measure(['scan', '--format', 'jsonl', apps]);
  measure(['scan', '--format', 'jsonl', '--endpoint', s3.endpoint, 's3://apps/'], env);
  const local = measure(['scan', '--format', 'jsonl', apps]);
  const remote = measure(['scan', '--format', 'jsonl', '--endpoint', s3.endpoint, 's3://apps/'], env);
  console.log(`\n${count} applications, medians of ${RUNS}; Node ${process.version}`);
  console.log('| run | median s | apps/s | rows | peak RSS |\n|---|---|---|---|---|');
  for (const [name, r] of [
    ['scan, local disk', local],
    ['scan, s3proxy on loopback', remote],
  ])
    console.log(
      `| ${name} | ${r.s.toFixed(2)} | ${(count / r.s).toFixed(0)} | ${r.rows} | ${r.rss !== null ? `${r.rss.toFixed(0)} MiB` : 'n/a'} |`,
    );
  const ratio = local.s / remote.s;
  console.log(`\n${ratio >= 0.7 ? 'PASS' : 'FAIL'}  S3 scan ≥ 70% of local apps/s: ${(ratio * 100).toFixed(0)}%`);
  if (remote.rss !== null) console.log(`${remote.rss <= 300 ? 'PASS' : 'FAIL'}  S3 scan peak RSS ≤ 300 MiB: ${remote.rss.toFixed(0)} MiB`);
  console.log(`${remote.rows === local.rows ? 'PASS' : 'FAIL'}  the same rows: ${remote.rows} vs ${local.rows}`);
} finally {
  await s3?.stop();
  rmSync(dir, { recursive: true, force: true });
}
