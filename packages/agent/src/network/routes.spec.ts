import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cidrsOverlap, type Node, parseIpv4Cidr } from '@wharf/model';
import { desiredRoutes, parseRouteJson, type Route, routeChanges } from './routes.js';

const CLUSTER = '10.244.0.0/16';
const node = (name: string, podCIDR?: string, ip?: string): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
  status: { addresses: [...(ip ? [{ type: 'InternalIP' as const, address: ip }] : []), { type: 'Hostname', address: name }] },
});
const local = new Set(['127.0.0.1', '10.213.0.10']);

describe('desiredRoutes', () => {
  it('given nodes elsewhere, then a route to each pod CIDR via its address from this node\'s gateway', () => {
    const nodes = [node('h0', '10.244.0.0/24', '10.213.0.10'), node('h1', '10.244.1.0/24', '10.213.0.11'), node('h2', '10.244.2.0/24', '10.213.0.12')];
    expect(desiredRoutes({ self: 'h0', nodes, clusterCidr: CLUSTER, localAddresses: local, ownPodCidr: '10.244.0.0/24', src: '10.244.0.1' })).toEqual([
      { dst: '10.244.1.0/24', via: '10.213.0.11', src: '10.244.0.1' },
      { dst: '10.244.2.0/24', via: '10.213.0.12', src: '10.244.0.1' },
    ]);
  });

  it('skips itself, nodes without a pod CIDR or an InternalIP, nodes on this machine, CIDRs outside the cluster CIDR or overlapping its own', () => {
    const nodes = [
      node('self', '10.244.9.0/24', '10.213.0.99'),
      node('no-cidr', undefined, '10.213.0.11'),
      node('no-ip', '10.244.2.0/24'),
      node('same-machine', '10.244.3.0/24', '127.0.0.1'),
      node('outside', '10.1.0.0/24', '10.213.0.14'),
      node('wide', '0.0.0.0/0', '10.213.0.15'),
      node('overlap', '10.244.0.128/25', '10.213.0.16'),
      node('garbage', 'not-a-cidr', '10.213.0.17'),
      node('ipv6', '10.244.5.0/24', 'fd00::1'),
    ];
    expect(desiredRoutes({ self: 'self', nodes, clusterCidr: CLUSTER, localAddresses: local, ownPodCidr: '10.244.0.0/24' })).toEqual([]);
  });

  it('given two nodes claiming one pod CIDR, then the first by name gets the route', () => {
    const nodes = [node('b', '10.244.4.0/24', '10.213.0.12'), node('a', '10.244.4.0/24', '10.213.0.11')];
    expect(desiredRoutes({ self: 'x', nodes, clusterCidr: CLUSTER, localAddresses: local })).toEqual([{ dst: '10.244.4.0/24', via: '10.213.0.11' }]);
  });
});

describe('routeChanges', () => {
  it('given a new node, a moved one and a deleted one, then replace the first two and delete the last; routes outside the cluster CIDR stay', () => {
    const current: Route[] = [
      { dst: '10.244.1.0/24', via: '10.213.0.11', src: '10.244.0.1' },
      { dst: '10.244.2.0/24', via: '10.213.0.12', src: '10.244.0.1' },
      { dst: '10.244.3.0/24', via: '10.213.0.13', src: '10.244.0.1' },
      { dst: '10.50.0.0/24', via: '10.213.0.13' },
    ];
    const desired: Route[] = [
      { dst: '10.244.1.0/24', via: '10.213.0.11', src: '10.244.0.1' },
      { dst: '10.244.2.0/24', via: '10.213.0.22', src: '10.244.0.1' },
      { dst: '10.244.4.0/24', via: '10.213.0.14', src: '10.244.0.1' },
    ];
    expect(routeChanges(current, desired, CLUSTER)).toEqual({ replace: [desired[1], desired[2]], remove: ['10.244.3.0/24'] });
  });
});

