import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cidrsOverlap, type Node, nodeCidrRange, parseIpv4Cidr, type Stored, subnetIndex } from '@wharf/model';
import { type Claim, markedNoCIDR, NETWORK_UNAVAILABLE, NO_CIDR_AVAILABLE, planNodeIpam, withNoCIDR, withPodCIDR } from './plan.js';

const range = nodeCidrRange('10.244.0.0/16', 24);
const tiny = nodeCidrRange('10.244.0.0/23', 24);
const node = (name: string, spec: Node['spec'] = {}, extra: Partial<Stored<Node>['metadata']> = {}): Stored<Node> => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, resourceVersion: '3', ...extra },
  spec,
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
});
const claim = (subnet: string, n: string, revision = 1): Claim => ({ subnet, node: n, revision });
const first = (it: Iterable<string> | undefined, n = 3) => [...(it ?? [])].slice(0, n);

describe('planNodeIpam', () => {
  it('given a new node and no claims, offers the lowest subnets first', () => {
    const p = planNodeIpam({ name: 'n1', node: node('n1'), range, claims: [], held: new Set() });
    expect(p.release).toEqual([]);
    expect(first(p.candidates)).toEqual(['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24']);
  });

  it('given claims and pod CIDRs of other nodes, offers neither and the holes first', () => {
    const claims = [claim('10.244.0.0/24', 'a'), claim('10.244.2.0/24', 'b')];
    const p = planNodeIpam({ name: 'n1', node: node('n1'), range, claims, held: new Set(['10.244.1.0/24']) });
    expect(first(p.candidates)).toEqual(['10.244.3.0/24', '10.244.4.0/24', '10.244.5.0/24']);
  });

  it('given a node without a pod CIDR that already has claims (a restart, a race), offers its own lowest claim first', () => {
    const claims = [claim('10.244.7.0/24', 'n1'), claim('10.244.5.0/24', 'n1'), claim('10.244.0.0/24', 'a')];
    const p = planNodeIpam({ name: 'n1', node: node('n1'), range, claims, held: new Set() });
    expect(first(p.candidates, 3)).toEqual(['10.244.5.0/24', '10.244.7.0/24', '10.244.1.0/24']);
    expect(p.release).toEqual([]);
  });

  it('given its own claim on a subnet another Node holds in its spec (set by an admin), does not offer it', () => {
    const p = planNodeIpam({ name: 'n1', node: node('n1'), range, claims: [claim('10.244.5.0/24', 'n1')], held: new Set(['10.244.5.0/24']) });
    expect(first(p.candidates, 1)).toEqual(['10.244.0.0/24']);
  });

  it('given a node that holds its claimed pod CIDR, does nothing', () => {
    const p = planNodeIpam({ name: 'n1', node: node('n1', { podCIDR: '10.244.3.0/24' }), range, claims: [claim('10.244.3.0/24', 'n1')], held: new Set(['10.244.3.0/24']) });
    expect(p).toEqual({ release: [] });
  });

  it('given a node that holds a pod CIDR of the range without a claim, re-claims it; outside the range, leaves it', () => {
    expect(planNodeIpam({ name: 'n1', node: node('n1', { podCIDR: '10.244.3.0/24' }), range, claims: [], held: new Set() })).toEqual({ release: [], reclaim: '10.244.3.0/24' });
    expect(planNodeIpam({ name: 'n1', node: node('n1', { podCIDR: '10.99.3.0/24' }), range, claims: [], held: new Set() })).toEqual({ release: [] });
  });

  it('given a node that holds one subnet and claims another (the loser of a race), frees the other', () => {
    const extra = claim('10.244.4.0/24', 'n1', 9);
    const p = planNodeIpam({ name: 'n1', node: node('n1', { podCIDR: '10.244.3.0/24' }), range, claims: [claim('10.244.3.0/24', 'n1'), extra], held: new Set() });
    expect(p).toEqual({ release: [extra] });
  });

  it('given a node that is gone, frees every claim naming it and offers nothing', () => {
    const mine = [claim('10.244.3.0/24', 'n1'), claim('10.244.4.0/24', 'n1')];
    expect(planNodeIpam({ name: 'n1', node: undefined, range, claims: [...mine, claim('10.244.0.0/24', 'a')], held: new Set() })).toEqual({ release: mine });
  });

  it('given a node being deleted, offers it nothing new', () => {
    expect(planNodeIpam({ name: 'n1', node: node('n1', {}, { deletionTimestamp: '2025-01-01T00:00:00Z' }), range, claims: [], held: new Set() })).toEqual({ release: [] });
  });

  it('given a full range, offers an empty list (exhausted), never a subnet of another node', () => {
    const claims = [claim('10.244.0.0/24', 'a'), claim('10.244.1.0/24', 'b')];
    expect(first(planNodeIpam({ name: 'c', node: node('c'), range: tiny, claims, held: new Set() }).candidates)).toEqual([]);
  });
});

