// The one-file build, run by `npm run build` after tsc: dist/spark-triage.cjs holds the CLI, the scan
// worker and the zstd helper (src/bundle.ts), and dist/spark-triage.v8cache its V8 code cache, made
// here by running the built CLI once on a fixture so the functions a diagnosis uses are in it.
// src/load.ts starts from them. Then dist/spark-triage.blob, a V8 start-up snapshot of the CLI with
// every module already evaluated, which bin/spark-triage.js starts from when run as a program.
// Nothing here is committed (dist/ is ignored).
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const bundle = 'dist/spark-triage.cjs';
await build({
  entryPoints: ['dist/bundle.js'],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Whitespace and syntax only: names stay, for code that reads a class's name (commander, zod).
  // Renaming too made the bundle 17% smaller but start-up no faster (callgrind instruction counts).
  minifyWhitespace: true,
  minifySyntax: true,
  // CommonJS has no import.meta: the modules' relative URLs (../package.json, ./worker.js,
  // ./zstd-thread.js) resolve from the bundle, one folder below the project like dist/cli.js.
  define: { 'import.meta.url': '__bundle_url' },
  banner: { js: "var __bundle_url = require('node:url').pathToFileURL(__filename).href;" },
  // The cloud stores' clients stay out: loaded from node_modules by import() only when a URL of theirs
  // is given (src/sources/remote/), they would otherwise be parsed at every start (3.1 MB against 0.7).
  external: ['@aws-sdk/*', '@azure/*', '@smithy/*', '@google-cloud/*'],
  // ...through require(): the bundle runs as a vm.Script (src/load.ts), where a real import() has no loader.
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
});
// The threads' files, found beside the bundle as the modules name them: each starts its part of it.
for (const [file, role] of [
  ['dist/worker.js', 'scan-worker'],
  ['dist/zstd-thread.js', 'zstd-thread'],
])
  writeFileSync(file, `import { load } from './load.js';\nawait load('${role}');\n`);

const { bundled, cacheFile } = await import('./dist/load.js');
const { start, script } = bundled(new URL(bundle, import.meta.url).pathname);
const { main } = await start('cli');
const quiet = { out() {}, err() {}, isTTY: false, errIsTTY: false, env: {} };
await main(['node', 'spark-triage', 'diagnose', 'fixtures/diagnose/yarn-memory-exceeded/spark35-pyspark'], quiet);
writeFileSync(cacheFile(new URL(bundle, import.meta.url).pathname), script.createCachedData());

// ---- the start-up snapshot (Node's userland snapshots: `node --build-snapshot`, Node ≥ 18.20) ------
// Starting from the code cache still evaluates every module (zod's schemas, the classifiers, commander)
// at each start; a snapshot holds the heap after that, so a start deserializes it instead
// (callgrind, a 5 KB log: 776M → 437M instructions; see the README for time). The script that builds it
// runs the bundle as src/load.ts does, with a `require` that gives Node's built-in modules at once
// (all the snapshot may hold) and anything else (the cloud stores' clients) from node_modules only
// when first asked for, after the start. Its paths are this folder's, so the snapshot is only good
// here, with this node: the key beside it names both, and bin/spark-triage.js checks them before use
// (Node refuses another version's snapshot, but loudly, with exit code 14).
const blob = 'dist/spark-triage.blob';
const key = `${blob}.key`;
rmSync(blob, { force: true });
rmSync(key, { force: true });
const dist = realpathSync('dist');
const full = path.join(dist, 'spark-triage.cjs');
const entry = 'dist/snapshot-entry.cjs';
writeFileSync(
  entry,
  `'use strict';
const BUNDLE = ${JSON.stringify(full)};
// Built-in modules Node does not vouch for in a snapshot ("not yet fully verified") are loaded at
// their first use, after the start: node:worker_threads loaded here once left every thread started
// later without process.cwd() (Node 20.20: Atomics on a counter the snapshot did not restore).
const LATER = new Set(['node:worker_threads', 'node:child_process', 'node:readline', 'node:module']);
const later = (id) => {
  let m = null;
  return new Proxy({}, { get: (_, k) => (m ??= require(id))[k] });
};
let outside = null;
const req = (id) =>
  !id.startsWith('node:')
    ? (outside ??= require('node:module').createRequire(BUNDLE))(id)
    : LATER.has(id)
      ? later(id)
      : require(id);
const bundle = { exports: {} };
(function (exports, require, module, __filename, __dirname) {
${readFileSync(bundle, 'utf8')}
})(bundle.exports, req, bundle, BUNDLE, ${JSON.stringify(dist)});
let cli = null;
bundle.exports.start('cli').then((m) => (cli = m));
const { startupSnapshot } = require('node:v8');
startupSnapshot.addSerializeCallback(() => {
  if (cli === null) throw new Error('the CLI did not load');
});
// Run as \`node --snapshot-blob … -- bin/spark-triage.js args…\`: process.argv is as a script's.
startupSnapshot.setDeserializeMainFunction(async () => {
  process.exitCode = await cli.main(process.argv);
});
`,
);
try {
  execFileSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', entry], { stdio: 'inherit' });
  writeFileSync(key, `${dist}\n${realpathSync(process.execPath)}\n`);
} catch (e) {
  rmSync(blob, { force: true });
  console.warn(`esbuild.config.mjs: no start-up snapshot (${e instanceof Error ? e.message : e}); starting from the code cache`);
}
rmSync(entry, { force: true });
