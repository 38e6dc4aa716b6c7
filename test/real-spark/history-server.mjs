// Spark's own History Server (org.apache.spark.deploy.history.HistoryServer) on a log directory,
// on loopback, for tests of History Server clients:
//
//   import { start } from '../real-spark/history-server.mjs';
//   const hs = await start({ logDir: '/tmp/logs' });      // port: a free one unless given
//   await fetch(`${hs.url}/api/v1/applications`);
//   await hs.stop();
//
// The first call builds the Spark classpath with Maven (test/real-spark/target/spark-<v>/home/jars,
// reused afterwards). Needs java and mvn (haveJavaAndMaven() says whether they are there).
// As a command: node test/real-spark/history-server.mjs <logDir> [port]  (Ctrl-C stops it).
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, supervise } from './proc.mjs';
import { DEFAULT_SPARK, MODULE_OPTIONS, SPARKS, TARGET, buildSpark, classpath, haveJavaAndMaven, sparkEnv } from './spark.mjs';

export { haveJavaAndMaven };

/**
 * Starts a History Server over `logDir` on 127.0.0.1:`port` and resolves once its REST API answers.
 * Options: spark (a version of spark.mjs SPARKS, default 3.5), updateInterval (how often it rescans,
 * default 1s so new logs show quickly), timeoutMs (start-up bound), heap (default 512m).
 * @param {{ logDir: string, port?: number, spark?: string, updateInterval?: string, timeoutMs?: number, heap?: string }} options
 */
export async function start({
  logDir,
  port,
  spark: version = DEFAULT_SPARK.version,
  updateInterval = '1s',
  timeoutMs = 120_000,
  heap = '512m',
} = {}) {
  if (!logDir) throw new Error('history-server: logDir is required');
  const def = SPARKS.find((s) => s.version === version);
  if (!def) throw new Error(`history-server: unknown Spark ${version}`);
  const spark = buildSpark(def);
  const p = port ?? (await freePort());
  const runDir = mkdtempSync(
    path.join((mkdirSync(path.join(TARGET, 'history'), { recursive: true }), path.join(TARGET, 'history')), 'hs-'),
  );
  const logFile = path.join(runDir, 'history-server.log');
  const fd = openSync(logFile, 'w');
  const child = spawn(
    'java',
    [
      `-Xmx${heap}`,
      ...MODULE_OPTIONS,
      '-cp',
      classpath(spark),
      `-Dspark.history.fs.logDirectory=file:${path.resolve(logDir)}`,
      `-Dspark.history.ui.port=${p}`,
      `-Dspark.history.fs.update.interval=${updateInterval}`,
      // spark.history.store.path unset: the listing and replayed applications stay in memory.
      'org.apache.spark.deploy.history.HistoryServer',
    ],
    { env: sparkEnv(spark, spark.home), detached: true, stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  const { exited, stop } = supervise(child, 10_000);
  const url = `http://127.0.0.1:${p}`;

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited() !== null)
      throw new Error(`History Server exited (${exited()}) while starting:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`History Server did not answer on ${url} within ${timeoutMs / 1000}s (log: ${logFile})`);
    }
    try {
      const r = await fetch(`${url}/api/v1/applications`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { url, port: p, pid: child.pid, logFile, stop };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [logDir, port] = process.argv.slice(2);
  if (!logDir) {
    console.error('usage: node test/real-spark/history-server.mjs <logDir> [port]');
    process.exit(2);
  }
  const hs = await start({ logDir, port: port ? Number(port) : undefined });
  console.log(`History Server on ${hs.url} (log ${hs.logFile}); Ctrl-C stops it`);
  const bye = async () => {
    await hs.stop();
    process.exit(0);
  };
  process.on('SIGINT', bye);
  process.on('SIGTERM', bye);
}
