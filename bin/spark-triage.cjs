#!/usr/bin/env node
'use strict';
// CommonJS, as dist/load.cjs: see there why a start does not go through the ES module loader.
// What fails before src/cli.ts takes over (no build, a damaged one) also ends as one line and exit 70
// (EX_SOFTWARE, as src/cli.ts ends a bug): the first line of the error, its controls shown as
// src/render/escape.ts shows them.
const fail = (e, before = '', after = '') => {
  const first = String(e && e.message !== undefined ? e.message : e)
    .split('\n')[0]
    .slice(0, 500);
  const shown = first.replace(/[\0-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  process.stderr.write(`spark-triage: ${before}${shown}${after}\n`);
  process.exit(70);
};
let loader;
try {
  loader = require('../dist/load.cjs');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND') fail(require('node:path').dirname(__dirname), 'not built: run `npm run build` in ');
  fail(e);
}
loader
  .load('cli')
  .then(({ main }) => main(process.argv))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (e) => fail(e, 'internal error: ', ' (a bug in spark-triage: please report it)'),
  );
