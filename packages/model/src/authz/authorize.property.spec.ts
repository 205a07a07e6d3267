import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Attributes, authorize, AUTHENTICATED_GROUP, MASTERS_GROUP, type RoleBinding } from './authorize.js';
import { privilegedPodAttributes } from './podsecurity.js';
import { READ_VERBS, TOKEN_ROLES, WRITE_VERBS } from './roles.js';

const VERBS = [...READ_VERBS, ...WRITE_VERBS, 'use', 'escalate'];
const RESOURCES = ['pods', 'pods/status', 'pods/log', 'pods/binding', 'services', 'endpoints', 'replicationcontrollers', 'replicationcontrollers/scale', 'events', 'nodes', 'nodes/status', 'namespaces', 'tokens', 'bindings', 'podsecuritypolicies'];
const NAMESPACES = ['', 'default', 'team-a', 'kube-system'];
const PATHS = ['/version', '/api', '/api/v1', '/apis', '/healthz', '/openapi/v3', '/wharf/v1/audit', '/wharf/v1/snapshots', '/metrics', '/logs'];

const resourceAttrs: fc.Arbitrary<Attributes> = fc.record({
  verb: fc.constantFrom(...VERBS),
  group: fc.constantFrom('', '', 'wharf.io', 'policy', 'authorization.k8s.io'),
  resource: fc.constantFrom(...RESOURCES),
  namespace: fc.constantFrom(...NAMESPACES),
  name: fc.constantFrom('', 'a', 'privileged'),
}).map(({ verb, group, resource, namespace, name }) => {
  const [res, sub = ''] = resource.split('/');
  return { verb, resourceRequest: true, path: '', apiGroup: group, apiVersion: 'v1', resource: res!, subresource: sub, namespace, name };
});
const nonResourceAttrs: fc.Arbitrary<Attributes> = fc.record({ verb: fc.constantFrom('get', 'post', 'put', 'delete'), path: fc.constantFrom(...PATHS) })
  .map(({ verb, path }) => ({ verb, resourceRequest: false, path, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' }));
const anyAttrs = fc.oneof(resourceAttrs, nonResourceAttrs);

const user = fc.record({ name: fc.constantFrom('alice', 'bob', 'system:node:n1'), groups: fc.subarray(['viewer', 'devs', AUTHENTICATED_GROUP]) });
const binding: fc.Arbitrary<RoleBinding> = fc.record({
  name: fc.constantFrom('b1', 'b2', 'b3'),
  role: fc.constantFrom(...TOKEN_ROLES, 'no-such-role'),
  namespace: fc.constantFrom(undefined, 'default', 'team-a'),
  subjects: fc.array(fc.record({ kind: fc.constantFrom('User' as const, 'Group' as const), name: fc.constantFrom('alice', 'bob', 'viewer', 'devs') }), { minLength: 1, maxLength: 2 }),
});
const isWrite = (v: string) => !(READ_VERBS as readonly string[]).includes(v);
const bindOnly = (role: string, namespace?: string): RoleBinding[] => [{ name: 'x', role, namespace, subjects: [{ kind: 'User', name: 'alice' }] }];
const alice = { name: 'alice', groups: [AUTHENTICATED_GROUP] };

describe('authorize (properties)', () => {
  it('denies every resource request unless a binding allows it', () => {
    fc.assert(fc.property(resourceAttrs, user, (a, u) => {
      const d = authorize(a, u, []);
      // Only the built-in basics remain: asking what one may do.
      expect(d.allowed).toBe(u.groups.includes(AUTHENTICATED_GROUP) && a.verb === 'create' && a.apiGroup === 'authorization.k8s.io' && a.resource === 'selfsubjectaccessreviews');
      if (!d.allowed) expect(d.reason).toBe('');
    }));
  });

  it('view never allows a write, nor anything of tokens, bindings or nodes', () => {
    fc.assert(fc.property(anyAttrs, fc.constantFrom(undefined, 'default'), (a, ns) => {
      const d = authorize(a, { name: 'alice', groups: [] }, bindOnly('view', ns));
      if (a.resourceRequest && (isWrite(a.verb) || ['tokens', 'bindings', 'nodes'].includes(a.resource))) expect(d.allowed).toBe(false);
      if (!a.resourceRequest && a.verb !== 'get') expect(d.allowed).toBe(false);
    }));
  });

  it('edit never touches nodes, tokens, bindings, pods/binding or privileged pod fields, nor writes namespaces', () => {
    fc.assert(fc.property(resourceAttrs, (a) => {
      const d = authorize(a, alice, bindOnly('edit'));
      const forbiddenThing = ['nodes', 'tokens', 'bindings', 'podsecuritypolicies'].includes(a.resource) || a.subresource === 'binding' || (a.resource === 'namespaces' && isWrite(a.verb));
      if (forbiddenThing) expect(d.allowed).toBe(false);
    }));
    expect(authorize(privilegedPodAttributes('default'), alice, bindOnly('edit')).allowed).toBe(false);
    expect(authorize(privilegedPodAttributes('default'), alice, bindOnly('cluster-admin')).allowed).toBe(true);
  });

  it('the node role never creates or deletes pods', () => {
    fc.assert(fc.property(resourceAttrs, (a) => {
      if (a.resource === 'pods' && a.subresource === '' && isWrite(a.verb)) expect(authorize(a, alice, bindOnly('node')).allowed).toBe(false);
    }));
  });

  it('a namespaced binding never allows another namespace, the cluster scope or a non-resource URL', () => {
    fc.assert(fc.property(anyAttrs, user, binding, (a, u, b) => {
      if (b.namespace === undefined || authorize(a, u, []).allowed) return;
      if (authorize(a, u, [b]).allowed) {
        expect(a.resourceRequest).toBe(true);
        expect(a.namespace).toBe(b.namespace);
      }
    }));
  });

  it('more bindings never take a permission away, and a binding to nobody adds none', () => {
    fc.assert(fc.property(anyAttrs, user, fc.array(binding, { maxLength: 3 }), binding, (a, u, bs, extra) => {
      const before = authorize(a, u, bs).allowed;
      if (before) expect(authorize(a, u, [...bs, extra]).allowed).toBe(true);
      const nobody = { ...extra, subjects: [{ kind: 'User' as const, name: 'nobody-else' }] };
      expect(authorize(a, u, [...bs, nobody]).allowed).toBe(before);
    }));
  });

  it('system:masters may do anything; every authenticated user may read discovery', () => {
    fc.assert(fc.property(anyAttrs, (a) => {
      expect(authorize(a, { name: 'admin', groups: [MASTERS_GROUP] }, []).allowed).toBe(true);
    }));
    for (const path of ['/api', '/api/v1', '/apis', '/apis/authorization.k8s.io/v1', '/version', '/openapi/v2']) {
      expect(authorize({ verb: 'get', resourceRequest: false, path, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' }, alice, []).allowed).toBe(true);
    }
  });

  it('says which binding allowed a request', () => {
    const a: Attributes = { verb: 'list', resourceRequest: true, path: '', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', namespace: 'team-a', name: '' };
    expect(authorize(a, alice, [{ name: 'token-1', role: 'view', namespace: 'team-a', subjects: [{ kind: 'User', name: 'alice' }] }]).reason).toBe('RBAC: allowed by RoleBinding "token-1/team-a" of ClusterRole "view" to User "alice"');
    expect(authorize(a, { name: 'x', groups: [MASTERS_GROUP] }, []).reason).toBe('RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"');
    expect(authorize(a, alice, [{ name: 'odd', role: 'view', namespace: '', subjects: [{ kind: 'User', name: 'alice' }] }]).allowed).toBe(false);
  });
});
