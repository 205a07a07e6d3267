import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emptyState, evolve, type LoggedEvent, type State } from '@wharf/model';
import { RCODE, resolve, type ZoneAnswer } from './resolve.js';
import { buildZone } from './zone.js';

const meta = { actor: 't', time: '2025-01-01T00:00:00Z' };
type Obj = { kind: string; metadata: { name: string; namespace: string } } & Record<string, unknown>;
/** A state folded from created Services and Endpoints. */
function stateOf(...objs: Obj[]): State {
  const events = objs.map((o, i) => ({ seq: i + 1, subject: `s${i}`, type: `${o.kind}Created`, data: { apiVersion: 'v1', ...o }, metadata: meta }));
  return evolve(emptyState(), events as unknown as LoggedEvent[]).state;
}
const svc = (name: string, ns: string, spec: Record<string, unknown>): Obj => ({ kind: 'Service', metadata: { name, namespace: ns }, spec });
const eps = (name: string, ns: string, subsets: unknown[]): Obj => ({ kind: 'Endpoints', metadata: { name, namespace: ns }, subsets });

const web = svc('web', 'default', { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { port: 81 }] });
const db = svc('db', 'prod', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] });
const dbEps = eps('db', 'prod', [{ addresses: [{ ip: '10.244.1.5', hostname: 'db-0' }, { ip: '10.244.2.7' }], notReadyAddresses: [{ ip: '10.244.3.9' }], ports: [{ name: 'pg', port: 5432 }] }]);
const empty = svc('empty', 'prod', { clusterIP: 'None', ports: [{ port: 1 }] });
const zone = buildZone(stateOf(web, db, dbEps, empty));

const answer = (name: string, type: string): ZoneAnswer => {
  const d = resolve(zone, { name, type });
  if (d.action !== 'answer') throw new Error(`${name} was forwarded`);
  return d;
};
const data = (d: ZoneAnswer) => d.answers.map((a) => ('data' in a ? a.data : undefined));

describe('resolve: a ClusterIP Service', () => {
  it('given web in default with a cluster IP, when asked A for its FQDN, then answers the cluster IP with TTL 5', () => {
    const d = answer('web.default.svc.cluster.local', 'A');
    expect(d.rcode).toBe(RCODE.NOERROR);
    expect(d.answers).toEqual([{ type: 'A', name: 'web.default.svc.cluster.local', ttl: 5, class: 'IN', data: '10.96.0.10' }]);
  });
  it('given the same, when asked with a trailing dot and mixed case, then answers under the name as asked', () => {
    const d = answer('Web.DEFAULT.svc.Cluster.Local.', 'A');
    expect(data(d)).toEqual(['10.96.0.10']);
    expect(d.answers[0]!.name).toBe('Web.DEFAULT.svc.Cluster.Local.');
  });
  it('when asked AAAA, then NOERROR with no answers and the SOA in authority (NODATA)', () => {
    const d = answer('web.default.svc.cluster.local', 'AAAA');
    expect(d.rcode).toBe(RCODE.NOERROR);
    expect(d.answers).toEqual([]);
    expect(d.authorities.map((a) => a.type)).toEqual(['SOA']);
  });
  it('when asked SRV for the named port, then 0 100 80 targeting the Service, its A as additional', () => {
    const d = answer('_http._tcp.web.default.svc.cluster.local', 'SRV');
    expect(data(d)).toEqual([{ priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }]);
    expect(d.additionals).toEqual([{ type: 'A', name: 'web.default.svc.cluster.local', ttl: 5, class: 'IN', data: '10.96.0.10' }]);
  });
  it('when asked SRV for a port name it does not have, then NXDOMAIN', () => {
    expect(answer('_grpc._tcp.web.default.svc.cluster.local', 'SRV').rcode).toBe(RCODE.NXDOMAIN);
  });
});

describe('resolve: a headless Service', () => {
  it('given db with two ready and one unready endpoint, when asked A, then answers the ready addresses only', () => {
    expect(data(answer('db.prod.svc.cluster.local', 'A'))).toEqual(['10.244.1.5', '10.244.2.7']);
  });
  it('when asked A of an endpoint by hostname or dashed IP, then answers that address', () => {
    expect(data(answer('db-0.db.prod.svc.cluster.local', 'A'))).toEqual(['10.244.1.5']);
    expect(data(answer('10-244-2-7.db.prod.svc.cluster.local', 'A'))).toEqual(['10.244.2.7']);
  });
  it('when asked SRV for the named port, then one record per ready endpoint targeting its name', () => {
    const d = answer('_pg._tcp.db.prod.svc.cluster.local', 'SRV');
    expect(data(d)).toEqual([
      { priority: 0, weight: 50, port: 5432, target: 'db-0.db.prod.svc.cluster.local' },
      { priority: 0, weight: 50, port: 5432, target: '10-244-2-7.db.prod.svc.cluster.local' },
    ]);
    expect(d.additionals.map((a) => [a.name, 'data' in a ? a.data : undefined])).toEqual([
      ['db-0.db.prod.svc.cluster.local', '10.244.1.5'],
      ['10-244-2-7.db.prod.svc.cluster.local', '10.244.2.7'],
    ]);
  });
  it('given a headless Service without ready endpoints, when asked A, then NXDOMAIN (as CoreDNS)', () => {
    expect(answer('empty.prod.svc.cluster.local', 'A').rcode).toBe(RCODE.NXDOMAIN);
  });
});

