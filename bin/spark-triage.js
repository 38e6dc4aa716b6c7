#!/bin/sh
':' /*
# Run as a program (npm's link to it, or ./bin/spark-triage.js), this is a shell script: it starts node
# from the start-up snapshot `npm run build` made (dist/spark-triage.blob, see esbuild.config.mjs),
# which skips evaluating the program's modules, when the node on PATH is the one that made it (the
# same file) and this folder the one it was made in; else node runs this file as the module below, as
# `node bin/spark-triage.js` does. Node refuses another version's snapshot loudly (exit 14), so it is
# never offered one. No second node starts either way: `exec` replaces this shell.
self=$0
if [ -L "$self" ]; then self=$(readlink -f -- "$self" 2>/dev/null) || self=$0; fi
dist=${self%/*}/../dist
if node=$(command -v node) && { read -r made_in && read -r made_by; } 2>/dev/null <"$dist/spark-triage.blob.key" &&
  [ "$dist" -ef "$made_in" ] && [ "$node" -ef "$made_by" ] && [ -r "$dist/spark-triage.blob" ]; then
  exec "$node" --snapshot-blob "$dist/spark-triage.blob" -- "$self" "$@"
fi
exec node "$self" "$@"
*/
import { load } from '../dist/load.js';

const { main } = await load('cli');
process.exitCode = await main(process.argv);
