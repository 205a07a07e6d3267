import { describe, expect, it } from 'vitest';
import { forbiddenError } from './forbidden.js';
import { requestAttributes } from './request.js';

const user = { name: 'alice', groups: [] };
const status = (method: string, path: string, query = {}) => forbiddenError(requestAttributes(method, path, query), user).toStatus();

describe('the 403 of a denied request, as kube-apiserver prints it', () => {
  it('names the collection and the namespace', () => {
    const s = status('GET', '/api/v1/namespaces/default/pods');
    expect(s.message).toBe('pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"');
    expect(s).toMatchObject({ code: 403, reason: 'Forbidden', details: { kind: 'pods' } });
    expect(s.details).not.toHaveProperty('name');
  });

  it('names the object, and the cluster scope', () => {
    const s = status('DELETE', '/api/v1/nodes/n1');
    expect(s.message).toBe('nodes "n1" is forbidden: User "alice" cannot delete resource "nodes" in API group "" at the cluster scope');
    expect(s.details).toEqual({ name: 'n1', kind: 'nodes' });
  });

  it('names the subresource in the reason and the resource in the prefix', () => {
    expect(status('GET', '/api/v1/namespaces/default/pods/p/log').message).toBe('pods "p" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the namespace "default"');
  });

  it('qualifies resources of named groups', () => {
    const s = status('POST', '/apis/wharf.io/v1/tokens');
    expect(s.message).toBe('tokens.wharf.io is forbidden: User "alice" cannot create resource "tokens" in API group "wharf.io" at the cluster scope');
    expect(s.details).toEqual({ group: 'wharf.io', kind: 'tokens' });
  });

  it('names the path of a non-resource request, and escapes HTML', () => {
    expect(status('POST', '/wharf/v1/snapshots').message).toBe('forbidden: User "alice" cannot post path "/wharf/v1/snapshots"');
    expect(status('GET', '/x<b>').message).toBe('forbidden: User "alice" cannot get path "/x&lt;b&gt;"');
  });
});
