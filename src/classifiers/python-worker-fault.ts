import { defineClassifier } from './define.js';
import { direct, find, lineOf, processEvidence, reportFrom, roleOf } from './match.js';
import { fix } from './remedy.js';

// A Python worker that died with a faulthandler dump (3.2+, spark.python.worker.faulthandler.enabled):
// "Python worker exited unexpectedly (crashed): Fatal Python error: Segmentation fault ⏎ Current thread
// 0x… (most recent call first): …" on the JVM side, the same "Fatal Python error:" alone in the
// executor's stderr, or (4.1, SPARK-54344) a dump Spark asked for with no fatal signal. faulthandler runs
// on SIGSEGV, SIGFPE, SIGABRT, SIGBUS and SIGILL; a SIGKILL — the OOM killer's, a container's — leaves no
// dump. So a dump is a native crash or a worker Spark itself failed, never a memory limit.
const FATAL = /Fatal Python error: (Segmentation fault|Aborted|Bus error|Floating point exception|Illegal instruction)/;
const DUMPED = /Python worker exited unexpectedly \(crashed\):\s*(?:Current thread|Thread) 0x[0-9a-f]+ \(most recent call first\)/;

export default defineClassifier({
  code: 'python-worker-fault',
  meta: { kind: 'failure', memory: false, rank: 46 },
  triggers: [FATAL, DUMPED],
  classify(ctx, report) {
    const matches = direct([...find(ctx, FATAL), ...find(ctx, DUMPED).filter((x) => !FATAL.test(x.signal.text))]);
    if (matches.length === 0) return;
    const fatal = matches.map((x) => FATAL.exec(x.signal.text)?.[1] ?? null).find((f) => f !== null) ?? null;
    const role = roleOf(matches);
    report(
      reportFrom(matches, role, 'none', 'high', { needs: [], advice: [fix(null, null, null, 'python-native-crash', { fatal })] }, [
        { at: lineOf(matches[0]!.signal, 0, matches[0]!.m.index), messageId: 'python-dump', data: { fatal } },
        ...processEvidence(ctx, matches, role),
      ]),
    );
  },
});
