import { describe, expect, it } from 'vitest';
import type { Node } from '@wharf/model';
import { describeNode } from './node.js';
import { renderLines } from './format.js';

const node = (spec: Node['spec']): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'h1' }, spec, status: {} });

describe('describe node', () => {
  it('shows the pod CIDRs the node IPAM assigned, as kubectl does', () => {
    const out = renderLines(describeNode(node({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] })));
    expect(out).toMatch(/^PodCIDR:\s+10\.244\.1\.0\/24$/m);
    expect(out).toMatch(/^PodCIDRs:\s+10\.244\.1\.0\/24$/m);
  });

  it('says <none> before a node has one', () => {
    const out = renderLines(describeNode(node({})));
    expect(out).toMatch(/^PodCIDR:\s+<none>$/m);
  });
});
