import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
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

/** A pod with container port 3000 (named http) and pod IP `ip`; `port` overrides the container port. */
const pod = (name: string, ip: string | undefined, opts: { ready?: boolean; phase?: string; labels?: Record<string, string>; deleting?: boolean; port?: number } = {}): Stored<Pod> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: opts.labels ?? { app: 'web' }, ...(opts.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i', ports: [{ containerPort: opts.port ?? 3000, name: 'http', protocol: 'TCP' }] }] },
  status: {
    phase: (opts.phase ?? 'Running') as 'Running',
    hostIP: '127.0.0.1',
    ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
    conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
  },
});

describe('desiredSubsets', () => {
  it('given ready and unready pods, lists each pod IP with the target port, one subset per port set, sorted', () => {
    const named = svc({ ports: [{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }] });
    const subsets = desiredSubsets(named, [pod('b', '10.244.2.7', { port: 8080 }), pod('a', '10.244.1.5'), pod('c', '10.244.1.6', { ready: false })]);
    expect(subsets).toEqual([
      {
        addresses: [{ ip: '10.244.1.5', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }],
        notReadyAddresses: [{ ip: '10.244.1.6', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'c', uid: 'uid-c' } }],
        ports: [{ name: 'web', port: 3000, protocol: 'TCP' }],
      },
      { addresses: [{ ip: '10.244.2.7', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } }], ports: [{ name: 'web', port: 8080, protocol: 'TCP' }] },
    ]);
  });

  it('takes a numeric targetPort as it is, declared or not, and the service port when there is no targetPort', () => {
    expect(desiredSubsets(svc({ ports: [{ port: 80, targetPort: 9090, protocol: 'TCP' }] }), [pod('a', '10.244.1.5')])[0]!.ports).toEqual([{ port: 9090, protocol: 'TCP' }]);
    expect(desiredSubsets(svc({ ports: [{ port: 3000, protocol: 'TCP' }] }), [pod('a', '10.244.1.5')])[0]!.ports).toEqual([{ port: 3000, protocol: 'TCP' }]);
  });

  it('leaves out unselected, terminating, finished pods, pods without a pod IP and pods without the named port', () => {
    const s = desiredSubsets(svc(), [pod('a', '10.244.1.1', { labels: { app: 'other' } }), pod('b', '10.244.1.2', { deleting: true }), pod('c', '10.244.1.3', { phase: 'Succeeded' }), pod('d', undefined)]);
    expect(s).toEqual([]);
    expect(desiredSubsets(svc({ ports: [{ port: 80, targetPort: 'metrics', protocol: 'TCP' }] }), [pod('a', '10.244.1.5')])).toEqual([]);
  });

  it('property: every address is the pod IP of a selected, live pod, listed once', () => {
    const arb = fc.array(fc.record({ ip: fc.option(fc.integer({ min: 1, max: 9 }).map((i) => `10.244.1.${i}`), { nil: undefined }), ready: fc.boolean(), app: fc.constantFrom('web', 'other'), deleting: fc.boolean(), phase: fc.constantFrom('Running', 'Pending', 'Failed') }), { maxLength: 8 });
    fc.assert(
      fc.property(arb, (specs) => {
        const pods = specs.map((p, i) => pod(`p${i}`, p.ip, { ready: p.ready, labels: { app: p.app }, deleting: p.deleting, phase: p.phase }));
        const listed = desiredSubsets(svc(), pods).flatMap((s) => [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])]);
        expect(new Set(listed.map((a) => a.targetRef?.name)).size).toBe(listed.length);
        for (const a of listed) {
          const p = pods.find((x) => x.metadata.name === a.targetRef?.name)!;
          expect(a.ip).toBe(p.status?.podIP);
          expect(p.metadata.labels?.app).toBe('web');
          expect(p.metadata.deletionTimestamp).toBeUndefined();
          expect(p.status?.phase).not.toBe('Failed');
        }
      }),
    );
  });
});

describe('planEndpoints', () => {
  it('creates managed Endpoints for a new Service', () => {
    const p = planEndpoints(svc(), undefined, [pod('a', '10.244.1.5')], fresh);
    expect(p.action).toBe('create');
    if (p.action !== 'create') return;
    expect(p.endpoints.metadata).toMatchObject({ name: 'web', namespace: 'default', uid: 'u-1', labels: { app: 'web' }, annotations: { [MANAGED_BY]: CONTROLLER } });
    expect(p.endpoints.subsets).toHaveLength(1);
    expect(p.reason).toBe('1 ready, 0 not ready');
  });

  it('writes nothing when nothing changed, and updates when a pod turns unready', () => {
    const first = planEndpoints(svc(), undefined, [pod('a', '10.244.1.5')], fresh);
    if (first.action !== 'create') throw new Error('expected create');
    expect(planEndpoints(svc(), first.endpoints, [pod('a', '10.244.1.5')], fresh).action).toBe('none');
    const next = planEndpoints(svc(), first.endpoints, [pod('a', '10.244.1.5', { ready: false })], fresh);
    expect(next.action).toBe('update');
    if (next.action === 'update') expect(next.endpoints.subsets![0]!.notReadyAddresses).toHaveLength(1);
  });

  it('writes nothing when the stored Endpoints hold the same labels and subsets with keys in another order', () => {
    const labelled = { ...svc(), metadata: { ...svc().metadata, labels: { app: 'web', tier: 'front' } } };
    const first = planEndpoints(labelled, undefined, [pod('a', '10.244.1.5')], fresh);
    if (first.action !== 'create') throw new Error('expected create');
    const reversed = (v: unknown): unknown => (Array.isArray(v) ? v.map(reversed) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : v);
    const stored = JSON.parse(JSON.stringify(reversed(first.endpoints))) as Stored<Endpoints>;
    expect(planEndpoints(labelled, stored, [pod('a', '10.244.1.5')], fresh).action).toBe('none');
  });

  it('never touches the Endpoints of a Service without a selector', () => {
    const hand: Stored<Endpoints> = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] };
    expect(planEndpoints(svc({ selector: undefined }), hand, [pod('a', '10.244.1.5')], fresh)).toEqual({ action: 'none' });
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
    const p = pod('a', '10.244.1.5');
    const change: Change = { seq: 2, type: 'MODIFIED', event: { seq: 2, subject: 's', type: 'PodStatusUpdated', data: p, metadata: meta }, object: p, previous: { ...p, metadata: { ...p.metadata, labels: { app: 'web' } } } };
    expect(endpointsWatch(change, state)).toEqual(['Service/default/web']);
    const other = pod('b', '10.244.1.6', { labels: { app: 'x' } });
    expect(endpointsWatch({ ...change, object: other, previous: undefined }, state)).toEqual([]);
  });
});
