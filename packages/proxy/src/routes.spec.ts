import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Endpoints, parseIpv4Cidr, type Service } from '@wharf/model';
import { diffListeners } from './listeners.js';
import { backendsFor, clusterIPsOutside, desiredRoutes, listenerKey, type Route } from './routes.js';

const serviceCidr = parseIpv4Cidr('10.96.0.0/16');
const scope = { nodeAddress: '127.0.0.1', serviceCidr };

describe('diffListeners', () => {
  it('opens the missing listeners and closes the extra ones, by address:port', () => {
    expect(diffListeners(['127.0.0.1:30002', '10.96.0.5:80', '127.0.0.1:30003'], ['127.0.0.1:30003', '10.96.0.6:80'])).toEqual({ open: ['10.96.0.5:80', '127.0.0.1:30002'], close: ['10.96.0.6:80'] });
    expect(diffListeners([], [])).toEqual({ open: [], close: [] });
  });
});

describe('listenerKey', () => {
  it('brackets IPv6 addresses', () => {
    expect(listenerKey('10.96.0.5', 80)).toBe('10.96.0.5:80');
    expect(listenerKey('fd00::5', 80)).toBe('[fd00::5]:80');
  });
});

describe('routes', () => {
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { type: 'NodePort', clusterIP: '10.96.0.20', sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' }, { name: 'admin', port: 81, nodePort: 30081, protocol: 'TCP' }] },
  };
  const ep: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default' },
    subsets: [
      { addresses: [{ ip: '10.244.0.3' }], notReadyAddresses: [{ ip: '10.244.0.9' }], ports: [{ name: 'http', port: 3000 }, { name: 'admin', port: 3001 }] },
      { addresses: [{ ip: '10.244.0.2' }], ports: [{ name: 'http', port: 3000 }] },
    ],
  };
  const cip = (name: string, clusterIP: string | undefined, ports: Service['spec']['ports']): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { ...(clusterIP === undefined ? {} : { clusterIP }), ports } });

  it('takes the ready addresses of the matching port name, sorted', () => {
    expect(backendsFor(svc.spec.ports![0]!, ep).map((b) => b.key)).toEqual(['10.244.0.2:3000', '10.244.0.3:3000']);
    expect(backendsFor(svc.spec.ports![1]!, ep).map((b) => b.key)).toEqual(['10.244.0.3:3001']);
  });

  it('accepts an unnamed single port', () => {
    const one: Endpoints = { ...ep, subsets: [{ addresses: [{ ip: '10.244.0.2' }], ports: [{ port: 3000 }] }] };
    expect(backendsFor({ port: 80 }, one).map((b) => b.key)).toEqual(['10.244.0.2:3000']);
  });

  it('given a NodePort Service with a cluster IP, routes each port on the node address and on the cluster IP, one balancer id per service port', () => {
    const routes = desiredRoutes([svc], () => ep, scope);
    expect([...routes.keys()].sort()).toEqual(['10.96.0.20:80', '10.96.0.20:81', '127.0.0.1:30080', '127.0.0.1:30081']);
    expect(routes.get('127.0.0.1:30080')).toMatchObject({ kind: 'NodePort', address: '127.0.0.1', port: 30080, id: 'default/web:http', affinityMs: 10800_000 });
    expect(routes.get('10.96.0.20:80')).toMatchObject({ kind: 'ClusterIP', address: '10.96.0.20', port: 80, id: 'default/web:http', affinityMs: 10800_000 });
    expect(routes.get('10.96.0.20:80')!.backends).toEqual(routes.get('127.0.0.1:30080')!.backends);
  });

  it('given a ClusterIP Service, routes every TCP port on its cluster IP and no NodePort', () => {
    const s = cip('cart', '10.96.4.7', [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }, { name: 'grpc', port: 9090 }]);
    const routes = desiredRoutes([s], () => undefined, scope);
    expect([...routes.keys()].sort()).toEqual(['10.96.4.7:80', '10.96.4.7:9090']);
    expect(routes.get('10.96.4.7:9090')).toEqual({ kind: 'ClusterIP', address: '10.96.4.7', port: 9090, id: 'shop/cart:grpc', backends: [] });
  });

  it('given headless, unset or foreign cluster IPs, or no service CIDR, routes no cluster IP', () => {
    const ports = [{ port: 80 }];
    const services = [cip('headless', 'None', ports), cip('unset', undefined, ports), cip('empty', '', ports), cip('far', '10.97.0.5', ports), cip('v6', 'fd00::5', ports)];
    expect(desiredRoutes(services, () => undefined, scope).size).toBe(0);
    expect(clusterIPsOutside(services, serviceCidr)).toEqual(['10.97.0.5']);
    expect(desiredRoutes([cip('cart', '10.96.4.7', ports)], () => undefined, { nodeAddress: '127.0.0.1' }).size).toBe(0);
  });

  it('given two Services claiming one cluster IP and port (written by hand), keeps the first', () => {
    const routes = desiredRoutes([cip('a', '10.96.0.9', [{ port: 80 }]), cip('b', '10.96.0.9', [{ port: 80 }, { name: 'x', port: 81 }])], () => undefined, scope);
    expect([...routes.values()].map((r) => `${listenerKey(r.address, r.port)} ${r.id}`)).toEqual(['10.96.0.9:80 shop/a:80', '10.96.0.9:81 shop/b:x']);
  });
});

