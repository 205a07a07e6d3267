import { describe, expect, it } from 'vitest';
import { authorize, BOOTSTRAPPERS_GROUP, identityOf, type RoleBinding } from './authorize.js';
import { forbiddenError } from './forbidden.js';
import { requestAttributes } from './request.js';
import { bootstrapUser, TOKEN_PATTERN, tokenIdOf } from './tokens.js';

// A bootstrap token's identity, as the API builds it, and one stored binding that must not leak to it.
const bootstrapper = identityOf(bootstrapUser('abcdef'), [BOOTSTRAPPERS_GROUP]);
const stored: RoleBinding[] = [{ name: 'token-x', role: 'view', subjects: [{ kind: 'User', name: 'alice' }] }];
const decide = (method: string, path: string, query = {}) => authorize(requestAttributes(method, path, query), bootstrapper, stored);

describe('a bootstrap token may only join', () => {
  it('is user system:bootstrap:<id> in system:bootstrappers, and not in system:authenticated', () => {
    expect(bootstrapper).toEqual({ name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'] });
    expect(identityOf('alice', ['devs']).groups).toEqual(['devs', 'system:authenticated']);
  });

  it('given the built-in binding, when it creates a nodejoin, then system:node-bootstrapper allows it', () => {
    const d = decide('POST', '/apis/bootstrap.wharf.io/v1/nodejoins');
    expect(d).toEqual({ allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:node-bootstrapper" of ClusterRole "system:node-bootstrapper" to Group "system:bootstrappers"' });
  });

  it('is denied everything else: other verbs on nodejoins, pods, nodes, tokens, discovery, can-i', () => {
    const denied: [string, string][] = [
      ['GET', '/apis/bootstrap.wharf.io/v1/nodejoins'],
      ['DELETE', '/apis/bootstrap.wharf.io/v1/nodejoins/n1'],
      ['POST', '/apis/wharf.io/v1/nodejoins'],
      ['GET', '/api/v1/namespaces/default/pods/p'],
      ['GET', '/api/v1/nodes'],
      ['POST', '/api/v1/nodes'],
      ['PATCH', '/api/v1/nodes/n1/status'],
      ['POST', '/apis/wharf.io/v1/tokens'],
      ['GET', '/apis/wharf.io/v1/tokens'],
      ['GET', '/version'],
      ['GET', '/api'],
      ['POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'],
    ];
    for (const [method, path] of denied) expect(decide(method, path).allowed, `${method} ${path}`).toBe(false);
  });

  it('gets kube-apiserver\'s 403 wording', () => {
    const a = requestAttributes('GET', '/api/v1/nodes');
    expect(forbiddenError(a, bootstrapper).toStatus().message).toBe('nodes is forbidden: User "system:bootstrap:abcdef" cannot list resource "nodes" in API group "" at the cluster scope');
  });

  it('a bound role still counts: an admin may bind a bootstrapper (kubeadm\'s extra groups)', () => {
    const bound: RoleBinding[] = [{ name: 'b', role: 'view', subjects: [{ kind: 'Group', name: BOOTSTRAPPERS_GROUP }] }];
    expect(authorize(requestAttributes('GET', '/api/v1/namespaces/default/pods'), bootstrapper, bound).allowed).toBe(true);
  });
});

describe('token form', () => {
  it('is kubeadm\'s <6>.<16> of [a-z0-9]; the id is the part before the dot', () => {
    expect(TOKEN_PATTERN.test('abcdef.0123456789abcdef')).toBe(true);
    for (const bad of ['ABCDEF.0123456789abcdef', 'abcde.0123456789abcdef', 'abcdef.0123456789abcde', 'abcdef0123456789abcdef']) expect(TOKEN_PATTERN.test(bad), bad).toBe(false);
    expect(tokenIdOf('abcdef.0123456789abcdef')).toBe('abcdef');
    expect(tokenIdOf('3f2a9c01b7de')).toBe('3f2a9c01b7de');
    expect(tokenIdOf('abcdef')).toBe('abcdef');
  });
});
