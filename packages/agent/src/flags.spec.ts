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

  it('takes the network flags with their defaults, and refuses a pod CIDR outside the cluster CIDR', () => {
    expect(agentConfig(['--node', 'n1', '--address', '10.0.0.1'])).toMatchObject({ clusterCidr: '10.244.0.0/16', clusterDns: '10.96.0.10', clusterDomain: 'cluster.local' });
    expect(agentConfig(['--node', 'n1', '--address', '10.0.0.1']).podCidr).toBeUndefined();
    expect(agentConfig(['--node', 'n1', '--address', '10.0.0.1', '--pod-cidr', '10.244.3.7/24', '--cluster-domain', 'corp.example.'])).toMatchObject({ podCidr: '10.244.3.0/24', clusterDomain: 'corp.example' });
    expect(() => agentConfig(['--node', 'n1', '--address', '10.0.0.1', '--pod-cidr', '10.9.0.0/24'])).toThrow('--pod-cidr: 10.9.0.0/24 is not inside the cluster CIDR 10.244.0.0/16 (--cluster-cidr)');
    expect(() => agentConfig(['--node', 'n1', '--address', '10.0.0.1', '--cluster-cidr', 'ten'])).toThrow(/^--cluster-cidr: "ten" is not an IPv4 CIDR/);
    expect(() => agentConfig(['--node', 'n1', '--address', '10.0.0.1', '--cluster-dns', 'dns'])).toThrow('--cluster-dns: "dns" is not an IPv4 address');
  });
});
