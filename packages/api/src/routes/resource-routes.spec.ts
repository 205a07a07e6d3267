import { describe, expect, it } from 'vitest';
import { KINDS, mustKind } from '@wharf/model';
import { objectPath, resourceRoutes, ROUTED_METHODS, unservedMethods } from './resource-routes.js';

const table = (kind: Parameters<typeof mustKind>[0]) => resourceRoutes(mustKind(kind)).map((r) => `${r.method} ${r.url} ${r.operation}`);

describe('resourceRoutes', () => {
  it('gives a cluster-scoped kind its collection, objects, status and watch paths, and no namespaced ones', () => {
    expect(table('Node')).toEqual([
      'GET /api/v1/nodes list',
      'POST /api/v1/nodes create',
      'DELETE /api/v1/nodes deletecollection',
      'GET /api/v1/nodes/:name get',
      'PUT /api/v1/nodes/:name update',
      'PATCH /api/v1/nodes/:name patch',
      'DELETE /api/v1/nodes/:name delete',
      'GET /api/v1/watch/nodes watch',
      'GET /api/v1/watch/nodes/:name watch',
      'GET /api/v1/nodes/:name/status get',
      'PUT /api/v1/nodes/:name/status updateStatus',
      'PATCH /api/v1/nodes/:name/status patchStatus',
    ]);
  });

  it('serves a namespaced kind in a namespace and across namespaces, where creating is refused', () => {
    const endpoints = table('Endpoints');
    expect(endpoints).toContain('GET /api/v1/namespaces/:namespace/endpoints list');
    expect(endpoints).toContain('GET /api/v1/endpoints list');
    expect(endpoints).toContain('POST /api/v1/endpoints createAcrossNamespaces');
    expect(endpoints).toContain('DELETE /api/v1/endpoints deletecollection');
    expect(endpoints).toContain('GET /api/v1/watch/endpoints watch');
    expect(endpoints).toContain('GET /api/v1/watch/namespaces/:namespace/endpoints/:name watch');
    expect(endpoints.filter((r) => r.includes('/api/v1/endpoints/:name'))).toEqual([]);
    expect(endpoints.filter((r) => r.includes('/status'))).toEqual([]);
  });

  it('adds the subresources a kind has: scale on RCs, log (but not binding) on pods', () => {
    expect(table('ReplicationController').filter((r) => r.includes('/scale'))).toEqual([
      'GET /api/v1/namespaces/:namespace/replicationcontrollers/:name/scale getScale',
      'PUT /api/v1/namespaces/:namespace/replicationcontrollers/:name/scale updateScale',
      'PATCH /api/v1/namespaces/:namespace/replicationcontrollers/:name/scale patchScale',
    ]);
    expect(table('Pod').filter((r) => /\/(log|binding|scale)$/.test(r.split(' ')[1]!))).toEqual(['GET /api/v1/namespaces/:namespace/pods/:name/log log']);
  });

  it('declares every method on a URL at most once, across all kinds', () => {
    const all = KINDS.flatMap((k) => resourceRoutes(k)).map((r) => `${r.method} ${r.url}`);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('objectPath', () => {
  it('names one object below any prefix', () => {
    expect(objectPath(mustKind('Pod'))).toBe('/namespaces/:namespace/pods/:name');
    expect(objectPath(mustKind('Namespace'))).toBe('/namespaces/:name');
  });
});

describe('unservedMethods', () => {
  it('lists, per URL, the methods it does not declare', () => {
    const routes = resourceRoutes(mustKind('ReplicationController'));
    const byUrl = Object.fromEntries(unservedMethods(routes).map((u) => [u.url, u.methods]));
    expect(byUrl['/api/v1/namespaces/:namespace/replicationcontrollers']).toEqual(['HEAD', 'PUT', 'PATCH']);
    expect(byUrl['/api/v1/namespaces/:namespace/replicationcontrollers/:name/scale']).toEqual(['HEAD', 'POST', 'DELETE']);
    expect(byUrl['/api/v1/replicationcontrollers']).toEqual(['HEAD', 'PUT', 'PATCH']);
    expect(byUrl['/api/v1/watch/replicationcontrollers']).toEqual(ROUTED_METHODS.filter((m) => m !== 'GET'));
  });

  it('leaves out a URL that serves every method', () => {
    const url = '/x';
    expect(unservedMethods(ROUTED_METHODS.map((method) => ({ method, url, operation: 'get' as const })))).toEqual([]);
  });
});
