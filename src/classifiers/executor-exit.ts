import type { Evidence } from '../findings.js';
import { defineClassifier } from './define.js';
import { BAD_NODE, decodeExit, statedExitCode, type ExitCause } from './exit-codes.js';
import { direct, find, isDriverSide, lineOf, processEvidence, reportFrom, roleOf, type Match } from './match.js';
import { fix } from './remedy.js';

// Where executors end: their removal (ExecutorRemoved, a driver log's "Lost executor", YARN's container
// reports, Kubernetes' "exited with exit code", standalone's "Command exited with code", the executor's
// own "Exit as unable to send heartbeats to driver", exit 56) and the tasks they took with them
// (ExecutorLostFailure).
const EXIT = /(?:exit(?:ed with)? (?:code|status)(?: is)?|exitCode|exit code)\s*[:=]?\s*-?\d{1,4}\b|was preempted/i;
const HEARTBEAT_EXIT = /Exit as unable to send heartbeats to driver/;
// A memory text beside the code is the memory classifiers' (a 143 after "running beyond physical memory").
const MEMORY_TEXT =
  /OOMKilled|Container killed by YARN for exceeding|beyond (?:the '\w+' memory limit|\w+ memory limits)|OutOfMemoryError|Memory cgroup out of memory|low on resource: memory|memory \d+ must be at least \d+|INVALID_(?:DRIVER|EXECUTOR)_MEMORY/;

export default defineClassifier({
  code: 'executor-exit',
  meta: { kind: 'failure', memory: false, rank: 40 },
  triggers: [EXIT, HEARTBEAT_EXIT],
  classify(ctx, report) {
    // An application that succeeded recovered from lost executors: dynamic allocation, preemption.
    if (ctx.outcome === 'succeeded') return;
    const matches: Array<Match & { code: number }> = [];
    const found = [...find(ctx, EXIT, ['executor-removed', 'executor-lost']), ...find(ctx, HEARTBEAT_EXIT, ['executor-removed'])];
    const idle = ctx.app.idleSince;
    for (const x of direct(found.filter((x, i) => found.findIndex((y) => y.signal === x.signal) === i))) {
      if (MEMORY_TEXT.test(x.signal.text)) continue;
      // Executors stopped after the last job ended, none started since, are the application's teardown
      // (a standalone worker stops them with SIGTERM, 143): they failed no job.
      if (idle !== null && x.signal.firstTime !== null && x.signal.firstTime >= idle) continue;
      const code = statedExitCode(x.signal.text);
      if (code === null || decodeExit(code).memory !== 'no' || code === 0) continue;
      matches.push({ ...x, code });
    }
    if (matches.length === 0) return;
    const byCode = new Map<number, { cause: ExitCause; executors: Set<string>; at: Evidence['at']; badNode: boolean }>();
    for (const m of matches) {
      const at = lineOf(m.signal, 0, Math.max(0, m.signal.text.lastIndexOf(String(m.code))));
      const e = byCode.get(m.code) ?? { cause: decodeExit(m.code).cause, executors: new Set<string>(), at, badNode: false };
      for (const id of m.signal.executors) if (!isDriverSide(id)) e.executors.add(id);
      e.badNode ||= BAD_NODE.test(m.signal.text);
      byCode.set(m.code, e);
    }
    const decoded: Evidence[] = [...byCode].map(([code, e]) => ({
      at: e.at!,
      messageId: 'exit-decoded',
      data: { code, cause: e.cause, memory: 'no', executors: e.executors.size, badNode: e.badNode },
    }));
    const role = roleOf(matches);
    report(
      reportFrom(
        matches,
        role,
        'none',
        'medium',
        {
          needs: [],
          advice: [fix(null, null, null, 'read-container-log', { manager: ctx.app.clusterManager, appId: ctx.app.appId })],
        },
        [...decoded, ...processEvidence(ctx, matches, role)],
      ),
    );
  },
});