describe('parseRouteJson', () => {
  it('given `ip -j -4 route show proto 213`, then the routes, a bare address as a /32', () => {
    const text = JSON.stringify([
      { dst: '10.244.2.0/24', gateway: '10.213.0.12', dev: 'wh0', prefsrc: '10.244.1.1', flags: [] },
      { dst: '10.244.9.9', gateway: '10.213.0.13', dev: 'wh0', flags: [] },
      { dst: '10.244.8.0/24', dev: 'wh0', flags: [] },
    ]);
    expect(parseRouteJson(text)).toEqual([
      { dst: '10.244.2.0/24', via: '10.213.0.12', src: '10.244.1.1' },
      { dst: '10.244.9.9/32', via: '10.213.0.13' },
    ]);
    expect(parseRouteJson('')).toEqual([]);
  });
});

const octet = fc.integer({ min: 0, max: 255 });
const cidrArb = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 7 }), fc.constantFrom(23, 24, 25)).map(([o, p]) => `10.244.${o}.0/${p}`),
  fc.tuple(octet, fc.constantFrom(8, 16, 24)).map(([o, p]) => `10.${o}.0.0/${p}`),
);
const ipArb = fc.oneof(fc.constantFrom('127.0.0.1', '10.213.0.10'), octet.map((o) => `10.213.0.${o}`));
const nodesArb = fc.uniqueArray(fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), cidr: fc.option(cidrArb, { nil: undefined }), ip: fc.option(ipArb, { nil: undefined }) }), { selector: (n) => n.name, maxLength: 6 });
const routeArb = fc.record({ dst: cidrArb, via: ipArb });

describe('host-gw routes: properties', () => {
  it('never routes to itself, to this machine, outside the cluster CIDR or over its own pod CIDR, and one route per destination', () => {
    fc.assert(
      fc.property(nodesArb, fc.option(cidrArb, { nil: undefined }), (ns, own) => {
        const routes = desiredRoutes({ self: 'a', nodes: ns.map((n) => node(n.name, n.cidr, n.ip)), clusterCidr: CLUSTER, localAddresses: local, ownPodCidr: own });
        const all = parseIpv4Cidr(CLUSTER);
        expect(new Set(routes.map((r) => r.dst)).size).toBe(routes.length);
        for (const r of routes) {
          const c = parseIpv4Cidr(r.dst);
          expect(c.prefix >= all.prefix && cidrsOverlap(c, all)).toBe(true);
          expect(local.has(r.via)).toBe(false);
          if (own) expect(cidrsOverlap(c, parseIpv4Cidr(own))).toBe(false);
          const n = ns.find((x) => x.ip === r.via && x.name !== 'a');
          expect(n).toBeDefined();
        }
      }),
    );
  });

  it('applying the changes gives the desired routes inside the cluster CIDR, leaves the others, and a second look changes nothing', () => {
    fc.assert(
      fc.property(fc.array(routeArb, { maxLength: 6 }), nodesArb, (cur, ns) => {
        const current = [...new Map(cur.map((r) => [parseIpv4Cidr(r.dst), r] as const).map(([c, r]) => [`${c.network}/${c.prefix}`, r])).values()];
        const desired = desiredRoutes({ self: 'a', nodes: ns.map((n) => node(n.name, n.cidr, n.ip)), clusterCidr: CLUSTER, localAddresses: local });
        const { replace, remove } = routeChanges(current, desired, CLUSTER);
        const all = parseIpv4Cidr(CLUSTER);
        const inside = (d: string) => parseIpv4Cidr(d).prefix >= all.prefix && cidrsOverlap(parseIpv4Cidr(d), all);
        for (const d of remove) expect(inside(d)).toBe(true);
        for (const r of replace) expect(inside(r.dst)).toBe(true);
        const key = (d: string) => {
          const c = parseIpv4Cidr(d);
          return `${c.network}/${c.prefix}`;
        };
        const after = new Map(current.map((r) => [key(r.dst), r]));
        for (const d of remove) after.delete(key(d));
        for (const r of replace) after.set(key(r.dst), r);
        const afterInside = [...after.values()].filter((r) => inside(r.dst)).map((r) => key(r.dst)).sort();
        expect(afterInside).toEqual(desired.map((r) => key(r.dst)).sort());
        expect([...after.values()].filter((r) => !inside(r.dst))).toEqual(current.filter((r) => !inside(r.dst)));
        expect(routeChanges([...after.values()], desired, CLUSTER)).toEqual({ replace: [], remove: [] });
      }),
    );
  });
});
