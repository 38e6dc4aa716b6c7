import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readEventLines } from '../../src/eventlog/events.js';
import { PLAN_LINE_BYTES, planOperatorsLine } from '../../src/eventlog/plan-line.js';
import type { KnownEvent } from '../../src/eventlog/schemas.js';
import { ReadStats } from '../../src/input/stats.js';
import { AppState, asFolded } from '../../src/state/app.js';
import { chunksOf } from '../helpers.js';

/**
 * A long SQL execution start has its plan's operators read from the line's bytes (src/eventlog/plan-line.ts):
 * what the line then parses to must be the full parse's event with the plan as asFolded keeps it, and
 * when the line is not as JsonProtocol writes one, nothing is read from its bytes (null: parsed whole).
 */

const EVENT = 'org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart';
/** A line as JsonProtocol writes a SQL execution's start, with `plan` (JSON string characters, escapes as written) as its plan. */
const line = (plan: string, { before = '', after = '' } = {}): string =>
  `{"Event":"${EVENT}","executionId":7,"rootExecutionId":7,"description":"insert into t","details":"org.apache.spark.sql.Dataset.collect\\nat x"${before},` +
  `"physicalPlanDescription":"${plan}","sparkPlanInfo":{"nodeName":"AdaptiveSparkPlan","children":[],"metadata":{},"metrics":[]},"time":1700000000000,"modifiedConfigs":{}${after}}`;

/** What the full parse gives, the plan as asFolded keeps it. */
const folded = (text: string): unknown => {
  const obj = JSON.parse(text) as { physicalPlanDescription: string };
  const ops = asFolded({ type: 'SparkListenerSQLExecutionStart', data: obj } as unknown as KnownEvent).data as {
    physicalPlanDescription: string;
  };
  return { ...obj, physicalPlanDescription: ops.physicalPlanDescription };
};

/** The line read from its bytes, parsed; null when it was left to the full parse. */
const fromBytes = (text: string, window?: number): unknown => {
  const buf = Buffer.from(`junk before\n${text}\nnext "physicalPlanDescription" line`);
  const from = buf.indexOf('{');
  const r = planOperatorsLine(buf, from, from + Buffer.byteLength(text), window);
  return r === null ? null : JSON.parse(r);
};

describe('a long SQL plan read from its bytes', () => {
  const ops = ['BatchEvalPython', 'ArrowEvalPython', 'MapInPandas', 'FlatMapGroupsInPandas', 'BroadcastHashJoin', 'BroadcastExchange'];

  it('finds the operators asFolded finds, across window ends, escapes and UTF-8, at every window size', () => {
    const plans = [
      // Operators after an escaped newline (a word ends there), after an escaped backslash and an n (it does not).
      `== Physical Plan ==\\n+- ArrowEvalPython [f(x)]\\n   +- BroadcastHashJoin [k]\\n\\\\nBatchEvalPython x\\tMapInPandas\\"`,
      // An operator name run into letters on either side is not one.
      'XArrowEvalPython ArrowEvalPythonX BroadcastExchangeX BroadcastExchange_ 1MapInPandas MapInPandas',
      // UTF-8 before and after, an operator between multi-byte characters.
      'é日本 BatchEvalPython日 — FlatMapGroupsInPandas€ BroadcastExchange',
      // Escapes of every short kind around an operator, a solidus escaped.
      '\\b\\f\\r\\t\\/\\\\\\"ArrowEvalPython\\"\\/BroadcastHashJoin\\\\',
      // No operator at all.
      'Project [a#1]\\n+- Scan parquet',
    ];
    for (const plan of plans)
      for (const window of [1, 2, 3, 5, 7, 16, 23, 64, 1 << 16]) {
        const text = line(plan);
        expect(fromBytes(text, window), `${plan} / ${window}`).toEqual(folded(text));
      }
  });

  it('matches the full parse on any plan made of operators, their parts, escapes and UTF-8 (property)', () => {
    const token = fc.constantFrom(
      ...ops,
      'Python',
      'Broadcast',
      'Eval',
      'x',
      '_',
      '1',
      ' ',
      '\\n',
      '\\\\',
      '\\"',
      '\\t',
      '\\/',
      'é',
      '日',
      '[',
      '#',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), fc.integer({ min: 1, max: 40 }), (tokens, window) => {
        const text = line(tokens.join(''));
        expect(fromBytes(text, window)).toEqual(folded(text));
      }),
      { numRuns: 400 },
    );
  });

  it('leaves to the full parse a line it cannot read exactly so', () => {
    const odd = [
      line('ArrowEvalPython \\u0041rrowEvalPython'), // a \u escape can spell a letter
      line('BroadcastHashJoin \\x'), // not an escape JSON has
      line('Broadcast\tHashJoin'), // a raw control character: JSON.parse refuses the line
      line('ArrowEvalPython', { after: ',"physicalPlanDescription":"other"' }), // the key twice: the last counts
      line('ArrowEvalPython', { before: ',"nested":{"a":1}' }), // an object before the plan
      line('ArrowEvalPython').replace('"description"', '"descr\\u0069ption"'), // an escaped key
      line('ArrowEvalPython').replace('"physicalPlanDescription":"', '"physicalPlanDescription":1,"x":"'), // not a string
      `{"Event":"${EVENT}","executionId":1}`, // no plan
      `{"Event":"${EVENT}","executionId":1`, // cut before the plan (the bytes after the line are not read)
      `["${EVENT}"]`,
    ];
    for (const text of odd) expect(fromBytes(text), text).toBeNull();
    // A plan whose closing quote is escaped runs on into the next key: the line is not JSON either way.
    const cut = line('BatchEvalPython\\');
    expect(() => JSON.parse(cut)).toThrow(SyntaxError);
    expect(() => fromBytes(cut)).toThrow(SyntaxError);
  });

  it('reads a log with a long plan line as the full parse does: operators counted, a damaged one reported at its line', async () => {
    const plan = `== Physical Plan ==\\n${'+- Project [a#1, b#2]\\n'.repeat(Math.ceil(PLAN_LINE_BYTES / 20))}+- ArrowEvalPython [f]\\n+- BroadcastHashJoin [k]`;
    const start = '{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}';
    for (const big of [line(plan), line(plan.replace('ArrowEvalPython', 'Arrow\tEvalPython'))]) {
      expect(big.length).toBeGreaterThan(PLAN_LINE_BYTES);
      const body = Buffer.from(`${start}\n${big}\n${line('BatchEvalPython')}\n`);
      const read = async (exact: boolean): Promise<unknown> => {
        const state = new AppState();
        const stats = new ReadStats();
        await readEventLines(chunksOf(body, 1 << 16), 'log', state, stats, false, exact);
        return { plans: { ...state.plans }, sql: state.sqlExecutions, diagnostics: stats.diagnostics, events: stats.events };
      };
      const fast = await read(false);
      expect(fast).toEqual(await read(true));
    }
  });
});
