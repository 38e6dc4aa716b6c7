// Real storage servers for the remote-source tests, on loopback, each over a local directory:
//
//   import { startS3proxy } from '../real-spark/stores.mjs';
//   const s3 = await startS3proxy({ dir });   // dir/<bucket>/<key> are the objects
//   // s3.endpoint, s3.identity, s3.credential (SigV4), s3.pid, then: await s3.stop();
//
// s3proxy is built once with Maven (s3proxy/pom.xml, target/lib). Needs java and mvn
// (haveJavaAndMaven() says whether they are there).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, supervise } from './proc.mjs';
import { haveJavaAndMaven } from './spark.mjs';

export { haveJavaAndMaven };

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** `mvn package` of a module under this folder once; returns its target/lib. */
function built(module) {
  const lib = path.join(HERE, module, 'target', 'lib');
  if (!existsSync(lib) || readdirSync(lib).length === 0) {
    const r = spawnSync('mvn', ['-q', '-f', path.join(HERE, module, 'pom.xml'), 'package'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mvn package (${module}) failed:\n${(r.stdout + r.stderr).slice(-4000)}`);
  }
  return lib;
}

/** A JVM in its own process group, its output in a log file; `stop` ends the group. */
function jvm(args, logFile) {
  const fd = openSync(logFile, 'w');
  const child = spawn('java', args, { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return { child, ...supervise(child, 10_000) };
}

async function waitFor(url, proc, logFile, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exited() !== null)
      throw new Error(`server exited (${proc.exited()}) while starting:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`server did not answer on ${url} within ${timeoutMs / 1000}s (log: ${logFile})`);
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return; // any answer: it is listening
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * s3proxy over `dir` (jclouds' filesystem provider: each folder of `dir` a bucket) with SigV4
 * (and V2) authentication by a fixed identity and credential.
 * @param {{ dir: string, timeoutMs?: number }} options
 */
export async function startS3proxy({ dir, timeoutMs = 60_000 }) {
  const lib = built('s3proxy');
  const jar = path.join(
    lib,
    readdirSync(lib).find((f) => f.startsWith('s3proxy-')),
  );
  const port = await freePort();
  const run = mkdtempSync(path.join(tmpdir(), 'spark-triage-s3proxy-'));
  const identity = 'spark-triage-identity';
  const credential = 'spark-triage-credential';
  const props = path.join(run, 's3proxy.properties');
  writeFileSync(
    props,
    [
      `s3proxy.endpoint=http://127.0.0.1:${port}`,
      's3proxy.authorization=aws-v2-or-v4',
      `s3proxy.identity=${identity}`,
      `s3proxy.credential=${credential}`,
      'jclouds.provider=filesystem',
      `jclouds.filesystem.basedir=${path.resolve(dir)}`,
    ].join('\n'),
  );
  const logFile = path.join(run, 's3proxy.log');
  const proc = jvm(['-Xmx256m', '-cp', jar, 'org.gaul.s3proxy.Main', '--properties', props], logFile);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor(endpoint, proc, logFile, timeoutMs);
  return {
    endpoint,
    identity,
    credential,
    logFile,
    // The JVM's process id: the remote bench reads the server's CPU time from /proc/<pid>/stat.
    pid: proc.child.pid,
    stop: () => proc.stop().then(() => rmSync(run, { recursive: true, force: true })),
  };
}

/**
 * Hadoop's MiniDFSCluster (hdfs/: a NameNode and a DataNode in one JVM) with WebHDFS on loopback,
 * holding a copy of `dir` at `hdfsDir`, and `privateFile` (if given) in /private, mode 0700, owned
 * by the superuser: another HADOOP_USER_NAME is refused it.
 * @param {{ dir: string, hdfsDir?: string, privateFile?: string, timeoutMs?: number }} options
 */
export async function startHdfs({ dir, hdfsDir = '/spark-logs', privateFile, timeoutMs = 180_000 }) {
  const lib = built('hdfs');
  const jar = path.join(HERE, 'hdfs', 'target', 'mini-hdfs.jar');
  const run = mkdtempSync(path.join(tmpdir(), 'spark-triage-hdfs-'));
  const logFile = path.join(run, 'hdfs.log');
  const fd = openSync(logFile, 'w');
  const child = spawn(
    'java',
    [
      '-Xmx512m',
      // The NameNode's Jersey/JAXB (shaded in the minicluster jar) defines classes reflectively.
      '--add-opens=java.base/java.lang=ALL-UNNAMED',
      '-cp',
      `${jar}${path.delimiter}${lib}/*`,
      'sparktriage.realspark.hdfs.MiniHdfs',
      path.join(run, 'cluster'),
      path.resolve(dir),
      hdfsDir,
      ...(privateFile ? [path.resolve(privateFile)] : []),
    ],
    { detached: true, stdio: ['pipe', 'pipe', fd] },
  );
  closeSync(fd);
  let exited = null;
  child.on('exit', (code, signal) => (exited = code ?? signal));
  const stop = () =>
    new Promise((resolve) => {
      if (exited !== null) return resolve();
      child.once('exit', () => resolve());
      child.stdin.end(); // MiniHdfs shuts the cluster down when its input closes
      setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 20_000).unref();
    });
  const address = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`MiniDFSCluster did not start within ${timeoutMs / 1000}s (log: ${logFile})`)),
      timeoutMs,
    );
    child.stdout.setEncoding('utf8').on('data', (s) => {
      out += s;
      const m = /WEBHDFS (\S+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`MiniDFSCluster exited while starting:\n${readFileSync(logFile, 'utf8').slice(-3000)}`));
    });
  }).catch(async (e) => {
    await stop();
    throw e;
  });
  return { address, hdfsDir, logFile, stop: () => stop().then(() => rmSync(run, { recursive: true, force: true })) };
}

