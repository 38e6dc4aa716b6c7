// Spark from Maven Central, laid out as a minimal SPARK_HOME, and spark-submit's own launcher.
// Shared by run.mjs (the fixtures), history-server.mjs (a History Server for tests) and
// replay-bench.mjs (Spark's replay timed beside spark-triage). Needs only `java` and `mvn`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
export const TARGET = path.join(HERE, 'target');

/**
 * The Spark lines the fixtures come from: the newest point release of each line whose spark-core,
 * spark-sql and spark-yarn all resolve from the Maven Central this project reaches (3.3.4 and 3.5.7
 * lack spark-yarn there). 4.0 is Scala 2.13 only and needs Java 17.
 */
export const SPARKS = [
  { version: '3.3.3', scala: '2.12', yarnWebProxy: '3.3.2' },
  { version: '3.5.6', scala: '2.12', yarnWebProxy: '3.3.4' },
  { version: '4.0.1', scala: '2.13' },
];
/** The Spark a History Server or the replay bench uses unless told otherwise. */
export const DEFAULT_SPARK = SPARKS[1];

/** `java` and `mvn` on PATH: what everything here needs. */
export function haveJavaAndMaven() {
  const ok = (cmd, args) => {
    const r = spawnSync(cmd, args, { stdio: 'ignore' });
    return !r.error && r.status === 0;
  };
  return ok('java', ['-version']) && ok('mvn', ['-v']);
}

function newestMtime(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Resolves Spark `version` with Maven and lays out target/spark-<v>/home/jars (every runtime jar of
 * spark-core, spark-sql and spark-yarn at the versions Spark's own parent POM manages, as a
 * distribution's jars/ has them; for 3.x also Hadoop's web proxy, see pom.xml) and target/spark-<v>/apps.jar. Skipped when both are newer than
 * the sources and the POM.
 */
export function buildSpark({ version, scala, yarnWebProxy }, { quiet = true } = {}) {
  const base = path.join(TARGET, `spark-${version}`);
  const home = path.join(base, 'home');
  const jars = path.join(home, 'jars');
  const appsJar = path.join(base, 'apps.jar');
  const sources = Math.max(newestMtime(path.join(HERE, 'src')), statSync(path.join(HERE, 'pom.xml')).mtimeMs);
  const fresh = existsSync(appsJar) && existsSync(jars) && statSync(appsJar).mtimeMs > sources && readdirSync(jars).length > 50;
  if (!fresh) {
    const r = spawnSync(
      'mvn',
      [
        '-B',
        ...(quiet ? ['-q'] : []),
        '-f',
        path.join(HERE, 'pom.xml'),
        `-Dspark.version=${version}`,
        `-Dscala.binary.version=${scala}`,
        ...(yarnWebProxy ? [`-DyarnWebProxy=${yarnWebProxy}`] : []),
        'package',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`mvn package for Spark ${version} failed:\n${(r.stdout + r.stderr).slice(-4000)}`);
  }
  const hadoop =
    readdirSync(jars)
      .map((f) => /^hadoop-client-api-(.+)\.jar$/.exec(f)?.[1])
      .find(Boolean) ?? null;
  return { version, scala, base, home, jars, appsJar, hadoop };
}

/** The JVM options Spark's launcher adds on Java 17 (launcher/JavaModuleOptions.java), for JVMs we start ourselves. */
export const MODULE_OPTIONS = [
  '-XX:+IgnoreUnrecognizedVMOptions',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--add-opens=java.base/java.lang.invoke=ALL-UNNAMED',
  '--add-opens=java.base/java.lang.reflect=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/java.net=ALL-UNNAMED',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.util=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.cs=ALL-UNNAMED',
  '--add-opens=java.base/sun.security.action=ALL-UNNAMED',
  '--add-opens=java.base/sun.util.calendar=ALL-UNNAMED',
  '--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED',
  '-Djdk.reflect.useDirectMethodHandle=false',
];

/** The environment every Spark JVM here gets: its SPARK_HOME, and loopback only. */
export function sparkEnv(spark, home = spark.home, extra = {}) {
  return {
    ...process.env,
    SPARK_HOME: home,
    // AbstractCommandBuilder.getScalaVersion: without a source tree, only this names the Scala line.
    SPARK_SCALA_VERSION: spark.scala,
    // Utils.findLocalInetAddress would otherwise pick a non-loopback interface when the host name
    // resolves to 127.0.0.1; every Spark daemon and UI binds here.
    SPARK_LOCAL_IP: '127.0.0.1',
    SPARK_LOCAL_HOSTNAME: 'localhost',
    SPARK_CONF_DIR: path.join(home, 'conf'),
    ...extra,
  };
}

/**
 * What bin/spark-submit would run: bin/spark-class asks org.apache.spark.launcher.Main for the
 * command (NUL-separated, after a "\0\n" marker) and execs it. Returns [java, ...args].
 */
export function submitCommand(spark, env, submitArgs) {
  const r = spawnSync(
    'java',
    [
      '-Xmx128m',
      '-cp',
      `${path.join(env.SPARK_HOME, 'jars')}/*`,
      'org.apache.spark.launcher.Main',
      'org.apache.spark.deploy.SparkSubmit',
      ...submitArgs,
    ],
    { env, encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) throw new Error(`spark launcher failed (${r.status}): ${r.stderr}`);
  const out = r.stdout.startsWith('\0\n') ? r.stdout.slice(2) : r.stdout;
  const cmd = out.split('\0');
  if (cmd.at(-1) === '') cmd.pop();
  return cmd;
}

/** A plain classpath of a built Spark (for History Server, replay bench). */
export function classpath(spark, extra = []) {
  return [...extra, `${spark.jars}/*`].join(path.delimiter);
}
