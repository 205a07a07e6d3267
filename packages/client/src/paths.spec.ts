import { describe, expect, it } from 'vitest';
import { WharfError } from '@wharf/model';
import { errorFromResponse, UnknownKindError } from './errors.js';
import { kindOf, queryString, resourcePath } from './paths.js';

describe('resourcePath', () => {
  it('puts namespaced kinds under their namespace, default "default"', () => {
    expect(resourcePath(kindOf('po'), { namespace: 'prod', name: 'web' })).toBe('/api/v1/namespaces/prod/pods/web');
    expect(resourcePath(kindOf('Service'))).toBe('/api/v1/namespaces/default/services');
    expect(resourcePath(kindOf('rc'), { namespace: 'a', name: 'x', subresource: 'scale' })).toBe('/api/v1/namespaces/a/replicationcontrollers/x/scale');
  });
  it('lists across namespaces at the cluster path', () => {
    expect(resourcePath(kindOf('pods'), { allNamespaces: true, namespace: 'ignored' })).toBe('/api/v1/pods');
  });
  it('ignores the namespace of cluster-scoped kinds', () => {
    expect(resourcePath(kindOf('no'), { namespace: 'x', name: 'n1' })).toBe('/api/v1/nodes/n1');
    expect(resourcePath(kindOf('ns'))).toBe('/api/v1/namespaces');
  });
  it('encodes names', () => expect(resourcePath(kindOf('pod'), { name: 'a/b' })).toBe('/api/v1/namespaces/default/pods/a%2Fb'));
  it('rejects unknown kinds the way kubectl words it', () => {
    expect(() => kindOf('foo')).toThrow(UnknownKindError);
    expect(() => kindOf('foo')).toThrow(`the server doesn't have a resource type "foo"`);
  });
});

describe('queryString', () => {
  it('keeps only defined, non-empty values', () => {
    expect(queryString({ labelSelector: 'app=a,tier!=db', fieldSelector: undefined, at: '', watch: true })).toBe('?labelSelector=app%3Da%2Ctier%21%3Ddb&watch=true');
    expect(queryString({})).toBe('');
  });
});

describe('errorFromResponse', () => {
  it('rebuilds a WharfError from a Status body', () => {
    const e = errorFromResponse(404, JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'pods "x" not found', details: { name: 'x', kind: 'pods' } }));
    expect(e).toBeInstanceOf(WharfError);
    expect([e.reason, e.code, e.message, e.details?.name]).toEqual(['NotFound', 404, 'pods "x" not found', 'x']);
  });
  it('names the reason from the HTTP code when the body is not a Status', () => {
    const e = errorFromResponse(404, '404 page not found');
    expect([e.reason, e.message]).toEqual(['NotFound', 'the server could not find the requested resource']);
    expect(errorFromResponse(502, 'bad gateway').reason).toBe('Unknown');
  });
});
