#!/usr/bin/env node
// Regenerates fixtures/real-spark/: real failures produced by real Spark (from Maven Central) on this
// machine, with real executor JVMs (local-cluster) and a real YARN (MiniYARNCluster). Needs only
// `java` (17) and `mvn`. Every run is bounded (small heaps, a timeout, loopback addresses only).
//
//   node test/real-spark/run.mjs                      # every Spark line, every case
//   node test/real-spark/run.mjs --spark 3.5.6 --case heap-oom,healthy
//   node test/real-spark/run.mjs --no-yarn --keep     # keep target/runs/ for inspection
//   node test/real-spark/run.mjs --manifests-only     # expectations changed in cases.mjs: rewrite manifests only
//
// A case is written to fixtures/real-spark/<spark>/<case>/ only when its run shows what the case is
// about (cases.mjs `sanity`); otherwise the run directory is kept and the command exits 1 at the end.
// Produced logs are copied byte for byte; nothing is edited.
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { CASES, codecOf, eventLogConf } from './cases.mjs';
import { HERE, MODULE_OPTIONS, ROOT, SPARKS, TARGET, buildSpark, haveJavaAndMaven, sparkEnv, submitCommand } from './spark.mjs';

const OUT = path.join(ROOT, 'fixtures', 'real-spark');
const RUNS = path.join(TARGET, 'runs');
/** Hadoop of the MiniYARNCluster (yarn/pom.xml): the line Spark 3.5 is built against. */
const HADOOP_CLUSTER = '3.3.4';
/** Per-run limits (our choice: the slowest cases, four OOM attempts each re-running a shuffle, take ~3 min on this 2-core machine). */
const LOCAL_TIMEOUT_MS = 300_000;
const YARN_TIMEOUT_MS = 420_000;
const DRIVER_HEAP = '512m';

function parseArgs(argv) {
  const o = { sparks: SPARKS.map((s) => s.version), cases: null, yarn: true, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--spark') o.sparks = argv[++i].split(',');
    else if (a === '--case') o.cases = argv[++i].split(',');
    else if (a === '--no-yarn') o.yarn = false;
    else if (a === '--keep') o.keep = true;
    else if (a === '--manifests-only') o.manifestsOnly = true;
    else if (a === '-h' || a === '--help') {
      console.log(
        'usage: node test/real-spark/run.mjs [--spark 3.3.3,3.5.6,4.0.1] [--case name,…] [--no-yarn] [--keep] | --manifests-only',
      );
      process.exit(0);
    } else {
      console.error(`run.mjs: unknown argument ${a}`);
      process.exit(2);
    }
  }
  return o;
}

