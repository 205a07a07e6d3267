import { describe, expect, it } from 'vitest';
import { type Change, emptyState, type Endpoints, evolve, type Pod, type Service, type Stored } from '@wharf/model';
import { desiredSubsets } from './decide.js';
import { CONTROLLER, MANAGED_BY, planEndpoints } from './plan.js';
import { endpointsWatch } from './reconciler.js';

const fresh = { now: '2025-01-01T00:00:00Z', uid: 'u-1' };

const svc = (over: Partial<Service['spec']> = {}): Stored<Service> => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 3000, protocol: 'TCP', nodePort: 31000 }], ...over },
});

const pod = (name: string, hostPort: number, opts: { ready?: boolean; phase?: string; labels?: Record<string, string>; deleting?: boolean; ip?: string } = {}): Stored<Pod> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: opts.labels ?? { app: 'web' }, ...(opts.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 3000, name: 'http', protocol: 'TCP' }] }] },
  status: {
    phase: (opts.phase ?? 'Running') as 'Running',
    hostIP: opts.ip ?? '127.0.0.1',
    conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
    hostPorts: [{ containerPort: 3000, hostPort, protocol: 'TCP', name: 'http' }],
  },
});

describe('desiredSubsets', () => {
  it('given ready and unready pods, lists node address and host port, one subset per port set, sorted', () => {
    const subsets = desiredSubsets(svc(), [pod('b', 32002), pod('a', 32001), pod('c', 32001, { ready: false, ip: '127.0.0.2' })]);
    expect(subsets).toEqual([
      {
        addresses: [{ ip: '127.0.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }],
        notReadyAddresses: [{ ip: '127.0.0.2', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'c', uid: 'uid-c' } }],
        ports: [{ port: 32001, protocol: 'TCP' }],
      },
      { addresses: [{ ip: '127.0.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } }], ports: [{ port: 32002, protocol: 'TCP' }] },
    ]);
  });

  it('resolves a named targetPort through the container port name', () => {
    const s = desiredSubsets(svc({ ports: [{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }] }), [pod('a', 32001)]);
    expect(s[0]!.ports).toEqual([{ name: 'web', port: 32001, protocol: 'TCP' }]);
  });

  it('leaves out unselected, terminating, finished and unpublished pods', () => {
    const unpublished = pod('d', 1);
    unpublished.status!.hostPorts = [];
    const s = desiredSubsets(svc(), [pod('a', 1, { labels: { app: 'other' } }), pod('b', 2, { deleting: true }), pod('c', 3, { phase: 'Succeeded' }), unpublished]);
    expect(s).toEqual([]);
  });
});

describe('planEndpoints', () => {
  it('creates managed Endpoints for a new Service', () => {
    const p = planEndpoints(svc(), undefined, [pod('a', 32001)], fresh);
    expect(p.action).toBe('create');
    if (p.action !== 'create') return;
    expect(p.endpoints.metadata).toMatchObject({ name: 'web', namespace: 'default', uid: 'u-1', labels: { app: 'web' }, annotations: { [MANAGED_BY]: CONTROLLER } });
    expect(p.endpoints.subsets).toHaveLength(1);
    expect(p.reason).toBe('1 ready, 0 not ready');
  });

  it('writes nothing when nothing changed, and updates when a pod turns unready', () => {
    const first = planEndpoints(svc(), undefined, [pod('a', 32001)], fresh);
    if (first.action !== 'create') throw new Error('expected create');
    expect(planEndpoints(svc(), first.endpoints, [pod('a', 32001)], fresh).action).toBe('none');
    const next = planEndpoints(svc(), first.endpoints, [pod('a', 32001, { ready: false })], fresh);
    expect(next.action).toBe('update');
    if (next.action === 'update') expect(next.endpoints.subsets![0]!.notReadyAddresses).toHaveLength(1);
  });

  it('writes nothing when the stored Endpoints hold the same labels and subsets with keys in another order', () => {
    const labelled = { ...svc(), metadata: { ...svc().metadata, labels: { app: 'web', tier: 'front' } } };
    const first = planEndpoints(labelled, undefined, [pod('a', 32001)], fresh);
    if (first.action !== 'create') throw new Error('expected create');
    const reversed = (v: unknown): unknown => (Array.isArray(v) ? v.map(reversed) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : v);
    const stored = JSON.parse(JSON.stringify(reversed(first.endpoints))) as Stored<Endpoints>;
    expect(planEndpoints(labelled, stored, [pod('a', 32001)], fresh).action).toBe('none');
  });

  it('never touches the Endpoints of a Service without a selector', () => {
    const hand: Stored<Endpoints> = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] };
    expect(planEndpoints(svc({ selector: undefined }), hand, [pod('a', 1)], fresh)).toEqual({ action: 'none' });
  });

  it('deletes the Endpoints once the Service is gone', () => {
    const ep: Stored<Endpoints> = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' } };
    expect(planEndpoints(undefined, ep, [], fresh)).toMatchObject({ action: 'delete' });
    expect(planEndpoints(undefined, undefined, [], fresh)).toEqual({ action: 'none' });
  });
});

describe('endpointsWatch', () => {
  it('maps a pod change to the Services selecting it before or after', () => {
    const meta = { actor: 't', time: '' };
    const { state } = evolve(emptyState(), [{ seq: 1, subject: 's', type: 'ServiceCreated', data: svc(), metadata: meta }]);
    const p = pod('a', 1);
    const change: Change = { seq: 2, type: 'MODIFIED', event: { seq: 2, subject: 's', type: 'PodStatusUpdated', data: p, metadata: meta }, object: p, previous: { ...p, metadata: { ...p.metadata, labels: { app: 'web' } } } };
    expect(endpointsWatch(change, state)).toEqual(['Service/default/web']);
    const other = pod('b', 1, { labels: { app: 'x' } });
    expect(endpointsWatch({ ...change, object: other, previous: undefined }, state)).toEqual([]);
  });
});
