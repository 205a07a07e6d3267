import { describe, expect, it } from 'vitest';
import { parseDuration, parseLabels, parseTaints, agentConfig } from './flags.js';

describe('flags', () => {
  it('parses durations, labels and taints', () => {
    expect([parseDuration('x', '500ms'), parseDuration('x', '2s'), parseDuration('x', '1.5m'), parseDuration('x', '3')]).toEqual([500, 2000, 90_000, 3000]);
    expect(() => parseDuration('x', 'soon')).toThrow(/--x/);
    expect(parseLabels('a=1, b=')).toEqual({ a: '1', b: '' });
    expect(parseTaints('dedicated=db:NoSchedule,gpu:NoExecute')).toEqual([{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }, { key: 'gpu', effect: 'NoExecute' }]);
    expect(() => parseTaints('x=y:Sometimes')).toThrow(/Effect/);
  });

  it('builds the agent config with defaults', () => {
    const c = agentConfig(['--node', 'n1', '--address', '10.0.0.1', '--backoff-base', '1s']);
    expect(c).toMatchObject({ node: 'n1', address: '10.0.0.1', heartbeatMs: 2000, maxPods: 110, stateDir: '/var/lib/wharf/agent/n1', backoff: { baseMs: 1000, capMs: 300_000, resetMs: 600_000 } });
  });
});
