import { defineClassifier } from './define.js';
import { direct, find, reportFrom, roleOf } from './match.js';
import { fix } from './remedy.js';

const PATTERN = /OutOfMemoryError: (?:Metaspace|Compressed class space)/;

export default defineClassifier({
  code: 'metaspace-oom',
  meta: {
    title: 'Class metadata ran out (OutOfMemoryError: Metaspace)',
    kind: 'failure',
    rank: 24,
    detects: 'java.lang.OutOfMemoryError: Metaspace or Compressed class space. Metaspace is outside the heap, in the overhead; usually many generated classes (codegen, UDF-heavy plans) or a class-loader leak.',
    fix: 'Raise -XX:MaxMetaspaceSize in extraJavaOptions (and the overhead with it), or cut generated classes (spark.sql.codegen.wholeStage=false as a test).',
  },
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const role = roleOf(matches);
    const key = role === 'driver' ? 'spark.driver.extraJavaOptions' : 'spark.executor.extraJavaOptions';
    const cur = ctx.app.sparkProperties[key] ?? null;
    const m = cur ? /-XX:MaxMetaspaceSize=(\d+)([kmg]?)/i.exec(cur) : null;
    const next = m ? `-XX:MaxMetaspaceSize=${Number(m[1]) * 2}${m[2]}` : '-XX:MaxMetaspaceSize=1g';
    report(reportFrom(matches, role, 'overhead', 'high', [
      fix(key, cur, cur ? (m ? cur.replace(m[0], next) : `${cur} ${next}`) : next, m ? 'double the metaspace cap' : 'cap metaspace explicitly so it fails early with a clear error instead of eating the overhead'),
      fix(null, null, null, 'many generated classes point to very wide plans or many UDFs; a class-loader leak to repeated jar loading in a long-running session'),
    ]));
  },
});
