// The one-file builds, run by `npm run build` after tsc: dist/spark-triage.cjs holds the CLI, the scan
// worker and the zstd helper (src/bundle.ts), and dist/spark-triage.v8cache its V8 code cache, made
// here by running the built CLI once on a fixture so the functions a diagnosis uses are in it;
// dist/split-worker.cjs holds the split helper thread alone (src/input/split-bundle.ts), and
// dist/split-worker.v8cache its code cache, made here by a helper thread reading a fixture's blocks.
// src/load.cts starts from them. Nothing here is committed (dist/ is ignored).
// A V8 start-up snapshot (`node --build-snapshot`, every module already evaluated) was built here and
// measured: 44% fewer instructions for a 5 KB log, but no faster by the clock on this machine, idle
// (median of 21 alternating runs 0.19 s either way: deserializing 8 MB costs page faults instructions
// do not count), 18 MB more resident on a large log, and the bin would have had to be a shell script
// to start node with it (no Windows). Not kept.
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { MessageChannel, Worker } from 'node:worker_threads';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);

const bundle = 'dist/spark-triage.cjs';
const splitBundle = 'dist/split-worker.cjs';
// What Node puts around a CommonJS module, so the bundle sees require, module and __filename.
const WRAPPER_START = '(function (exports, require, module, __filename, __dirname) {';
const WRAPPER_END = '\n})';

// Node's built-in modules that a diagnosis of a local plain log never uses are required on first use,
// not when the bundle is evaluated: each costs 6–9 million instructions to load (callgrind, `node`
// requiring one against requiring none), and they were all loaded at every start because every
// module naming them is evaluated (child_process, named by commander, brings net and dgram too).
// The bundle sees each as a Proxy that requires the real module at the first read of a property:
// esbuild reads a named import as a property of the module object at its use, so a call site reads
// through it. test/load.test.ts checks which are loaded by a plain log and by logs that need them.
// (os only makes a temporary directory's name: a tiny diagnosis needs none, src/commands/diagnose.ts.)
const LAZY_BUILTINS = ['child_process', 'crypto', 'os', 'readline', 'stream', 'worker_threads', 'zlib'];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
    b.onResolve({ filter }, (args) => {
      const name = args.path.replace(/^node:/, '');
      return args.namespace === 'lazy-builtin' ? { path: `node:${name}`, external: true } : { path: name, namespace: 'lazy-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      // The interop esbuild puts around a CommonJS module copies its names as getters: they are this
      // (building) Node's names, so that copying them does not read the module.
      const keys = JSON.stringify(Object.keys(require(`node:${args.path}`)));
      return {
        loader: 'js',
        contents: `let m; const get = () => (m ??= require('node:${args.path}'));
const keys = ${keys};
module.exports = new Proxy({}, {
  get: (_, k) => get()[k], has: (_, k) => k in get(), ownKeys: () => keys,
  getOwnPropertyDescriptor: (_, k) => (keys.includes(k) ? { configurable: true, enumerable: true, writable: true, value: undefined } : undefined),
});`,
      };
    });
  },
};
const options = {
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
  // The file is the function Node would wrap a CommonJS module in, written out: src/load.cts compiles
  // it as it is, where adding the wrapper at each start made a second 1.3 MB copy of the source (V8
  // flattens the joined string before compiling: ~430 page faults, callgrind does not see them).
  banner: { js: `${WRAPPER_START}var __bundle_url = require('node:url').pathToFileURL(__filename).href;` },
  footer: { js: WRAPPER_END },
  // ASCII only (esbuild escapes the rest), checked below: src/load.cts reads the file as latin1, a
  // plain copy of its bytes, where UTF-8 decoding took 1,110 page faults against 661.
  charset: 'ascii',
  // The cloud stores' clients stay out: loaded from node_modules by import() only when a URL of theirs
  // is given (src/sources/remote/), they would otherwise be parsed at every start (3.1 MB against 0.7).
  external: ['@aws-sdk/*', '@azure/*', '@smithy/*', '@google-cloud/*'],
  // ...through require(): the bundle runs as a vm.Script (src/load.cts), where a real import() has no loader.
  supported: { 'dynamic-import': false },
  plugins: [lazyBuiltins],
  logLevel: 'warning',
};
// The split helper has a build of its own: started from the whole program's, it read and compiled
// 0.88 MB (with its code cache) where it runs 0.18 MB of it (src/input/split-bundle.ts).
await build({ ...options, entryPoints: ['dist/bundle.js'], outfile: bundle });
await build({ ...options, entryPoints: ['dist/input/split-bundle.js'], outfile: splitBundle });
for (const file of [bundle, splitBundle]) {
  const built = readFileSync(file);
  const wide = built.findIndex((b) => b > 0x7f);
  if (wide !== -1) throw new Error(`${file}: a byte above ASCII at ${wide}: src/load.cts reads it as latin1`);
  // `import { z } from 'zod'` (the namespace by name) makes esbuild keep every export of zod, its 62
  // locales too: 0.45 MB more to read, deserialize and evaluate at each start. The program takes the
  // parts it uses by name (src/eventlog/zod-parts.ts).
  const locale = /"node_modules\/zod\/v4\/locales\/(?!en\.js|index\.js)[^"]*"/.exec(built.toString('latin1'));
  if (locale) throw new Error(`${file}: holds zod's ${locale[0]}: import zod's parts by name (src/eventlog/zod-parts.ts)`);
}
// The threads' files, found beside the bundle as the modules name them: each starts its part of it.
for (const [file, role] of [
  ['dist/worker.js', 'scan-worker'],
  ['dist/zstd-thread.js', 'zstd-thread'],
])
  writeFileSync(file, `import { load } from './load.cjs';\nawait load('${role}');\n`);

