/**
 * The route table of /api/v1: for each kind, the URL of its collection (in a namespace and
 * across namespaces), of one object and of each subresource it has, and of the legacy
 * /api/v1/watch paths, each with the verbs it serves. Plain data, so it can be read and tested.
 */
import type { HTTPMethods } from 'fastify';
import type { KindInfo } from '@wharf/model';

/** What a route does: a Kubernetes verb, on the object itself or on a subresource. */
export type Operation =
  | 'list'
  | 'create'
  | 'createAcrossNamespaces'
  | 'deletecollection'
  | 'get'
  | 'update'
  | 'patch'
  | 'delete'
  | 'updateStatus'
  | 'patchStatus'
  | 'getScale'
  | 'updateScale'
  | 'patchScale'
  | 'log'
  | 'watch';

/** One declared route: a method on a URL, and the operation it runs. */
export interface ResourceRoute {
  method: HTTPMethods;
  url: string;
  operation: Operation;
}

/** The methods a URL may be asked for; those a URL does not declare answer 405. */
export const ROUTED_METHODS: readonly HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The path of one object of a kind below a prefix: `/namespaces/:namespace/pods/:name` or `/nodes/:name`. */
export function objectPath(info: KindInfo): string {
  return `${collectionPath(info)}/:name`;
}

function collectionPath(info: KindInfo): string {
  return info.namespaced ? `/namespaces/:namespace/${info.resource}` : `/${info.resource}`;
}

/** Every route of one kind under /api/v1. */
export function resourceRoutes(info: KindInfo): ResourceRoute[] {
  const collection = `/api/v1${collectionPath(info)}`;
  const object = `/api/v1${objectPath(info)}`;
  const has = (sub: string) => info.subresources.includes(sub);
  const routes: ResourceRoute[] = [
    { method: 'GET', url: collection, operation: 'list' },
    { method: 'POST', url: collection, operation: 'create' },
    { method: 'DELETE', url: collection, operation: 'deletecollection' },
    { method: 'GET', url: object, operation: 'get' },
    { method: 'PUT', url: object, operation: 'update' },
    { method: 'PATCH', url: object, operation: 'patch' },
    { method: 'DELETE', url: object, operation: 'delete' },
    { method: 'GET', url: `/api/v1/watch${collectionPath(info)}`, operation: 'watch' },
    { method: 'GET', url: `/api/v1/watch${objectPath(info)}`, operation: 'watch' },
  ];
  if (info.namespaced) {
    const all = `/api/v1/${info.resource}`;
    routes.push(
      { method: 'GET', url: all, operation: 'list' },
      { method: 'POST', url: all, operation: 'createAcrossNamespaces' },
      { method: 'DELETE', url: all, operation: 'deletecollection' },
      { method: 'GET', url: `/api/v1/watch/${info.resource}`, operation: 'watch' },
    );
  }
  if (has('status')) {
    routes.push(
      { method: 'GET', url: `${object}/status`, operation: 'get' },
      { method: 'PUT', url: `${object}/status`, operation: 'updateStatus' },
      { method: 'PATCH', url: `${object}/status`, operation: 'patchStatus' },
    );
  }
  if (has('scale')) {
    routes.push(
      { method: 'GET', url: `${object}/scale`, operation: 'getScale' },
      { method: 'PUT', url: `${object}/scale`, operation: 'updateScale' },
      { method: 'PATCH', url: `${object}/scale`, operation: 'patchScale' },
    );
  }
  if (has('log')) routes.push({ method: 'GET', url: `${object}/log`, operation: 'log' });
  // pods/binding is in discovery but has no route: the scheduler binds through the log, not the API.
  return routes;
}

/** For each URL of `routes`, the methods of ROUTED_METHODS it does not serve, in table order. */
export function unservedMethods(routes: readonly ResourceRoute[]): { url: string; methods: HTTPMethods[] }[] {
  const served = new Map<string, Set<HTTPMethods>>();
  for (const r of routes) served.set(r.url, (served.get(r.url) ?? new Set()).add(r.method));
  return [...served].map(([url, methods]) => ({ url, methods: ROUTED_METHODS.filter((m) => !methods.has(m)) })).filter((u) => u.methods.length > 0);
}
