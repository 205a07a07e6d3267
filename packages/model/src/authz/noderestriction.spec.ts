import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { KObject } from '../object.js';
import { nodeMayRead, nodeMaySetLabel, nodeRestriction } from './noderestriction.js';

const pod = (over: { nodeName?: string; deleting?: boolean; status?: Record<string, unknown>; labels?: Record<string, string> } = {}): KObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default', uid: 'u1', resourceVersion: '7', labels: over.labels ?? { app: 'web' }, ...(over.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...(over.nodeName === undefined ? { nodeName: 'n1' } : over.nodeName ? { nodeName: over.nodeName } : {}) },
    status: over.status ?? { phase: 'Pending' },
  }) as KObject;

const node = (name = 'n1', over: { labels?: Record<string, string>; spec?: Record<string, unknown>; status?: Record<string, unknown> } = {}): KObject =>
  ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: 'nu', labels: over.labels ?? { 'kubernetes.io/hostname': name } },
    spec: over.spec ?? {},
    status: over.status ?? { conditions: [] },
  }) as KObject;

const running = { phase: 'Running', podIP: '10.0.0.5' };

describe('NodeRestriction: pods', () => {
  it('given a pod bound to the node, when it reports status, then it is allowed', () => {
    expect(nodeRestriction({ node: 'n1', kind: 'Pod', current: pod(), proposed: pod({ status: running }), type: 'PodStatusUpdated' })).toBeUndefined();
  });

  it('given a pod bound to another node, when the node reports its status, then it is forbidden naming the binding', () => {
    const err = nodeRestriction({ node: 'n1', kind: 'Pod', current: pod({ nodeName: 'n2' }), proposed: pod({ nodeName: 'n2', status: running }), type: 'PodStatusUpdated' });
    expect(err?.code).toBe(403);
    expect(err?.message).toBe('pods "web-1" is forbidden: node "n1" is not allowed to modify pod "default/web-1": it is bound to node "n2"');
  });

  it('given a pod bound to another node, when the proposal claims it is bound here, then the current binding decides', () => {
    expect(nodeRestriction({ node: 'n1', kind: 'Pod', current: pod({ nodeName: 'n2' }), proposed: pod({ status: running }), type: 'PodStatusUpdated' })?.code).toBe(403);
    expect(nodeRestriction({ node: 'n1', kind: 'Pod', current: pod({ nodeName: '' }), proposed: pod({ status: running }), type: 'PodStatusUpdated' })?.message).toMatch(/it is not bound to a node/);
  });

  it('given a status update that also changes labels or spec, then it is forbidden', () => {
    const labels = nodeRestriction({ node: 'n1', kind: 'Pod', current: pod(), proposed: pod({ labels: { app: 'evil' }, status: running }), type: 'PodStatusUpdated' });
    expect(labels?.message).toMatch(/a status update may change only \.status/);
    const spec = { ...pod({ status: running }), spec: { containers: [{ name: 'c', image: 'evil' }], nodeName: 'n1' } } as KObject;
    expect(nodeRestriction({ node: 'n1', kind: 'Pod', current: pod(), proposed: spec, type: 'PodStatusUpdated' })?.code).toBe(403);
  });

  it('given a status update whose resourceVersion differs (the store sets it), then it is allowed', () => {
    const p = pod({ status: running });
    p.metadata.resourceVersion = '9';
    expect(nodeRestriction({ node: 'n1', kind: 'Pod', current: pod(), proposed: p, type: 'PodStatusUpdated' })).toBeUndefined();
  });

  it('given a terminating pod bound to the node, when it records PodDeleted with the pod as it is, then it is allowed', () => {
    expect(nodeRestriction({ node: 'n1', kind: 'Pod', current: pod({ deleting: true }), proposed: pod({ deleting: true }), type: 'PodDeleted' })).toBeUndefined();
  });

  it('given a pod that is not terminating, when the node records PodDeleted, then it is forbidden', () => {
    expect(nodeRestriction({ node: 'n1', kind: 'Pod', current: pod(), proposed: pod(), type: 'PodDeleted' })?.message).toMatch(/not allowed to delete pod "default\/web-1": it is not terminating/);
  });

  it('given a terminating pod, when the deletion records another state of it, then it is forbidden', () => {
    expect(nodeRestriction({ node: 'n1', kind: 'Pod', current: pod({ deleting: true }), proposed: pod({ deleting: true, status: running }), type: 'PodDeleted' })?.code).toBe(403);
  });

  it('given no pod, or any other event type, then it is forbidden', () => {
    expect(nodeRestriction({ node: 'n1', kind: 'Pod', current: undefined, proposed: pod(), type: 'PodCreated' })?.code).toBe(403);
    for (const type of ['PodCreated', 'PodReplaced', 'PodBound', 'PodDeletionRequested']) expect(nodeRestriction({ node: 'n1', kind: 'Pod', current: pod(), proposed: pod(), type })?.code).toBe(403);
  });
});

