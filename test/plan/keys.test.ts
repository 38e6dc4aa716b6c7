import { describe, expect, it } from 'vitest';
import { canonicalKey, keyFor } from '../../src/plan/keys.js';

describe('keyFor: one setting under the name its Spark version reads', () => {
  it('an older name becomes the newest for a newer version, and the newest the older for an old one', () => {
    const app = (sparkVersion: string) => ({ sparkVersion, manager: 'yarn' as const, deployMode: 'cluster' as const });
    expect(canonicalKey('spark.yarn.executor.memoryOverhead')).toBe('spark.executor.memoryOverhead');
    expect(keyFor('spark.yarn.executor.memoryOverhead', app('3.5.1'))).toBe('spark.executor.memoryOverhead');
    // spark.executor.memoryOverhead appeared in 2.3.0 (keys-table.ts): a 2.2 run reads the YARN name.
    expect(keyFor('spark.executor.memoryOverhead', app('2.2.0'))).toBe('spark.yarn.executor.memoryOverhead');
    expect(keyFor('spark.executor.memory', app('2.2.0'))).toBe('spark.executor.memory');
  });
});
