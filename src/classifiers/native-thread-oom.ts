import { defineClassifier } from './define.js';
import { direct, find, reportFrom, roleOf } from './match.js';
import { fewerCores, fix } from './remedy.js';

const PATTERN = /OutOfMemoryError: unable to create (?:new )?native thread/;

export default defineClassifier({
  code: 'native-thread-oom',
  meta: {
    title: 'The JVM could not start another thread (OutOfMemoryError: unable to create native thread)',
    kind: 'failure',
    rank: 25,
    detects: 'java.lang.OutOfMemoryError: unable to create new native thread: the process or container hit its thread limit (ulimit -u, pids cgroup) or had no memory left for thread stacks.',
    fix: 'Fewer threads (fewer cores, smaller client thread pools), a higher process limit, or more overhead for thread stacks.',
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const remediation = [];
    const fc = ctx.layout ? fewerCores(ctx.layout) : null;
    if (fc) remediation.push(fc);
    remediation.push(fix(null, null, null, 'check the user process limit (ulimit -u) and the container pids limit on the nodes; thread leaks in UDFs or clients (HTTP, JDBC pools) are the usual cause'));
    report(reportFrom(matches, roleOf(matches), 'container', 'medium', remediation));
  },
});