describe('NodeRestriction: nodes', () => {
  it('given no Node, when the node registers itself with its taints, then it is allowed', () => {
    const n = node('n1', { spec: { taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] } });
    expect(nodeRestriction({ node: 'n1', kind: 'Node', current: undefined, proposed: n, type: 'NodeRegistered' })).toBeUndefined();
  });

  it('given a registration that sets podCIDR or unschedulable, then it is forbidden', () => {
    expect(nodeRestriction({ node: 'n1', kind: 'Node', current: undefined, proposed: node('n1', { spec: { podCIDR: '10.1.0.0/24' } }), type: 'NodeRegistered' })?.message).toBe('nodes "n1" is forbidden: node "n1" is not allowed to set or change its pod CIDR (spec.podCIDR, spec.podCIDRs): the cluster assigns it');
    expect(nodeRestriction({ node: 'n1', kind: 'Node', current: undefined, proposed: node('n1', { spec: { podCIDRs: ['10.1.0.0/24'] } }), type: 'NodeRegistered' })?.message).toMatch(/set or change its pod CIDR/);
    expect(nodeRestriction({ node: 'n1', kind: 'Node', current: undefined, proposed: node('n1', { spec: { unschedulable: true } }), type: 'NodeRegistered' })?.code).toBe(403);
  });

  it('given another node name, when the node registers or updates it, then it is forbidden', () => {
    const err = nodeRestriction({ node: 'n1', kind: 'Node', current: undefined, proposed: node('n2'), type: 'NodeRegistered' });
    expect(err?.message).toBe('nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"');
    expect(nodeRestriction({ node: 'n1', kind: 'Node', current: node('n2'), proposed: node('n2', { status: { phase: 'x' } }), type: 'NodeStatusUpdated' })?.code).toBe(403);
  });

  it('given its own Node, when it updates status and its own labels, then it is allowed', () => {
    const next = node('n1', { labels: { 'kubernetes.io/hostname': 'n1', disk: 'ssd', 'topology.kubernetes.io/zone': 'a' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    expect(nodeRestriction({ node: 'n1', kind: 'Node', current: node(), proposed: next, type: 'NodeStatusUpdated' })).toBeUndefined();
  });

  it('given its own Node, when an update changes taints, unschedulable or podCIDR, then it is forbidden', () => {
    const current = node('n1', { spec: { podCIDR: '10.1.0.0/24', taints: [{ key: 'a', effect: 'NoSchedule' }] } });
    expect(nodeRestriction({ node: 'n1', kind: 'Node', current, proposed: node('n1', { spec: { podCIDR: '10.1.0.0/24' } }), type: 'NodeStatusUpdated' })?.message).toMatch(/modify taints/);
    expect(nodeRestriction({ node: 'n1', kind: 'Node', current, proposed: node('n1', { spec: { ...(current.spec as object), unschedulable: false } }), type: 'NodeStatusUpdated' })?.message).toMatch(/modify spec/);
    expect(nodeRestriction({ node: 'n1', kind: 'Node', current, proposed: node('n1', { spec: { ...(current.spec as object), podCIDR: '10.2.0.0/24' } }), type: 'NodeStatusUpdated' })?.code).toBe(403);
  });

  it('given its own Node with or without a pod CIDR, when a status update sets, changes or drops spec.podCIDR or spec.podCIDRs, then it is forbidden', () => {
    const deny = /not allowed to set or change its pod CIDR \(spec\.podCIDR, spec\.podCIDRs\): the cluster assigns it$/;
    const bare = node('n1');
    const assigned = node('n1', { spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] } });
    const put = (current: KObject, spec: Record<string, unknown>) => nodeRestriction({ node: 'n1', kind: 'Node', current, proposed: node('n1', { spec, status: { phase: 'Running' } }), type: 'NodeStatusUpdated' });
    expect(put(bare, { podCIDR: '10.244.9.0/24' })?.message).toMatch(deny);
    expect(put(bare, { podCIDRs: ['10.244.9.0/24'] })?.message).toMatch(deny);
    expect(put(assigned, { podCIDR: '10.244.9.0/24', podCIDRs: ['10.244.9.0/24'] })?.message).toMatch(deny);
    expect(put(assigned, { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24', '10.244.9.0/24'] })?.message).toMatch(deny);
    expect(put(assigned, {})?.message).toMatch(deny);
    // Keeping the spec as the cluster set it (what the agent does) is a status update like any other.
    expect(put(assigned, { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] })).toBeUndefined();
  });

  it('given its own Node, when an update sets a restricted label, then it is forbidden naming the label', () => {
    const next = node('n1', { labels: { 'kubernetes.io/hostname': 'n1', 'node-role.kubernetes.io/control-plane': '' } });
    expect(nodeRestriction({ node: 'n1', kind: 'Node', current: node(), proposed: next, type: 'NodeStatusUpdated' })?.message).toMatch(/modify labels: node-role\.kubernetes\.io\/control-plane/);
  });

  it('given its own Node, when an update changes its uid, or it registers again, then it is forbidden', () => {
    const other = { ...node(), metadata: { ...node().metadata, uid: 'other' } } as KObject;
    expect(nodeRestriction({ node: 'n1', kind: 'Node', current: node(), proposed: other, type: 'NodeStatusUpdated' })?.code).toBe(403);
    expect(nodeRestriction({ node: 'n1', kind: 'Node', current: node(), proposed: node(), type: 'NodeRegistered' })?.code).toBe(403);
    expect(nodeRestriction({ node: 'n1', kind: 'Node', current: undefined, proposed: node(), type: 'NodeStatusUpdated' })?.code).toBe(403);
    expect(nodeRestriction({ node: 'n1', kind: 'Node', current: node(), proposed: node(), type: 'NodeDeleted' })?.code).toBe(403);
  });

  it('given the label rule, then it follows Kubernetes: kubelet labels and other domains yes, other kubernetes.io labels no', () => {
    expect(['disk', 'example.com/x', 'kubernetes.io/hostname', 'node.kubernetes.io/instance-type', 'kubelet.kubernetes.io/a', 'topology.kubernetes.io/region'].every(nodeMaySetLabel)).toBe(true);
    expect(['node-role.kubernetes.io/master', 'node-restriction.kubernetes.io/x', 'k8s.io/x', 'foo.k8s.io/y', 'kubernetes.io/other'].some(nodeMaySetLabel)).toBe(false);
  });
});

describe('NodeRestriction: other kinds and reads', () => {
  it('given any other kind, then writes are forbidden', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: {} } as KObject;
    expect(nodeRestriction({ node: 'n1', kind: 'Service', current: undefined, proposed: svc, type: 'ServiceCreated' })?.code).toBe(403);
  });

  it('given reads, then only its own Node and the pods bound to it are allowed', () => {
    expect(nodeMayRead('n1', node('n1'))).toBeUndefined();
    expect(nodeMayRead('n1', node('n2'))?.code).toBe(403);
    expect(nodeMayRead('n1', pod())).toBeUndefined();
    expect(nodeMayRead('n1', pod({ nodeName: 'n2' }))?.code).toBe(403);
    expect(nodeMayRead('n1', pod({ nodeName: '' }))?.code).toBe(403);
  });
});

