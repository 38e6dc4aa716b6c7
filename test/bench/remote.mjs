// npm run bench:remote: issue 18's speed bars against a real S3 API server on loopback (s3proxy over
// the bench's directory, SigV4; started through the Maven harness, test/real-spark/stores.mjs):
//   - scan of the same 1,000 small applications as `npm run bench`, local disk vs s3:// — S3 at
//     ≥ 70% of local apps/s, peak RSS ≤ 300 MiB, the same rows;
//   - diagnose of the 1 GiB plain log of `npm run bench`, local disk vs s3:// — S3 at ≥ 70% of
//     local MiB/s, the same diagnosis.
// Runs alternate (local, S3, local, S3, …; medians of RUNS) so that load from elsewhere falls on
// both alike. The server shares the machine with the scan, so beside wall time each run records
// the CPU seconds of our process (GNU time) and of the server's JVM (/proc/<pid>/stat), and the
// 1-minute load average: "per CPU-s" is the rate per CPU second of our own process, what a server
// elsewhere would leave. BENCH_APPS (1000), BENCH_BIG_MIB (1024; 0: no large log), BENCH_RUNS (3),
// BENCH_WARMUP (at least 3 untimed runs from S3 first; the scan's, until the server's JIT settles).
// BENCH_BEFORE: the bin/spark-triage.cjs (or .js) of another build (a worktree of the commit before
// a change), run from S3 too, in the same alternation.
// Needs java and mvn.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAppDir } from './apps.mjs';
import { generateLog } from './generate.mjs';
import { haveJavaAndMaven, startS3proxy } from '../real-spark/stores.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'spark-triage.cjs');
const BEFORE = process.env.BENCH_BEFORE ? path.resolve(process.env.BENCH_BEFORE) : null;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const N = Number(process.env.BENCH_APPS ?? 1000);
const BIG_MIB = Number(process.env.BENCH_BIG_MIB ?? 1024);
const MiB = 1024 * 1024;
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

if (!haveJavaAndMaven()) {
  console.log('skipping the remote bench: java and mvn are not both on PATH');
  process.exit(0);
}

/** CPU seconds (user + system) a process has used so far, or null without /proc. */
function cpuOf(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** One run: wall s, our CPU s, the server's CPU s, peak RSS MiB, load, stdout. */
function once(args, env, serverPid, okStatus, bin = BIN) {
  const cmd = GNU_TIME ? [GNU_TIME, ['-f', '%M %U %S', process.execPath, bin, ...args]] : [process.execPath, [bin, ...args]];
  const s0 = cpuOf(serverPid);
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd[1], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...env } });
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  const s1 = cpuOf(serverPid);
  if (!okStatus.includes(r.status)) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  let rss = null;
  let cpu = null;
  if (GNU_TIME) {
    const [m, u, s] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    rss = m / 1024;
    cpu = u + s;
  }
  return { wall, cpu, server: s0 !== null && s1 !== null ? s1 - s0 : null, rss, load: loadavg()[0], stdout: r.stdout };
}

const median = (xs) => {
  const v = xs.filter((x) => x !== null).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)] : null;
};

/**
 * Untimed runs of each S3 side before timing: a freshly started s3proxy spends seconds of CPU in its
 * JIT, which a server in use has long paid. Measured on this machine (the scan of the 1,000 apps,
 * 1,011 GETs and 35 listings a run, a fresh s3proxy, 20 runs in a row): the server's CPU per run was
 * 4.99, 3.65, 2.11, 1.07, 1.58, 1.21, 1.57, 1.58, 1.65, 0.79 s over the first ten runs, then
 * 0.40–0.61 s for the next ten. So a run counts only once the server has answered
 * SERVER_WARM_REQUESTS requests (our choice: ~10,000 measured, with a margin), and at least
 * SERVER_WARMUP_RUNS runs of each side (BENCH_WARMUP) warm the page cache and the large log's path.
 * (Three runs, before this, left the scan measured on a server still compiling: its CPU 1.04–1.91 s.)
 */
const SERVER_WARMUP_RUNS = Number(process.env.BENCH_WARMUP ?? 3);
const SERVER_WARM_REQUESTS = 12_000;

/** Pairs measured in alternation, after untimed runs (the page cache, the server's JIT). */
function alternate(pairs) {
  for (const p of pairs) {
    once(p.local.args, p.local.env, p.local.pid, p.local.ok);
    for (let i = 0; i < Math.max(SERVER_WARMUP_RUNS, p.s3.warmups ?? 0); i++) once(p.s3.args, p.s3.env, p.s3.pid, p.s3.ok);
    if (BEFORE !== null) once(p.s3.args, p.s3.env, p.s3.pid, p.s3.ok, BEFORE);
  }
  const res = new Map();
  for (let i = 0; i < RUNS; i++)
    for (const p of pairs)
      for (const [name, side, bin] of [
        [`${p.name}, local disk`, p.local, BIN],
        [`${p.name}, s3proxy on loopback`, p.s3, BIN],
        ...(BEFORE !== null ? [[`${p.name}, s3proxy on loopback, before`, p.s3, BEFORE]] : []),
      ]) {
        const r = once(side.args, side.env, side.pid, side.ok, bin);
        if (!res.has(name)) res.set(name, []);
        res.get(name).push(r);
        console.error(
          `${name}: ${r.wall.toFixed(2)} s, our CPU ${r.cpu?.toFixed(2)} s, server CPU ${r.server?.toFixed(2) ?? 'n/a'} s, load ${r.load.toFixed(2)}`,
        );
      }
  const out = new Map();
  for (const [name, rs] of res) {
    out.set(name, {
      s: median(rs.map((r) => r.wall)),
      cpu: median(rs.map((r) => r.cpu)),
      server: median(rs.map((r) => r.server)),
      rss: Math.max(...rs.map((r) => r.rss ?? 0)) || null,
      load: [Math.min(...rs.map((r) => r.load)), Math.max(...rs.map((r) => r.load))],
      stdout: rs[rs.length - 1].stdout,
    });
  }
  return out;
}