/**
 * Azurite's Blob service (the npm devDependency: Azure Storage's own emulator) on loopback, its data
 * in a new temporary directory. Its account and key are Azurite's documented development ones.
 */
export async function startAzurite({ timeoutMs = 60_000 } = {}) {
  const main = path.join(HERE, '..', '..', 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js');
  const port = await freePort();
  const run = mkdtempSync(path.join(tmpdir(), 'spark-triage-azurite-'));
  const logFile = path.join(run, 'azurite.log');
  const fd = openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [main, '--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', run, '--skipApiVersionCheck'],
    {
      detached: true,
      stdio: ['ignore', fd, fd],
    },
  );
  closeSync(fd);
  // Azurite closes gracefully, waiting on idle keep-alive connections: not for long.
  const proc = supervise(child, 2_000);
  const endpoint = `http://127.0.0.1:${port}/devstoreaccount1`;
  await waitFor(endpoint, proc, logFile, timeoutMs);
  return {
    endpoint,
    account: 'devstoreaccount1',
    // Azurite's well-known development key (its README), not a secret.
    key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
    stop: () => proc.stop().then(() => rmSync(run, { recursive: true, force: true })),
  };
}

/** `npm ci` of a folder under this one once (its own package.json and lockfile); returns the folder. */
function installed(module) {
  const dir = path.join(HERE, module);
  if (!existsSync(path.join(dir, 'node_modules'))) {
    // Scripts off: the emulator needs none of them (one is a native build of an optional module).
    const r = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm ci (${module}) failed:\n${(r.stdout + r.stderr).slice(-4000)}`);
  }
  return dir;
}

/**
 * Google Cloud Storage's JSON API served by Google's own emulator (firebase-tools' Cloud Storage
 * emulator, installed into ./gcs by its own lockfile on first use; ./gcs/emulator.mjs says how it is
 * started) on loopback, its blobs in a new temporary directory. Clients reach it through
 * STORAGE_EMULATOR_HOST, which @google-cloud/storage honours without credentials.
 */
export async function startGcsEmulator({ timeoutMs = 60_000 } = {}) {
  const dir = installed('gcs');
  const port = await freePort();
  const run = mkdtempSync(path.join(tmpdir(), 'spark-triage-gcs-'));
  const logFile = path.join(run, 'gcs-emulator.log');
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, [path.join(dir, 'emulator.mjs'), String(port)], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, TMPDIR: run },
  });
  closeSync(fd);
  const proc = supervise(child, 2_000);
  const host = `http://127.0.0.1:${port}`;
  await waitFor(`${host}/storage/v1/b`, proc, logFile, timeoutMs);
  return { host, stop: () => proc.stop().then(() => rmSync(run, { recursive: true, force: true })) };
}
