import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mustKind } from './kinds.js';
import { checkClusterName, decodeToken, encodeToken, Subjects } from './subjects.js';

/** What NATS gives a meaning to inside a subject: the token separator, the wildcards, whitespace. */
const special = /[.*>\s]/;

describe('encodeToken', () => {
  it.each([
    ['a.b', 'a_2eb'],
    ['*', '_2a'],
    ['>', '_3e'],
    ['a b', 'a_20b'],
    ['tab\there', 'tab_09here'],
    ['under_score', 'under_5fscore'],
    ['web-0', 'web-0'],
    ['café', 'caf_e9'],
    ['', ''],
  ])('given %j, encodes it as %j and decodes that back', (name, token) => {
    expect(encodeToken(name)).toBe(token);
    expect(decodeToken(token)).toBe(name);
  });

  it('given names outside Latin-1, encodes each to a token that decodes back to it', () => {
    for (const name of ['€', 'naïve-ü', 'дом', '名前', '😀', 'a\u{10FFFF}b']) {
      const token = encodeToken(name);
      expect(token).not.toMatch(special);
      expect(decodeToken(token)).toBe(name);
    }
  });

  it('given a name above U+00FF, escapes each UTF-16 unit as _uXXXX', () => {
    expect(encodeToken('a€')).toBe('a_u20ac');
    expect(encodeToken('😀')).toBe('_ud83d_ude00');
  });

  it('given two different names, never gives them the same token (a euro sign is not " ac")', () => {
    expect(encodeToken('€')).not.toBe(encodeToken(' ac'));
  });

  it('property: decodeToken reverses encodeToken for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => decodeToken(encodeToken(s)) === s),
      { numRuns: 500 },
    );
  });

  it('property: an encoded token is never empty for a non-empty name and holds no separator, wildcard or whitespace', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), (s) => {
        const t = encodeToken(s);
        return t.length > 0 && !special.test(t) && /^[A-Za-z0-9_-]+$/.test(t);
      }),
      { numRuns: 500 },
    );
  });

  it('property: different names get different tokens', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }), (a, b) => a === b || encodeToken(a) !== encodeToken(b)),
      { numRuns: 500 },
    );
  });

  it('property: a DNS subdomain name is kept as it is apart from its dots', () => {
    const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), (labels) => encodeToken(labels.join('.')) === labels.join('_2e')),
      { numRuns: 200 },
    );
  });
});

describe('checkClusterName', () => {
  it.each(['dev', 'prod-eu-1', '0', 'a'.repeat(40)])('given the DNS label %j, returns it', (name) => {
    expect(checkClusterName(name)).toBe(name);
  });

  it.each(['', 'Dev', 'a_b', 'a.b', '-a', 'a-', 'a b', 'a*', 'a>', 'a'.repeat(41)])('given %j, throws naming the cluster', (name) => {
    expect(() => checkClusterName(name)).toThrow(`invalid cluster name "${name}"`);
  });
});

describe('Subjects', () => {
  const s = new Subjects('prod-eu');

  it('given a cluster name with dashes, names its stream and buckets with underscores in upper or lower case', () => {
    expect(s.prefix).toBe('wharf.prod-eu');
    expect(s.stream).toBe('WHARF_PROD_EU_EVENTS');
    expect(s.logStream).toBe('WHARF_PROD_EU_LOGS');
    expect(s.allObjects).toBe('wharf.prod-eu.obj.>');
    expect([s.heartbeatBucket, s.authBucket, s.snapshotBucket, s.nodeFeedBucket, s.allocBucket, s.nodePortBucket, s.clusterIPBucket, s.podCIDRBucket, s.reconcilerBucket, s.proxyBucket]).toEqual([
      'wharf_PROD_EU_heartbeats',
      'wharf_PROD_EU_auth',
      'wharf_PROD_EU_snapshots',
      'wharf_PROD_EU_nodefeed',
      'wharf_PROD_EU_alloc',
      'wharf_PROD_EU_nodeports',
      'wharf_PROD_EU_clusterips',
      'wharf_PROD_EU_podcidrs',
      'wharf_PROD_EU_reconcilers',
      'wharf_PROD_EU_proxies',
    ]);
  });

  it('given an invalid cluster name, refuses to build the names', () => {
    expect(() => new Subjects('prod.eu')).toThrow(/invalid cluster name/);
  });

  it('given a namespaced object with dots in its name, puts the name in one token', () => {
    expect(s.object(mustKind('Pod'), 'default', 'web.v1.0')).toBe('wharf.prod-eu.obj.pod.default.web_2ev1_2e0');
  });

  it('given a cluster-scoped object, puts "_" where the namespace goes and ignores any namespace passed', () => {
    expect(s.object(mustKind('Node'), 'default', 'node-1.example.com')).toBe('wharf.prod-eu.obj.node._.node-1_2eexample_2ecom');
  });

  it('given a kind with or without a namespace, filters its objects with wildcards', () => {
    expect(s.kind(mustKind('Pod'))).toBe('wharf.prod-eu.obj.pod.*.*');
    expect(s.kind(mustKind('Pod'), 'kube-system')).toBe('wharf.prod-eu.obj.pod.kube-system.*');
    expect(s.kind(mustKind('Node'), 'kube-system')).toBe('wharf.prod-eu.obj.node.*.*');
  });

  it('given a container, names its log subject after its node with each part encoded', () => {
    expect(s.logs('n.1', 'default', 'web.1', 'app')).toBe('wharf.prod-eu.logs.n_2e1.default.web_2e1.app');
    expect(s.logs('*', 'default', 'web', '*')).toBe('wharf.prod-eu.logs.*.default.web.*');
    expect(s.legacyLogs('default', 'web.1', 'app')).toBe('wharf.prod-eu.logs.default.web_2e1.app');
  });

  it('given a node and an operation, names its relay subject, and parses it back', () => {
    expect(s.nodeRelay('n.1', 'put')).toBe('wharf.prod-eu.node.n_2e1.put');
    expect(s.parseNodeRelay(s.nodeRelay('n.1', 'put'))).toEqual({ node: 'n.1', op: 'put' });
    expect(s.parseNodeRelay('wharf.prod-eu.node.n1')).toBeUndefined();
    expect(s.parseNodeRelay('wharf.prod-eu.node.n1.put.x')).toBeUndefined();
    expect(s.parseNodeRelay('wharf.other.node.n1.put')).toBeUndefined();
    expect(s.nodeRelayAll).toBe('wharf.prod-eu.node.*.*');
  });

  it('given an object subject, parses it back into token, namespace and name', () => {
    expect(s.parse(s.object(mustKind('Service'), 'default', 'a.b'))).toEqual({ token: 'svc', namespace: 'default', name: 'a.b' });
    expect(s.parse(s.object(mustKind('Namespace'), undefined, 'team-a'))).toEqual({ token: 'ns', namespace: '', name: 'team-a' });
  });

  it('given a subject that is not one object, parses nothing', () => {
    expect(s.parse(s.logs('n1', 'default', 'web', 'app'))).toBeUndefined();
    expect(s.parse('wharf.prod-eu.obj.pod.default')).toBeUndefined();
    expect(s.parse('wharf.prod-eu.obj.pod.default.a.b')).toBeUndefined();
  });

  it('property: parse reverses object for any namespace and name', () => {
    const pod = mustKind('Pod');
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }), (ns, name) => {
        expect(s.parse(s.object(pod, ns, name))).toEqual({ token: 'pod', namespace: ns, name });
      }),
      { numRuns: 300 },
    );
  });
});
