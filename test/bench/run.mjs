// npm run bench: generates logs with the shape of real ones in a temporary directory, then
// measures, medians of RUNS runs, diagnose throughput and peak RSS, scan apps/s, and the obvious
// baselines side by side. Nothing is committed; the directory is removed at the end.
// Sizes can be scaled down for a quick look: BENCH_SCALE=0.1 npm run bench.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateLog } from './generate.mjs';
import { generateAppDir } from './apps.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'spark-triage.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const MiB = 1024 * 1024;
const GNU_TIME =
  existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0
    ? '/usr/bin/time'
    : null;
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Runs a command RUNS times; returns median wall seconds and the largest peak RSS (MiB). */
function measure(cmd, args) {
  const times = [];
  let rss = null;
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    const r = GNU_TIME
      ? spawnSync(GNU_TIME, ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'pipe'] })
      : spawnSync(cmd, args, { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t) / 1e9);
    if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr ?? ''}`);
    if (GNU_TIME) rss = Math.max(rss ?? 0, Number(r.stderr.trim().split('\n').pop()) / 1024);
  }
  times.sort((a, b) => a - b);
  return { s: times[Math.floor(times.length / 2)], rss };
}

const dir = mkdtempSync(path.join(tmpdir(), 'spark-triage-bench-'));
const rows = [];
const row = (name, m, extra = {}) => {
  rows.push({ name, ...m, ...extra });
  const mbs = extra.bytes ? `${(extra.bytes / MiB / m.s).toFixed(0)} MB/s` : extra.apps ? `${(extra.apps / m.s).toFixed(0)} apps/s` : '';
  console.error(
    `  ${name.padEnd(44)} ${m.s.toFixed(2).padStart(7)} s  ${mbs.padStart(11)}  ${m.rss !== null ? `${m.rss.toFixed(0)} MiB` : ''}`,
  );
};
try {
  console.error(`generating in ${dir} (scale ${SCALE}) …`);
  const plain1 = path.join(dir, 'app-1g.json');
  const plain4 = path.join(dir, 'app-4g.json');
  const zst1 = `${plain1}.zst`;
  const apps = path.join(dir, 'apps');
  await generateLog(plain1, 1024 * MiB * SCALE);
  const hasZstd = has('zstd');
  if (hasZstd) execFileSync('zstd', ['-q', '-3', '-T0', '-f', plain1, '-o', zst1]);
  await generateLog(plain4, 4096 * MiB * SCALE, { seed: 11 });
  const nApps = Math.max(100, Math.round(1000 * Math.min(1, SCALE)));
  await generateAppDir(apps, nApps);
  // Where threads repay their start: four large logs (links to the 1 GiB one, four applications).
  const large = path.join(dir, 'large');
  mkdirSync(large);
  for (let i = 1; i <= 4; i++) symlinkSync(plain1, path.join(large, `application_1700000000000_000${i}`));
  // Measure steady state: flush the gigabytes just written, then read each input once, untimed,
  // so no run pays for write-back or a cold page cache that the others do not.
  if (has('sync')) execFileSync('sync');
  for (const f of [plain1, plain4, ...(hasZstd ? [zst1] : [])]) spawnSync('cat', [f], { stdio: 'ignore' });
  const b1 = statSync(plain1).size;
  const b4 = statSync(plain4).size;

  console.error(`measuring, median of ${RUNS} runs:`);
  const d1 = measure(process.execPath, [BIN, 'diagnose', '--format', 'json', plain1]);
  row('diagnose, 1 GiB plain', d1, { bytes: b1 });
  const dz = hasZstd ? measure(process.execPath, [BIN, 'diagnose', '--format', 'json', zst1]) : null;
  if (dz) row('diagnose, 1 GiB as zstd (uncompressed MB/s)', dz, { bytes: b1 });
  const d4 = measure(process.execPath, [BIN, 'diagnose', '--format', 'json', plain4]);
  row('diagnose, 4 GiB plain', d4, { bytes: b4 });
  const s1 = measure(process.execPath, [BIN, 'scan', '--format', 'jsonl', '--jobs', '1', apps]);
  row(`scan, ${nApps} apps, --jobs 1`, s1, { apps: nApps });
  const cores = availableParallelism();
  const sN = measure(process.execPath, [BIN, 'scan', '--format', 'jsonl', '--jobs', String(cores), apps]);
  row(`scan, ${nApps} apps, --jobs ${cores}`, sN, { apps: nApps });
  const sD = measure(process.execPath, [BIN, 'scan', '--format', 'jsonl', apps]);
  row(`scan, ${nApps} apps, default jobs`, sD, { apps: nApps });
  const l1 = measure(process.execPath, [BIN, 'scan', '--format', 'jsonl', '--jobs', '1', large]);
  row('scan, 4 × 1 GiB logs, --jobs 1', l1, { bytes: 4 * b1 });
  const lN = measure(process.execPath, [BIN, 'scan', '--format', 'jsonl', '--jobs', String(cores), large]);
  row(`scan, 4 × 1 GiB logs, --jobs ${cores}`, lN, { bytes: 4 * b1 });
  const node = measure(process.execPath, [path.join(ROOT, 'test', 'bench', 'baseline-node.mjs'), plain1]);
  row('baseline: split2 + JSON.parse, 1 GiB', node, { bytes: b1 });
  const py = has('python3') ? measure('python3', [path.join(ROOT, 'test', 'bench', 'baseline.py'), plain1]) : null;
  if (py) row('baseline: Python json.loads, 1 GiB', py, { bytes: b1 });
  const jq = has('jq') ? measure('jq', ['-n', 'reduce inputs as $e ({}; .[$e.Event] += 1)', plain1]) : null;
  if (jq) row('baseline: jq, 1 GiB', jq, { bytes: b1 });

  const check = (label, ok, detail) => console.log(`${ok ? 'PASS' : 'FAIL'}  ${label}: ${detail}`);
  // The zstd log must be diagnosed exactly as the plain one (only its input's compression differs).
  const diagnosis = (file) => {
    const r = spawnSync(process.execPath, [BIN, 'diagnose', '--format', 'json', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const j = JSON.parse(r.stdout);
    for (const i of j.inputs) delete i.compression;
    return JSON.stringify(j).replaceAll(file, '<log>');
  };
  console.log(
    `\nmachine: ${cpus()[0]?.model ?? 'unknown'} × ${cores}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}; medians of ${RUNS}; sizes × ${SCALE}`,
  );
  console.log('| run | median s | throughput | peak RSS |\n|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.s.toFixed(2)} | ${r.bytes ? `${(r.bytes / MiB / r.s).toFixed(0)} MB/s` : `${(r.apps / r.s).toFixed(0)} apps/s`} | ${r.rss !== null ? `${r.rss.toFixed(0)} MiB` : 'n/a'} |`,
    );
  console.log('');
  if (py) check('diagnose ≥ 4× the Python baseline', py.s / d1.s >= 4, `${(py.s / d1.s).toFixed(2)}×`);
  check('diagnose ≥ 2× the split2 + JSON.parse baseline', node.s / d1.s >= 2, `${(node.s / d1.s).toFixed(2)}×`);
  if (d1.rss !== null)
    check('peak RSS ≤ 200 MiB on 1 GiB and 4 GiB', Math.max(d1.rss, d4.rss) <= 200, `${d1.rss.toFixed(0)} / ${d4.rss.toFixed(0)} MiB`);
  if (dz) check('zstd throughput ≥ 75% of plain', d1.s / dz.s >= 0.75, `${((d1.s / dz.s) * 100).toFixed(0)}%`);
  if (dz) check('zstd log diagnosed exactly as the plain one', diagnosis(zst1) === diagnosis(plain1), 'JSON reports compared');
  check(`scan with ${cores} jobs ≥ 1.7× one (${nApps} apps)`, s1.s / sN.s >= 1.7, `${(s1.s / sN.s).toFixed(2)}×`);
  check(`scan with ${cores} jobs ≥ 1.7× one (4 × 1 GiB)`, l1.s / lN.s >= 1.7, `${(l1.s / lN.s).toFixed(2)}×`);
  check('scan by default no slower than --jobs 1 (small logs)', sD.s <= s1.s * 1.05, `${sD.s.toFixed(2)} s vs ${s1.s.toFixed(2)} s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
