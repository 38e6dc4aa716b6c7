import type { Evidence } from '../findings.js';
import { defineClassifier } from './define.js';
import { direct, exitEvidence, find, lineOf, processEvidence, reportFrom, roleOf } from './match.js';
import { driverRoomNeed, fix, keepHeapAdvice, roomNeed } from './remedy.js';

// "exit code 137" (K8s ≤3.1), "137(SIGKILL, possible container OOM)" (3.2+), YARN's "Exit code is
// 137" / "Exit status: 137" (3.x: "Container from a bad node: … Exit status: 137"), standalone "Command
// exited with code 137", Databricks' "Driver down cause: driver state change (exit code: 137)".
const PATTERN = /(?:exit(?:ed with)? (?:code|status)(?: is)?[:=]?\s*|exitCode[:=]\s*)137\b|\b137\(SIGKILL/i;
const EXPLAINED = /OOMKilled|Container killed by YARN|beyond (?:the '\w+' memory limit|\w+ memory limits)/;
/**
 * HotSpot's banner when -XX:OnOutOfMemoryError="kill -9 %p" ran (vmError.cpp: "# java.lang.OutOfMemoryError: …",
 * "# -XX:OnOutOfMemoryError=…", "#   Executing /bin/sh -c "kill -9 <pid>"…"): the JVM killed itself on an
 * OutOfMemoryError, and the SIGKILL is its consequence.
 */
const ONOOM = /OutOfMemoryError[\s\S]*Executing \/bin\/sh -c "kill -9 \d+"/;

export default defineClassifier({
  code: 'exit-137',
  meta: {
    kind: 'failure',
    rank: 13,
  },
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN)).filter((x) => !EXPLAINED.test(x.signal.text));
    if (matches.length === 0) return;
    const role = roleOf(matches);
    const decoded = exitEvidence(matches, 137);
    const banners = find(ctx, ONOOM).filter((b) => roleOf([b]) === role);
    if (banners.length > 0) {
      // The kill is the JVM's own reaction to its OutOfMemoryError: that error is the cause (heap-oom and
      // its kin say which), and the container needs no more room.
      const b = banners[0]!;
      const onoom: Evidence = {
        at: lineOf(b.signal, 0, b.signal.text.indexOf('Executing')),
        messageId: 'onoom-kill',
        data: { signal: 'kill -9' },
      };
      report({
        ...reportFrom(matches, role, 'container', 'high', { needs: [], advice: [fix(null, null, null, 'onoom-explained')] }, [
          ...decoded,
          onoom,
          ...processEvidence(ctx, matches, role),
        ]),
        severity: 'info',
      });
      return;
    }
    const keep = role === 'executor' ? keepHeapAdvice(ctx) : null;
    report(
      reportFrom(
        matches,
        role,
        'container',
        'medium',
        {
          needs: [role === 'driver' ? driverRoomNeed(ctx, null, null) : roomNeed(ctx, null, null)],
          advice: [
            ...(ctx.layout
              ? []
              : [
                  fix(
                    role === 'driver' ? 'spark.driver.memoryOverhead' : 'spark.executor.memoryOverhead',
                    null,
                    null,
                    'raise-overhead-plain',
                  ),
                ]),
            ...(keep ? [keep] : []),
            fix(null, null, null, 'confirm-sigkill'),
          ],
        },
        [...decoded, ...processEvidence(ctx, matches, role)],
      ),
    );
  },
});
