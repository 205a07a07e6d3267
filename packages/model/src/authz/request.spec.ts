import { describe, expect, it } from 'vitest';
import { requestAttributes } from './request.js';

const attrs = (method: string, path: string, query = {}) => {
  const a = requestAttributes(method, path, query);
  return a.resourceRequest ? `${a.verb} ${a.apiGroup}/${a.resource}${a.subresource ? '/' + a.subresource : ''} ns=${a.namespace} name=${a.name}` : `${a.verb} path ${a.path}`;
};

describe('request attributes, as kube-apiserver derives them', () => {
  it.each([
    ['GET', '/api/v1/namespaces/default/pods', {}, 'list /pods ns=default name='],
    ['GET', '/api/v1/namespaces/default/pods', { watch: 'true' }, 'watch /pods ns=default name='],
    ['GET', '/api/v1/namespaces/default/pods', { watch: ['1', 'false'] }, 'list /pods ns=default name='],
    ['GET', '/api/v1/namespaces/default/pods', { watch: '1', fieldSelector: 'metadata.name=web' }, 'watch /pods ns=default name=web'],
    ['GET', '/api/v1/watch/namespaces/default/pods', {}, 'watch /pods ns=default name='],
    ['GET', '/api/v1/namespaces/default/pods/web', {}, 'get /pods ns=default name=web'],
    ['HEAD', '/api/v1/namespaces/default/pods/web', {}, 'get /pods ns=default name=web'],
    ['GET', '/api/v1/namespaces/default/pods/web', { watch: 'true' }, 'watch /pods ns=default name=web'],
    ['GET', '/api/v1/namespaces/default/pods/web/log', {}, 'get /pods/log ns=default name=web'],
    ['POST', '/api/v1/namespaces/default/pods', {}, 'create /pods ns=default name='],
    ['PUT', '/api/v1/namespaces/default/pods/web/status', {}, 'update /pods/status ns=default name=web'],
    ['PATCH', '/api/v1/namespaces/default/replicationcontrollers/rc/scale', {}, 'patch /replicationcontrollers/scale ns=default name=rc'],
    ['DELETE', '/api/v1/namespaces/default/pods', {}, 'deletecollection /pods ns=default name='],
    ['DELETE', '/api/v1/nodes/n1', {}, 'delete /nodes ns= name=n1'],
    ['GET', '/api/v1/pods', {}, 'list /pods ns= name='],
    ['GET', '/api/v1/namespaces', {}, 'list /namespaces ns= name='],
    // A namespace is named by its own path, as in Kubernetes: its namespace attribute is itself.
    ['GET', '/api/v1/namespaces/kube-system', {}, 'get /namespaces ns=kube-system name=kube-system'],
    ['PUT', '/api/v1/namespaces/kube-system/status', {}, 'update /namespaces/status ns=kube-system name=kube-system'],
    ['POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {}, 'create authorization.k8s.io/selfsubjectaccessreviews ns= name='],
    ['DELETE', '/apis/wharf.io/v1/tokens/abc', {}, 'delete wharf.io/tokens ns= name=abc'],
    ['GET', '/api/v1/namespaces/a%2Fb/pods', {}, 'get /b ns=a name=pods'],
  ])('%s %s %o is %s', (method, path, query, expected) => {
    expect(attrs(method, path, query)).toBe(expected);
  });

  it.each([
    ['GET', '/version', 'get path /version'],
    ['GET', '/api', 'get path /api'],
    ['GET', '/api/v1', 'get path /api/v1'],
    ['GET', '/apis/authorization.k8s.io/v1', 'get path /apis/authorization.k8s.io/v1'],
    ['GET', '/openapi/v3', 'get path /openapi/v3'],
    ['POST', '/wharf/v1/snapshots', 'post path /wharf/v1/snapshots'],
    ['HEAD', '/healthz', 'get path /healthz'],
  ])('%s %s is the non-resource request %s', (method, path, expected) => {
    expect(attrs(method, path)).toBe(expected);
  });

  it('refuses paths whose names would decode differently in the handlers, and bad encodings', () => {
    expect(() => requestAttributes('GET', '/api/v1/namespaces/%2561/pods')).toThrow(/escaped "%"/);
    expect(() => requestAttributes('GET', '/api/v1/namespaces/%E0%A4%A/pods')).toThrow(/not valid URL encoding/);
    expect(() => requestAttributes('GET', '/api/v1/watch')).toThrow(/unable to determine kind/);
  });

  it('takes a field-selected name only from a metadata.name equality', () => {
    expect(requestAttributes('GET', '/api/v1/pods', { fieldSelector: 'spec.nodeName=n1,metadata.name==p' }).name).toBe('p');
    expect(requestAttributes('GET', '/api/v1/pods', { fieldSelector: 'metadata.name!=p' }).name).toBe('');
  });
});
