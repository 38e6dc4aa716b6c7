#!/usr/bin/env node
'use strict';
// A bug (an exception nothing caught, a promise nothing awaited that failed) still ends as one line on
// stderr, never a stack trace, its message escaped as log text is (it may quote one): exit 70,
// sysexits' EX_SOFTWARE, which no input and no diagnosis gives.
process.on('uncaughtException', (e) => {
  const message = String((e && e.message) || e)
    .split('\n')[0]
    .slice(0, 500)
    .replace(
      /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  try {
    require('node:fs').writeSync(2, `spark-triage: internal error: ${message} (a bug in spark-triage: please report it)\n`);
  } finally {
    process.exit(70);
  }
});
// CommonJS, as dist/load.cjs: see there why a start does not go through the ES module loader.
require('../dist/load.cjs')
  .load('cli')
  .then(({ main }) => main(process.argv))
  .then((code) => {
    process.exitCode = code;
  });