describe('resolve: names that do not hold records', () => {
  it('when asked for an unknown Service, then NXDOMAIN with the SOA in authority', () => {
    const d = answer('nope.default.svc.cluster.local', 'A');
    expect(d.rcode).toBe(RCODE.NXDOMAIN);
    expect(d.authorities).toMatchObject([{ type: 'SOA', name: 'cluster.local', data: { mname: 'ns.dns.cluster.local', minimum: 5 } }]);
  });
  it('when asked for a namespace, svc or the domain itself, then NODATA (they exist)', () => {
    for (const n of ['prod.svc.cluster.local', 'svc.cluster.local', 'cluster.local']) {
      const d = answer(n, 'A');
      expect([n, d.rcode, d.answers]).toEqual([n, RCODE.NOERROR, []]);
    }
  });
  it('when asked SOA of the domain, then answers it', () => {
    expect(answer('cluster.local', 'SOA').answers.map((a) => a.type)).toEqual(['SOA']);
  });
  it('when asked a name under a namespace without Services, then NXDOMAIN', () => {
    expect(answer('web.other.svc.cluster.local', 'A').rcode).toBe(RCODE.NXDOMAIN);
    expect(answer('other.svc.cluster.local', 'A').rcode).toBe(RCODE.NXDOMAIN);
  });
  it('when asked a short name or an outside name, then forwards (the search list is the client\'s job)', () => {
    expect(resolve(zone, { name: 'web', type: 'A' })).toEqual({ action: 'forward' });
    expect(resolve(zone, { name: 'web.default', type: 'A' })).toEqual({ action: 'forward' });
    expect(resolve(zone, { name: 'example.org', type: 'A' })).toEqual({ action: 'forward' });
    expect(resolve(zone, { name: 'notcluster.local', type: 'A' })).toEqual({ action: 'forward' });
  });
  it('given another cluster domain, when asked under cluster.local, then forwards', () => {
    const z = buildZone(stateOf(web), 'corp.example');
    expect(resolve(z, { name: 'web.default.svc.cluster.local', type: 'A' })).toEqual({ action: 'forward' });
    expect(resolve(z, { name: 'web.default.svc.corp.example', type: 'A' })).toMatchObject({ action: 'answer', answers: [{ data: '10.96.0.10' }] });
  });
});

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const flipCase = (s: string, mask: boolean[]) => [...s].map((c, i) => (mask[i % mask.length] ? c.toUpperCase() : c)).join('');

describe('resolve: properties', () => {
  it('any name whose last labels are not the cluster domain is forwarded', () => {
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 5 }), (labels) => {
        fc.pre(!(labels.length >= 2 && labels.at(-1) === 'local' && labels.at(-2) === 'cluster'));
        expect(resolve(zone, { name: labels.join('.'), type: 'A' })).toEqual({ action: 'forward' });
      }),
    );
  });
  it('names are case-insensitive: any case of a name gets the same rcode and data', () => {
    const names = ['web.default.svc.cluster.local', '_http._tcp.web.default.svc.cluster.local', 'db.prod.svc.cluster.local', 'db-0.db.prod.svc.cluster.local', 'nope.default.svc.cluster.local', 'example.org'];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.constantFrom('A', 'AAAA', 'SRV'), fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), (name, type, mask) => {
        const plain = resolve(zone, { name, type });
        const mixed = resolve(zone, { name: flipCase(name, mask), type });
        if (plain.action === 'forward') expect(mixed).toEqual(plain);
        else expect(mixed).toMatchObject({ rcode: plain.rcode, answers: plain.answers.map((a) => ({ data: 'data' in a ? a.data : undefined })) });
      }),
    );
  });
  it('every Service with a cluster IP answers it by its FQDN, in its own namespace only', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(label, label, fc.integer({ min: 1, max: 254 })), { selector: ([n, ns]) => `${n}.${ns}`, maxLength: 8 }), (svcs) => {
        const z = buildZone(stateOf(...svcs.map(([n, ns, i]) => svc(n, ns, { clusterIP: `10.96.0.${i}`, ports: [{ port: 80 }] }))));
        for (const [n, ns, i] of svcs) {
          expect(resolve(z, { name: `${n}.${ns}.svc.cluster.local`, type: 'A' })).toMatchObject({ rcode: RCODE.NOERROR, answers: [{ data: `10.96.0.${i}` }] });
        }
      }),
    );
  });
});