describe('withPodCIDR / withNoCIDR', () => {
  const t = new Date('2025-01-01T10:00:00.123Z');
  it('given an exhausted range, marks the node NetworkUnavailable=True (NoCIDRAvailable) once', () => {
    const marked = withNoCIDR(node('c'), tiny, t)!;
    expect(marked.status?.conditions?.at(-1)).toEqual({ type: NETWORK_UNAVAILABLE, status: 'True', reason: NO_CIDR_AVAILABLE, message: 'no pod CIDR is free in 10.244.0.0/23 in /24s', lastHeartbeatTime: '2025-01-01T10:00:00Z', lastTransitionTime: '2025-01-01T10:00:00Z' });
    expect(marked.spec).toEqual({});
    expect(markedNoCIDR(marked)).toBe(true);
    expect(withNoCIDR(marked, tiny, t)).toBeUndefined();
  });

  it('given a subnet, sets podCIDR and podCIDRs and drops the NoCIDRAvailable mark, keeping the rest', () => {
    const n = withPodCIDR(withNoCIDR(node('c', { taints: [{ key: 'k', effect: 'NoSchedule' }] }), tiny, t)!, '10.244.1.0/24');
    expect(n.spec).toEqual({ taints: [{ key: 'k', effect: 'NoSchedule' }], podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] });
    expect(n.status?.conditions).toEqual([{ type: 'Ready', status: 'True' }]);
  });
});

describe('planNodeIpam over a sequence of nodes (properties)', () => {
  it('gives live nodes distinct subnets of the range, frees those of deleted nodes, and says exhausted only when full', () => {
    const ops = fc.array(fc.oneof(fc.constant('add' as const), fc.nat(30)), { maxLength: 60 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), ops, (bits, steps) => {
        const r = nodeCidrRange('10.244.0.0/24', 24 + bits);
        const nodes = new Map<string, Stored<Node>>();
        let claims: Claim[] = [];
        let next = 0;
        const settle = (name: string) => {
          const n = nodes.get(name);
          const held = new Set([...nodes.values()].flatMap((x) => (x.spec?.podCIDR ? [x.spec.podCIDR] : [])));
          const p = planNodeIpam({ name, node: n, range: r, claims, held });
          claims = claims.filter((c) => !p.release.includes(c));
          if (!n || !p.candidates) return;
          for (const s of p.candidates) {
            if (claims.some((c) => c.subnet === s && c.node !== name)) continue;
            if (!claims.some((c) => c.subnet === s)) claims.push(claim(s, name));
            nodes.set(name, withPodCIDR(n, s));
            return;
          }
          expect(claims.length).toBe(2 ** bits);
        };
        for (const step of steps) {
          if (step === 'add') {
            const name = `n${next++}`;
            nodes.set(name, node(name));
            settle(name);
          } else {
            const live = [...nodes.keys()];
            if (!live.length) continue;
            const gone = live[step % live.length]!;
            nodes.delete(gone);
            settle(gone);
            for (const w of [...nodes.values()].filter((x) => !x.spec?.podCIDR)) settle(w.metadata.name);
          }
          const cidrs = [...nodes.values()].flatMap((x) => (x.spec?.podCIDR ? [x.spec.podCIDR] : []));
          expect(new Set(cidrs).size).toBe(cidrs.length);
          for (const c of cidrs) expect(subnetIndex(r, c)).toBeDefined();
          for (let i = 0; i < cidrs.length; i++) for (let j = i + 1; j < cidrs.length; j++) expect(cidrsOverlap(parseIpv4Cidr(cidrs[i]!), parseIpv4Cidr(cidrs[j]!))).toBe(false);
          expect(claims.every((c) => nodes.get(c.node)?.spec?.podCIDR === c.subnet)).toBe(true);
          // Nobody waits while a subnet is free.
          if ([...nodes.values()].some((x) => !x.spec?.podCIDR)) expect(claims.length).toBe(2 ** bits);
        }
      }),
    );
  });
});
