#!/usr/bin/env node
'use strict';
// CommonJS, as dist/load.cjs: see there why a start does not go through the ES module loader.
require('../dist/load.cjs')
  .load('cli')
  .then(({ main }) => main(process.argv))
  .then((code) => {
    process.exitCode = code;
  });