/** One generated Service: where its cluster IP lies, whether it is a NodePort Service, and its ports. */
interface GenService {
  ip: 'in' | 'shared' | 'None' | '' | 'outside';
  nodePort: boolean;
  ports: { port: number; protocol: 'TCP' | 'UDP' }[];
}
const genService = fc.record({
  ip: fc.constantFrom<GenService['ip']>('in', 'in', 'shared', 'None', '', 'outside'),
  nodePort: fc.boolean(),
  ports: fc.uniqueArray(fc.record({ port: fc.integer({ min: 1, max: 12 }), protocol: fc.constantFrom<'TCP' | 'UDP'>('TCP', 'UDP') }), { selector: (p) => `${p.protocol}/${p.port}`, maxLength: 4 }),
});

/** Services s0, s1, … ; `distinct`: every cluster IP and NodePort its own (as the API hands them out), else `shared` IPs and NodePorts collide. */
function build(gen: GenService[], distinct: boolean): Service[] {
  return gen.map((g, i) => {
    const clusterIP = { in: `10.96.${i >> 8}.${(i & 255) + 2}`, shared: distinct ? `10.96.1.${i + 2}` : '10.96.9.9', None: 'None', '': '', outside: `10.97.0.${i + 1}` }[g.ip];
    const ports = g.ports.map((p, j) => ({ name: `p${j}`, port: p.port, protocol: p.protocol, ...(g.nodePort ? { nodePort: distinct ? 30000 + i * 8 + j : 30000 + j } : {}) }));
    return { apiVersion: 'v1', kind: 'Service', metadata: { name: `s${i}`, namespace: 'default' }, spec: { type: g.nodePort ? 'NodePort' : 'ClusterIP', clusterIP, ports } } as Service;
  });
}

const routesOf = (services: Service[]) => desiredRoutes(services, () => undefined, scope);
const summary = (routes: Map<string, Route>) => new Map([...routes].map(([k, r]) => [k, `${r.kind} ${r.id}`]));

describe('desiredRoutes (properties)', () => {
  it('gives every TCP port of every Service with a cluster IP in the range exactly one listener, and every TCP NodePort one', () => {
    fc.assert(
      fc.property(fc.array(genService, { maxLength: 12 }), (gen) => {
        const services = build(gen, true);
        const want = new Map<string, string>();
        services.forEach((s, i) => {
          for (const p of s.spec.ports ?? []) {
            if (p.protocol !== 'TCP') continue;
            if (p.nodePort) want.set(`127.0.0.1:${p.nodePort}`, `NodePort default/s${i}:${p.name}`);
            if (['in', 'shared'].includes(gen[i]!.ip)) want.set(`${s.spec.clusterIP}:${p.port}`, `ClusterIP default/s${i}:${p.name}`);
          }
        });
        expect(summary(routesOf(services))).toEqual(want);
      }),
    );
  });

  it('never lets two routes share address:port, even when Services collide: the first claimer keeps it', () => {
    fc.assert(
      fc.property(fc.array(genService, { maxLength: 12 }), (gen) => {
        const services = build(gen, false);
        const routes = routesOf(services);
        const first = new Map<string, string>();
        for (const s of services) {
          for (const p of s.spec.ports ?? []) {
            if (p.protocol !== 'TCP') continue;
            const id = `default/${s.metadata.name}:${p.name}`;
            if (p.nodePort && !first.has(`127.0.0.1:${p.nodePort}`)) first.set(`127.0.0.1:${p.nodePort}`, id);
            if (s.spec.clusterIP?.startsWith('10.96.') && !first.has(`${s.spec.clusterIP}:${p.port}`)) first.set(`${s.spec.clusterIP}:${p.port}`, id);
          }
        }
        for (const [key, r] of routes) expect(listenerKey(r.address, r.port)).toBe(key);
        expect(new Map([...routes].map(([k, r]) => [k, r.id]))).toEqual(first);
      }),
    );
  });

  it('removes exactly the listeners of a Service that is removed', () => {
    fc.assert(
      fc.property(fc.array(genService, { minLength: 1, maxLength: 12 }), fc.nat(), (gen, pick) => {
        const services = build(gen, true);
        const gone = services[pick % services.length]!;
        const after = routesOf(services.filter((s) => s !== gone));
        const before = routesOf(services);
        const kept = new Map([...before].filter(([, r]) => !r.id.startsWith(`default/${gone.metadata.name}:`)));
        expect(summary(after)).toEqual(summary(kept));
        expect(diffListeners(after.keys(), before.keys()).close).toEqual([...before].filter(([, r]) => r.id.startsWith(`default/${gone.metadata.name}:`)).map(([k]) => k).sort());
      }),
    );
  });
});