const log = (msg) => console.error(`[real-spark ${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** Runs `cmd` in its own process group, output to `logFile`; kills the whole group on timeout and after exit. */
function runGroup(cmd, { env, cwd, logFile, timeoutMs }) {
  return new Promise((resolve) => {
    const fd = openSync(logFile, 'w');
    const child = spawn(cmd[0], cmd.slice(1), { env, cwd, detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // Executors started by the in-process Worker share the driver's process group; none outlives it.
      setTimeout(() => {
        killGroup(child.pid);
        resolve({ code, signal, timedOut, pid: child.pid });
      }, 1500);
    });
  });
}

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
}

/** Processes whose command line mentions `marker` (a run directory), as left by YARN containers. */
function killLeftovers(marker) {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${d}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes(marker)) {
      try {
        process.kill(Number(d), 'SIGKILL');
        log(`  killed leftover process ${d}`);
      } catch {
        // gone
      }
    }
  }
}

function javaVersion() {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return /version "([^"]+)"/.exec(r.stderr)?.[1] ?? 'unknown';
}

/** The MiniYARNCluster JVM (yarn/), driven over stdin/stdout. */
async function startYarn(vmemRatio) {
  const pom = path.join(HERE, 'yarn', 'pom.xml');
  const jar = path.join(HERE, 'yarn', 'target', 'yarn-cluster.jar');
  if (!existsSync(jar) || statSync(jar).mtimeMs < statSync(pom).mtimeMs) {
    const r = spawnSync('mvn', ['-B', '-q', '-f', pom, 'package'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mvn package (yarn) failed:\n${(r.stdout + r.stderr).slice(-4000)}`);
  }
  const work = path.join(RUNS, `yarn-ratio-${vmemRatio}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const err = openSync(path.join(work, 'cluster.log'), 'w');
  const child = spawn(
    'java',
    [
      '-Xmx768m',
      ...MODULE_OPTIONS,
      '-cp',
      `${jar}${path.delimiter}${path.join(HERE, 'yarn', 'target', 'lib')}/*`,
      'sparktriage.realspark.yarn.YarnCluster',
      work,
      String(vmemRatio),
    ],
    { cwd: work, detached: true, stdio: ['pipe', 'pipe', err], env: { ...process.env, JAVA_HOME: process.env.JAVA_HOME ?? javaHome() } },
  );
  closeSync(err);
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  const queued = [];
  lines.on('line', (l) => (waiting.length ? waiting.shift()(l) : queued.push(l)));
  const next = (ms) =>
    new Promise((resolve, reject) => {
      if (queued.length) return resolve(queued.shift());
      const t = setTimeout(() => reject(new Error(`YARN cluster did not answer within ${ms / 1000}s (see ${work}/cluster.log)`)), ms);
      waiting.push((l) => {
        clearTimeout(t);
        resolve(l);
      });
    });
  const ready = await next(120_000);
  if (!ready.startsWith('READY ')) throw new Error(`YARN cluster: ${ready}`);
  log(`MiniYARNCluster up (vmem-pmem ratio ${vmemRatio}), conf in ${ready.slice(6)}`);
  return {
    work,
    confDir: ready.slice(6),
    async send(cmd, ms = 180_000) {
      child.stdin.write(`${cmd}\n`);
      return next(ms);
    },
    async stop() {
      child.stdin.end('stop\n');
      await new Promise((r) => {
        const t = setTimeout(() => {
          killGroup(child.pid);
          r();
        }, 60_000);
        child.on('exit', () => {
          clearTimeout(t);
          r();
        });
      });
      killGroup(child.pid);
      killLeftovers(work);
    },
  };
}

function javaHome() {
  const r = spawnSync('java', ['-XshowSettings:properties', '-version'], { encoding: 'utf8' });
  return /java\.home = (.+)/.exec(r.stderr)?.[1]?.trim();
}

/** Runs one case on one Spark; returns { ok, why } after writing the fixture (or keeping the run). */
async function runCase(spark, c, yarn) {
  const codec = codecOf(c.name, spark.version);
  const run = path.join(RUNS, spark.version, c.name);
  rmSync(run, { recursive: true, force: true });
  const home = path.join(run, 'home');
  const events = path.join(run, 'events');
  mkdirSync(home, { recursive: true });
  mkdirSync(events);
  // A SPARK_HOME per run: jars/ shared, work/ (executor directories) its own.
  symlinkSync(spark.jars, path.join(home, 'jars'));
  const conf = { ...c.conf, ...eventLogConf(codec), 'spark.eventLog.dir': `file:${events}` };
  const env = sparkEnv(spark, home, c.master === 'yarn' ? { HADOOP_CONF_DIR: yarn.confDir } : {});
  if (c.master === 'yarn') {
    Object.assign(conf, {
      // The jars are on this machine: no upload of a __spark_libs__ archive per application.
      'spark.yarn.jars': `local:${path.join(home, 'jars')}/*`,
      'spark.yarn.stagingDir': `file:${path.join(run, 'staging')}`,
      'spark.executor.instances': '1',
      'spark.executor.cores': '1',
      // One attempt: a failing application is not run twice (bounded time).
      'spark.yarn.maxAppAttempts': '1',
      'spark.yarn.appMasterEnv.SPARK_LOCAL_IP': '127.0.0.1',
      'spark.yarn.appMasterEnv.SPARK_LOCAL_HOSTNAME': 'localhost',
      'spark.executorEnv.SPARK_LOCAL_IP': '127.0.0.1',
      'spark.executorEnv.SPARK_LOCAL_HOSTNAME': 'localhost',
      ...(c.deployMode === 'client' ? { 'spark.yarn.am.memory': DRIVER_HEAP } : {}),
    });
  }
  const submit = [
    '--master',
    c.master,
    '--deploy-mode',
    c.deployMode,
    '--driver-memory',
    DRIVER_HEAP,
    ...(c.driverJavaOptions ? ['--driver-java-options', c.driverJavaOptions] : []),
    ...Object.entries(conf).flatMap(([k, v]) => ['--conf', `${k}=${v}`]),
    '--class',
    'sparktriage.realspark.RealSparkApps',
    spark.appsJar,
    c.app ?? c.name,
    ...(c.appArgs ?? []),
  ];
  const cmd = submitCommand(spark, env, submit);
  writeFileSync(path.join(run, 'command.txt'), `${cmd.join('\n')}\n`);
  log(`${spark.version} ${c.name}: ${c.master} ${c.deployMode}, event log ${codec}`);
  const t0 = Date.now();
  const res = await runGroup(cmd, {
    env,
    cwd: run,
    logFile: path.join(run, 'driver.log'),
    timeoutMs: c.timeoutMs ?? (c.master === 'yarn' ? YARN_TIMEOUT_MS : LOCAL_TIMEOUT_MS),
  });
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  log(`  driver exited ${res.code ?? res.signal}${res.timedOut ? ' (TIMED OUT)' : ''} after ${secs}s`);
  if (res.timedOut) return { ok: false, why: 'timed out' };

  const files = {};
  const driverLog = readFileSync(path.join(run, 'driver.log'), 'utf8');
  const texts = [driverLog];
  const evs = readdirSync(events);
  if (evs.length !== 1) return { ok: false, why: `expected one event log in ${events}, found ${evs.length}` };
  files.eventlog = [evs[0]];
  files['driver.log'] = ['driver.log'];

  if (c.collectExecutorLogs) {
    // The standalone Worker's executor directories (SPARK_HOME/work/<app>/<id>/{stdout,stderr}) of the
    // executors whose output shows what the case is about.
    files['executor-logs'] = [];
    const work = path.join(home, 'work');
    for (const app of existsSync(work) ? readdirSync(work) : []) {
      for (const id of readdirSync(path.join(work, app)).sort((a, b) => Number(a) - Number(b))) {
        const out = ['stdout', 'stderr'].map((n) => path.join(work, app, id, n)).filter((f) => existsSync(f) && statSync(f).size > 0);
        const text = out.map((f) => readFileSync(f, 'utf8')).join('\n');
        if (!c.collectExecutorLogs.test(text)) continue;
        texts.push(text);
        for (const f of out) {
          const name = `executor-${id}-${path.basename(f)}`;
          copyFileSync(f, path.join(run, name));
          files['executor-logs'].push(name);
        }
      }
    }
  }
  let appId = null;
  if (c.master === 'yarn') {
    appId = /application_\d+_\d+/.exec(driverLog)?.[0] ?? null;
    if (!appId) return { ok: false, why: 'no YARN application id in the driver output' };
    const status = await yarn.send(`status ${appId} ${path.join(run, 'yarn-status.txt')}`);
    const logs = await yarn.send(`logs ${appId} ${path.join(run, 'yarn-logs.txt')}`);
    log(`  yarn application -status: ${status}; yarn logs: ${logs}`);
    if (!logs.startsWith('DONE SUCCEEDED')) return { ok: false, why: `log aggregation: ${logs}` };
    files['yarn-logs.txt'] = ['yarn-logs.txt'];
    files['yarn-status.txt'] = ['yarn-status.txt'];
    texts.push(readFileSync(path.join(run, 'yarn-logs.txt'), 'utf8'), readFileSync(path.join(run, 'yarn-status.txt'), 'utf8'));
    killLeftovers(run);
  }
  const all = texts.join('\n');
  for (const re of c.sanity) if (!re.test(all)) return { ok: false, why: `the run does not show ${re} (see ${run})` };
  if (c.expectKilled && res.signal !== 'SIGKILL' && res.code !== 137)
    return { ok: false, why: `the driver was expected to be killed, it exited ${res.code ?? res.signal}` };

  // The fixture: the produced files as they are, and the manifest.
  const out = path.join(OUT, spark.version, c.name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  cpSync(path.join(events, evs[0]), path.join(out, evs[0]), { recursive: true });
  for (const [key, names] of Object.entries(files)) {
    if (key === 'eventlog') continue;
    for (const n of names) copyFileSync(path.join(run, n), path.join(out, n));
  }
  const rel = (s) => s.split(run).join('$RUN').split(ROOT).join('$REPO');
  const rolling = codec.startsWith('rolling-');
  const manifest = {
    case: c.name,
    sparkVersion: spark.version,
    scalaVersion: spark.scala,
    hadoopClientVersion: spark.hadoop,
    hadoopClusterVersion:
      c.master === 'yarn'
        ? `${HADOOP_CLUSTER} (MiniYARNCluster, pmem and vmem checks on, vmem-pmem ratio ${c.yarn.vmemRatio}, log aggregation on)`
        : null,
    java: javaVersion(),
    master: c.master,
    deployMode: c.deployMode,
    codec: rolling ? codec.slice('rolling-'.length) : codec,
    rollingEventLog: rolling,
    appId: appIdOf(evs[0]),
    produced: c.produced,
    driverExit: res.code ?? res.signal,
    submit: submit.map(rel),
    regenerate: `node test/real-spark/run.mjs --spark ${spark.version} --case ${c.name}`,
    generatedAt: new Date().toISOString(),
    files: Object.fromEntries(Object.entries(files).filter(([, v]) => v.length > 0)),
    checks: checksFor(c, spark.version, files),
  };
  for (const ch of manifest.checks) {
    for (const f of ch.inputs) if (!existsSync(path.join(out, f))) return { ok: false, why: `check input ${f} was not produced` };
  }
  writeFileSync(path.join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`  → ${path.relative(ROOT, out)} (${Object.values(files).flat().join(', ')})`);
  return { ok: true };
}

/** A case's checks with input keys (eventlog, executor-logs, …) turned into the fixture's file names. */
function checksFor(c, version, files) {
  return c.checks(version).map((ch) => ({
    inputs: ch.inputs.flatMap((k) => files[k] ?? [k]),
    expect: ch.expect,
    ...(ch.knownMismatch ? { knownMismatch: ch.knownMismatch } : {}),
  }));
}

/**
 * --manifests-only: rewrites each fixture's `produced` and `checks` from cases.mjs without running
 * Spark (after an expectation or a knownMismatch changed); the produced files are not touched.
 */
function rewriteManifests() {
  let n = 0;
  for (const version of existsSync(OUT) ? readdirSync(OUT) : []) {
    for (const name of readdirSync(path.join(OUT, version))) {
      const file = path.join(OUT, version, name, 'manifest.json');
      const m = JSON.parse(readFileSync(file, 'utf8'));
      const c = CASES.find((x) => x.name === m.case);
      if (!c) throw new Error(`${file}: case ${m.case} is not in cases.mjs`);
      m.produced = c.produced;
      m.appId = appIdOf(m.files.eventlog[0]);
      delete m.yarnApplicationId;
      m.checks = checksFor(c, version, m.files);
      writeFileSync(file, `${JSON.stringify(m, null, 2)}\n`);
      n++;
    }
  }
  log(`rewrote ${n} manifests from cases.mjs`);
}

/** The application id Spark wrote into the event log's name (EventLogFileWriter.nameForAppAndAttempt). */
function appIdOf(name) {
  const base = name
    .replace(/^eventlog_v2_/, '')
    .replace(/\.inprogress$/, '')
    .replace(/\.(lz4|lzf|snappy|zstd)$/, '');
  const yarnAttempt = /^(application_\d+_\d+)_\d+$/.exec(base);
  return yarnAttempt ? yarnAttempt[1] : base;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.manifestsOnly) return rewriteManifests();
  if (!haveJavaAndMaven()) {
    console.error('run.mjs: needs java (17) and mvn on PATH');
    process.exit(2);
  }
  const t0 = Date.now();
  const failures = [];
  const cases = CASES.filter((c) => (opts.cases ? opts.cases.includes(c.name) : true) && (opts.yarn || c.master !== 'yarn'));
  if (opts.cases) for (const n of opts.cases) if (!CASES.some((c) => c.name === n)) throw new Error(`unknown case ${n}`);
  for (const version of opts.sparks) {
    const def = SPARKS.find((s) => s.version === version);
    if (!def) throw new Error(`unknown Spark ${version} (known: ${SPARKS.map((s) => s.version).join(', ')})`);
    log(`Spark ${version}: resolving with Maven`);
    const spark = buildSpark(def);
    // YARN cases grouped by the cluster they need (one MiniYARNCluster per vmem-pmem ratio).
    const mine = cases.filter((c) => !c.versions || c.versions.includes(version));
    const local = mine.filter((c) => c.master !== 'yarn');
    const byRatio = new Map();
    for (const c of mine.filter((x) => x.master === 'yarn')) byRatio.set(c.yarn.vmemRatio, [...(byRatio.get(c.yarn.vmemRatio) ?? []), c]);
    for (const c of local) {
      const r = await runCase(spark, c, null);
      if (!r.ok) failures.push(`${version} ${c.name}: ${r.why}`);
      else if (!opts.keep) rmSync(path.join(RUNS, version, c.name), { recursive: true, force: true });
    }
    for (const [ratio, list] of byRatio) {
      const yarn = await startYarn(ratio);
      try {
        for (const c of list) {
          const r = await runCase(spark, c, yarn);
          if (!r.ok) failures.push(`${version} ${c.name}: ${r.why}`);
          else if (!opts.keep) rmSync(path.join(RUNS, version, c.name), { recursive: true, force: true });
        }
      } finally {
        await yarn.stop();
      }
    }
  }
  const size = spawnSync('du', ['-sh', OUT], { encoding: 'utf8' }).stdout.trim();
  log(`done in ${((Date.now() - t0) / 60000).toFixed(1)} min; fixtures/real-spark: ${size.split('\t')[0]}`);
  if (failures.length) {
    for (const f of failures) console.error(`FAILED ${f}`);
    process.exit(1);
  }
}

await main();