/** scan's rows with the root taken out of their paths, sorted: what must be the same from both. */
const rowsOf = (stdout, root) =>
  stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(JSON.stringify(root).slice(1, -1)).join(''))
    .sort();

const dir = mkdtempSync(path.join(tmpdir(), 'spark-triage-bench-remote-'));
let s3 = null;
try {
  const apps = path.join(dir, 'apps'); // the bucket "apps"
  console.error(`generating in ${dir} …`);
  const count = await generateAppDir(apps, N);
  const big = path.join(dir, 'big', 'app-1g.json'); // the bucket "big"
  if (BIG_MIB > 0) {
    mkdirSync(path.dirname(big));
    await generateLog(big, BIG_MIB * MiB);
  }
  s3 = await startS3proxy({ dir });
  const env = {
    AWS_ACCESS_KEY_ID: s3.identity,
    AWS_SECRET_ACCESS_KEY: s3.credential,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const remote = (url) => ['--endpoint', s3.endpoint, url];
  const pairs = [
    {
      name: `scan, ${count} apps`,
      local: { args: ['scan', '--format', 'jsonl', apps], env: {}, pid: s3.pid, ok: [0] },
      // A GET per log and a listing per 1,000 keys or folder: `count` requests, near enough.
      s3: {
        args: ['scan', '--format', 'jsonl', ...remote('s3://apps/')],
        env,
        pid: s3.pid,
        ok: [0],
        warmups: Math.ceil(SERVER_WARM_REQUESTS / count),
      },
    },
  ];
  if (BIG_MIB > 0)
    pairs.push({
      name: `diagnose, ${BIG_MIB} MiB plain`,
      // Exit 1: the generated application failed, as it does in `npm run bench`.
      local: { args: ['diagnose', '--format', 'json', big], env: {}, pid: s3.pid, ok: [0, 1] },
      s3: { args: ['diagnose', '--format', 'json', ...remote('s3://big/app-1g.json')], env, pid: s3.pid, ok: [0, 1] },
    });
  const res = alternate(pairs);
  const bigBytes = BIG_MIB > 0 ? statSync(big).size : 0;
  console.log(`\nmedians of ${RUNS} alternating runs; Node ${process.version}; 1-minute load average during the runs in the last column`);
  console.log(
    '| run | median s | rate | rate per our CPU-s | our CPU s | server CPU s | peak RSS | load |\n|---|---|---|---|---|---|---|---|',
  );
  for (const [name, r] of res) {
    const isScan = name.startsWith('scan');
    const amount = isScan ? count : bigBytes / MiB;
    const unit = isScan ? 'apps/s' : 'MiB/s';
    console.log(
      `| ${name} | ${r.s.toFixed(2)} | ${(amount / r.s).toFixed(0)} ${unit} | ${r.cpu ? (amount / r.cpu).toFixed(0) : 'n/a'} | ${r.cpu?.toFixed(2) ?? 'n/a'} | ${name.includes('s3proxy') ? (r.server?.toFixed(2) ?? 'n/a') : '—'} | ${r.rss !== null ? `${r.rss.toFixed(0)} MiB` : 'n/a'} | ${r.load[0].toFixed(1)}–${r.load[1].toFixed(1)} |`,
    );
  }
  console.log('');
  for (const p of pairs) {
    const l = res.get(`${p.name}, local disk`);
    const r = res.get(`${p.name}, s3proxy on loopback`);
    const b = res.get(`${p.name}, s3proxy on loopback, before`);
    if (b !== undefined)
      console.log(
        `      ${p.name} from S3 with the build before: ${((l.s / b.s) * 100).toFixed(0)}% of local by wall time` +
          (l.cpu && b.cpu ? ` (${((l.cpu / b.cpu) * 100).toFixed(0)}% per CPU second of our own process)` : ''),
      );
    const ratio = l.s / r.s;
    const cpuRatio = l.cpu && r.cpu ? l.cpu / r.cpu : null;
    console.log(
      `${ratio >= 0.7 ? 'PASS' : 'FAIL'}  ${p.name} from S3 ≥ 70% of local: ${(ratio * 100).toFixed(0)}% by wall time` +
        (cpuRatio !== null ? ` (${(cpuRatio * 100).toFixed(0)}% per CPU second of our own process)` : ''),
    );
    if (p.name.startsWith('scan')) {
      if (r.rss !== null) console.log(`${r.rss <= 300 ? 'PASS' : 'FAIL'}  S3 scan peak RSS ≤ 300 MiB: ${r.rss.toFixed(0)} MiB`);
      const same = JSON.stringify(rowsOf(r.stdout, 's3://apps/')) === JSON.stringify(rowsOf(l.stdout, `${apps}/`));
      console.log(`${same ? 'PASS' : 'FAIL'}  the same rows from both (${rowsOf(r.stdout, '').length} rows)`);
    } else {
      const same = rowsOf(r.stdout, 's3://big/app-1g.json').join('\n') === rowsOf(l.stdout, big).join('\n');
      console.log(`${same ? 'PASS' : 'FAIL'}  the same diagnosis from both; S3 peak RSS ${r.rss?.toFixed(0) ?? 'n/a'} MiB`);
    }
  }
} finally {
  await s3?.stop();
  rmSync(dir, { recursive: true, force: true });
}
