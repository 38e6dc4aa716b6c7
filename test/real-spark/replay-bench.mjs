#!/usr/bin/env node
// Spark's History Server replay timed on event logs, for `npm run bench` to show beside spark-triage:
//
//   node test/real-spark/replay-bench.mjs [--spark 3.5.6] [--runs 3] [--heap 4g] PATH…
//
// One JVM replays each PATH `runs` times the way FsHistoryProvider.rebuildAppStore does (see
// src/main/java/.../ReplayBench.java). Prints one JSON document on stdout:
//   { "tool": "spark-history-replay", "spark", "java", "heap", "processWallMs",
//     "results": [ { "path", "bytes", "files", "runsMs", "firstMs", "medianMs", "jobs", "stages", "tasks", "completed" } ] }
// processWallMs is the whole process (JVM start, class loading, every run); firstMs is a cold replay
// inside a started JVM, medianMs a warm one. Exit 2 when java or mvn is missing (the message says so).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_SPARK, MODULE_OPTIONS, SPARKS, buildSpark, classpath, haveJavaAndMaven, sparkEnv } from './spark.mjs';

const args = process.argv.slice(2);
let version = DEFAULT_SPARK.version;
let runs = 3;
let heap = '4g';
const paths = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--spark') version = args[++i];
  else if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--heap') heap = args[++i];
  else paths.push(args[i]);
}
if (paths.length === 0 || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: node test/real-spark/replay-bench.mjs [--spark 3.5.6] [--runs 3] [--heap 4g] PATH…');
  process.exit(2);
}
if (!haveJavaAndMaven()) {
  console.error('replay-bench: needs java and mvn on PATH');
  process.exit(2);
}
const def = SPARKS.find((s) => s.version === version);
if (!def) {
  console.error(`replay-bench: unknown Spark ${version} (known: ${SPARKS.map((s) => s.version).join(', ')})`);
  process.exit(2);
}
const spark = buildSpark(def);
const t0 = process.hrtime.bigint();
const r = spawnSync(
  'java',
  [
    `-Xmx${heap}`,
    ...MODULE_OPTIONS,
    '-cp',
    classpath(spark, [spark.appsJar]),
    'sparktriage.realspark.ReplayBench',
    '--runs',
    String(runs),
    ...paths.map((p) => path.resolve(p)),
  ],
  { env: sparkEnv(spark), encoding: 'utf8', maxBuffer: 1 << 26 },
);
const processWallMs = Math.round(Number(process.hrtime.bigint() - t0) / 1e6);
if (r.status !== 0) {
  console.error(`replay-bench: the replay JVM exited ${r.status ?? r.signal}:\n${r.stderr.slice(-3000)}`);
  process.exit(1);
}
const java = /version "([^"]+)"/.exec(spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr)?.[1] ?? null;
const results = r.stdout
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l));
console.log(JSON.stringify({ tool: 'spark-history-replay', spark: version, java, heap, processWallMs, results }, null, 2));
