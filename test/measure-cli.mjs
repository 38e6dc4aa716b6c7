// The built CLI, reporting its peak RSS (getrusage) on stderr as its last line: "MAXRSS <KiB>".
// A file, not `node -e`: worker threads inherit execArgv, and `-e` with its script with it.
const { main } = await import(new URL('../dist/cli.js', import.meta.url).href);
process.on('exit', () => process.stderr.write(`\nMAXRSS ${process.resourceUsage().maxRSS}\n`));
process.exitCode = await main(['node', 'spark-triage', ...process.argv.slice(2)]);
