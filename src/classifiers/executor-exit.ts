import type { Evidence } from '../findings.js';
import { defineClassifier } from './define.js';
import { decodeExit, statedExitCode, type ExitCause } from './exit-codes.js';
import { direct, find, reportFrom, type Match } from './match.js';
import { fix } from './remedy.js';

// Where executors end: their removal (ExecutorRemoved, a driver log's "Lost executor", YARN's container
// reports, Kubernetes' "exited with exit code") and the tasks they took with them (ExecutorLostFailure).
const EXIT = /(?:exit(?:ed with)? (?:code|status)(?: is)?|exitCode|exit code)\s*[:=]?\s*-?\d{1,4}\b|was preempted/i;
// A memory text beside the code is the memory classifiers' (a 143 after "running beyond physical memory").
const MEMORY_TEXT =
  /OOMKilled|Container killed by YARN for exceeding|beyond (?:the '\w+' memory limit|\w+ memory limits)|OutOfMemoryError|Memory cgroup out of memory|low on resource: memory/;

export default defineClassifier({
  code: 'executor-exit',
  meta: { kind: 'failure', memory: false, rank: 40 },
  classify(ctx, report) {
    // An application that succeeded recovered from lost executors: dynamic allocation, preemption.
    if (ctx.outcome === 'succeeded') return;
    const matches: Array<Match & { code: number }> = [];
    for (const x of direct(find(ctx, EXIT, ['executor-removed', 'executor-lost']))) {
      if (MEMORY_TEXT.test(x.signal.text)) continue;
      const code = /was preempted/i.test(x.signal.text) ? -102 : statedExitCode(x.signal.text);
      if (code === null || decodeExit(code).memory !== 'no' || code === 0) continue;
      matches.push({ ...x, code });
    }
    if (matches.length === 0) return;
    const byCode = new Map<number, { cause: ExitCause; executors: Set<string>; at: Match['signal']['locations'][number] }>();
    for (const m of matches) {
      const e = byCode.get(m.code) ?? { cause: decodeExit(m.code).cause, executors: new Set<string>(), at: m.signal.locations[0]! };
      for (const id of m.signal.executors) e.executors.add(id);
      byCode.set(m.code, e);
    }
    const decoded: Evidence[] = [...byCode].map(([code, e]) => ({
      at: e.at,
      messageId: 'exit-decoded',
      data: { code, cause: e.cause, memory: 'no', executors: e.executors.size },
    }));
    const driver = matches.every((m) => [...m.signal.executors].every((e) => e === 'driver') && m.signal.executors.size > 0);
    report(
      reportFrom(
        matches,
        driver ? 'driver' : 'executor',
        'none',
        'medium',
        {
          needs: [],
          advice: [fix(null, null, null, 'read-container-log', { manager: ctx.app.clusterManager, appId: ctx.app.appId })],
        },
        decoded,
      ),
    );
  },
});