describe('NodeRestriction: properties', () => {
  const name = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/);
  const json = fc.jsonValue({ maxDepth: 2 });

  it('property: a status update that changes anything in spec is refused', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 8 }), json, (key, value) => {
        const current = pod();
        const spec = { ...(current.spec as Record<string, unknown>), [key]: value };
        fc.pre(JSON.stringify(spec) !== JSON.stringify(current.spec));
        const proposed = { ...pod({ status: running }), spec } as KObject;
        return nodeRestriction({ node: 'n1', kind: 'Pod', current, proposed, type: 'PodStatusUpdated' })?.code === 403;
      }),
    );
  });

  it('property: a node never passes for another node, whatever it writes', () => {
    fc.assert(
      fc.property(name, name, fc.constantFrom('NodeRegistered', 'NodeStatusUpdated'), fc.boolean(), (me, other, type, exists) => {
        fc.pre(me !== other);
        const current = exists ? node(other) : undefined;
        return nodeRestriction({ node: me, kind: 'Node', current, proposed: node(other, { status: { phase: 'x' } }), type })?.code === 403;
      }),
    );
  });

  it('property: a node never writes a pod bound elsewhere, whatever the event', () => {
    fc.assert(
      fc.property(name, name, fc.constantFrom('PodStatusUpdated', 'PodDeleted', 'PodReplaced'), fc.boolean(), (me, other, type, deleting) => {
        fc.pre(me !== other);
        const current = pod({ nodeName: other, deleting });
        return nodeRestriction({ node: me, kind: 'Pod', current, proposed: pod({ nodeName: me, deleting, status: running }), type })?.code === 403;
      }),
    );
  });
});
