import { describe, expect, it } from 'vitest';
import type { NetworkInfo } from '../runtime/runtime.js';
import { networkAction, networkHash, networkNames, PodNetworkError, podNetworkPlan } from './plan.js';

describe('podNetworkPlan', () => {
  it('given node-a of c1 on 10.244.1.0/24, then the network, its bridge, gateway and chains named from sha256("c1/node-a")', () => {
    const p = podNetworkPlan('c1', 'node-a', '10.244.1.0/24', '10.244.0.0/16');
    const h = networkHash('c1', 'node-a');
    expect(h).toMatch(/^[0-9a-f]{8}$/);
    expect(p).toEqual({
      cluster: 'c1',
      node: 'node-a',
      name: 'wharf-c1-node-a',
      bridge: `wharf${h}`,
      podCidr: '10.244.1.0/24',
      clusterCidr: '10.244.0.0/16',
      gateway: '10.244.1.1',
      fwdChain: `WHARF-FWD-${h}`,
      natChain: `WHARF-NAT-${h}`,
      labels: { 'wharf.cluster': 'c1', 'wharf.node': 'node-a' },
    });
    expect(p.bridge).toHaveLength(13);
  });

  it('given host bits in the CIDRs, then their canonical form', () => {
    expect(podNetworkPlan('c', 'n', '10.244.7.9/24', '10.244.3.0/16')).toMatchObject({ podCidr: '10.244.7.0/24', clusterCidr: '10.244.0.0/16', gateway: '10.244.7.1' });
  });

  it('given another node or cluster, then other names', () => {
    expect(networkNames('c1', 'node-b').bridge).not.toBe(networkNames('c1', 'node-a').bridge);
    expect(networkNames('c2', 'node-a').fwdChain).not.toBe(networkNames('c1', 'node-a').fwdChain);
  });

  it('refuses a pod CIDR outside the cluster CIDR, too small, or not a CIDR, in one line', () => {
    expect(() => podNetworkPlan('c', 'n', '10.1.0.0/24', '10.244.0.0/16')).toThrow(new PodNetworkError('the pod CIDR 10.1.0.0/24 of node n is not inside the cluster CIDR 10.244.0.0/16 (--cluster-cidr)'));
    expect(() => podNetworkPlan('c', 'n', '10.244.0.0/8', '10.244.0.0/16')).toThrow(/not inside the cluster CIDR/);
    expect(() => podNetworkPlan('c', 'n', '10.244.1.0/31', '10.244.0.0/16')).toThrow(/too small/);
    expect(() => podNetworkPlan('c', 'n', 'nope', '10.244.0.0/16')).toThrow(/^the pod CIDR of node n: "nope" is not an IPv4 CIDR/);
  });
});

describe('networkAction', () => {
  const p = podNetworkPlan('c1', 'node-a', '10.244.1.0/24', '10.244.0.0/16');
  const found = (o: Partial<NetworkInfo> = {}): NetworkInfo => ({ name: p.name, labels: { ...p.labels }, subnets: ['10.244.1.0/24'], gateways: ['10.244.1.1'], bridge: p.bridge, containers: 3, ...o });
  it('given no network, creates it; given ours as planned, reuses it', () => {
    expect(networkAction(undefined, p)).toBe('create');
    expect(networkAction(found(), p)).toBe('reuse');
  });

  it('given ours on another subnet, recreates it when no container uses it, else says what is in the way', () => {
    expect(networkAction(found({ subnets: ['10.244.7.0/24'], gateways: ['10.244.7.1'], containers: 0 }), p)).toBe('recreate');
    expect(() => networkAction(found({ subnets: ['10.244.7.0/24'], gateways: ['10.244.7.1'] }), p)).toThrow(
      new PodNetworkError(`the Docker network ${p.name} is on 10.244.7.0/24 but node node-a's pod CIDR is 10.244.1.0/24, and 3 container(s) still use it: remove them (or run wharf reset on this machine) and start the agent again`),
    );
  });

  it('refuses a network of that name Wharf did not make', () => {
    expect(() => networkAction(found({ labels: {} }), p)).toThrow(/exists that Wharf did not make for node node-a of cluster c1: remove it \(docker network rm wharf-c1-node-a\)/);
  });
});
