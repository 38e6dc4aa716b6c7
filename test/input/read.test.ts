import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readInput } from '../../src/input/read.js';
import { fixture } from '../helpers.js';

describe('readInput with an abort signal (scan stopped by Ctrl-C)', () => {
  const log = readFileSync(fixture('diagnose', 'execution-memory', 'spark35-error-class'));
  const half = log.indexOf('\n', log.length >> 1) + 1;

  it('stops at the next chunk after the signal: the part fails with interrupted, its source is closed', async () => {
    const ac = new AbortController();
    let closed = false;
    let chunksRead = 0;
    async function* source(): AsyncGenerator<Buffer> {
      try {
        chunksRead++;
        yield log.subarray(0, half);
        ac.abort(); // Ctrl-C arrives while the file is being read
        chunksRead++;
        yield log.subarray(half);
        chunksRead++;
      } finally {
        closed = true;
      }
    }
    const read = await readInput(
      { path: 'big.json', layout: 'single', apps: [{ parts: [{ name: 'big.json', open: source, inProgress: false }], hints: {} }] },
      { signal: ac.signal },
    );
    expect(read.failures).toEqual([{ part: null, problem: { code: 'interrupted', data: {} } }]);
    expect(chunksRead).toBe(2); // the second chunk was made, never folded in
    expect(closed).toBe(true);
    expect(read.apps[0]!.stats.events).toBeGreaterThan(0);
  });

  it('an already-aborted signal reads nothing', async () => {
    let opened = false;
    const read = await readInput(
      {
        path: 'x.json',
        layout: 'single',
        apps: [
          {
            parts: [
              {
                name: 'x.json',
                open: () => {
                  opened = true;
                  return (async function* () {
                    yield log;
                  })();
                },
                inProgress: false,
              },
            ],
            hints: {},
          },
        ],
      },
      { signal: AbortSignal.abort() },
    );
    expect(opened).toBe(false);
    expect(read.failures.map((f) => f.problem.code)).toEqual(['interrupted']);
  });

  it('without a signal the same source is read to its end', async () => {
    async function* source(): AsyncGenerator<Buffer> {
      yield log.subarray(0, half);
      yield log.subarray(half);
    }
    const read = await readInput({
      path: 'big.json',
      layout: 'single',
      apps: [{ parts: [{ name: 'big.json', open: source, inProgress: false }], hints: {} }],
    });
    expect(read.failures).toEqual([]);
    expect(read.apps[0]!.stats.lines).toBe(log.toString().trimEnd().split('\n').length);
  });
});