const { bundled, cacheFile } = await import('./dist/load.cjs');
const { start, script } = bundled(new URL(bundle, import.meta.url).pathname);
const { main } = await start('cli');
const quiet = { out() {}, err() {}, isTTY: false, errIsTTY: false, env: {} };
// Once as text (the default) and once as JSON (what scripts and the bench ask for): the functions
// either renderer runs are then in the cache instead of compiled at every start.
for (const format of ['text', 'json'])
  await main(['node', 'spark-triage', 'diagnose', '--format', format, 'fixtures/diagnose/yarn-memory-exceeded/spark35-pyspark'], quiet);
writeFileSync(cacheFile(new URL(bundle, import.meta.url).pathname), script.createCachedData());

// The split helper's cache: a helper thread started as src/input/split.ts starts one reads the blocks
// of a fixture (all but the first, 4 KiB each) from its own build; once it is done, the script it
// ran is written out with every function it compiled.
const { planSplit } = await import('./dist/input/split.js');
const { Claims } = await import('./dist/input/blocks.js');
// A real Spark 3.3.3 log (260 KB): its blocks made the helper compile what it compiles on the bench's
// 32 MiB log (a cache re-made after reading either: 207 KB), where a 13 KB fixture's made 194 KB.
const log = 'fixtures/real-spark/3.3.3/execution-memory/app-20261129105349-0000';
// One segment of 4 KiB blocks, which the first thread has started (slot 0 of `started`: segment 0).
const plan = planSplit({ name: log, inProgress: false }, 'file', 0, { blockBytes: 4096, segmentBlocks: Number.MAX_SAFE_INTEGER });
if (plan === null) throw new Error(`${log}: not split, so not a log to make the split helper's code cache with`);
const claims = new Claims(plan.blocks.count);
const started = new SharedArrayBuffer(4);
const { port1, port2 } = new MessageChannel();
const splitFile = new URL(splitBundle, import.meta.url).pathname;
const helper = new Worker(
  `const { bundled, cacheFile } = require(${JSON.stringify(new URL('dist/load.cjs', import.meta.url).pathname)});
  const { start, script } = bundled(${JSON.stringify(splitFile)});
  require('node:worker_threads').parentPort.once('message', () => require('node:fs').writeFileSync(cacheFile(${JSON.stringify(splitFile)}), script.createCachedData()));
  start('split-worker');`,
  { eval: true, workerData: { plan, file: log, claims: [claims.buffer], started, port: port2 }, transferList: [port2] },
);
// A helper that exits before it is done (a throw at its start) fails the build rather than leave it waiting.
const exited = once(helper, 'exit').then(([code]) => Promise.reject(new Error(`the split helper exited (${code}) before it was done`)));
for (let digests = 0; ;) {
  const [m] = await Promise.race([once(port1, 'message'), exited]);
  if ('digest' in m) digests++;
  else if ('done' in m && digests >= plan.blocks.count - 1) break;
  else throw new Error(`${log}: the split helper did not read every block (${digests} of ${plan.blocks.count - 1}): ${JSON.stringify(m)}`);
}
port1.close();
helper.postMessage('write the cache');
await once(helper, 'exit');
