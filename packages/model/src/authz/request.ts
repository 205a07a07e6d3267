/**
 * Request attributes from an HTTP request, as kube-apiserver's RequestInfoFactory derives them:
 * the verb from the method (GET on a collection is list, or watch with ?watch; DELETE on a
 * collection is deletecollection), and group, version, namespace, resource, name and subresource
 * from the path. Only method, path and query are read, so it holds however routes are declared.
 */
import { BadRequestError } from '../errors.js';
import type { Attributes } from './authorize.js';

/** A parsed query string: one value, or several when the key repeats. */
export type QueryValues = Record<string, string | string[] | undefined>;

const METHOD_VERBS: Record<string, string> = { GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
// Subresources of a namespace: /api/v1/namespaces/{name}/status is the namespace's, not a resource "status".
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

const last = (v: string | string[] | undefined) => (Array.isArray(v) ? v[v.length - 1] : v);
// As the API's handlers read ?watch (http/query.ts bool): "true", "1" or present without a value.
const truthy = (v: string | undefined) => v === 'true' || v === '1' || v === '';

/** The name a field selector pins with `metadata.name=` (or `==`), as Kubernetes takes it for list and watch. */
function selectedName(fieldSelector: string | undefined): string {
  for (const term of (fieldSelector ?? '').split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (m && m[1] && !/[/%]/.test(m[1]) && m[1] !== '.' && m[1] !== '..') return m[1];
  }
  return '';
}

function decodePath(path: string): string {
  if (!path.includes('%')) return path; // the common case, and decoding costs more than the rest
  try {
    return decodeURIComponent(path);
  } catch {
    throw new BadRequestError(`the request path is not valid URL encoding: ${JSON.stringify(path.slice(0, 200))}`);
  }
}

/** The request attributes of `method path?query` (the path without its query string). */
export function requestAttributes(method: string, path: string, query: QueryValues = {}): Attributes {
  const decoded = decodePath(path);
  const a: Attributes = { verb: method === 'HEAD' ? 'get' : method.toLowerCase(), resourceRequest: false, path: decoded, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' };
  const parts = decoded.split('/').filter((p) => p !== '');
  const grouped = parts[0] === 'apis';
  if ((parts[0] !== 'api' && !grouped) || parts.length < (grouped ? 4 : 3)) return a;
  // The API decodes path segments once more (http/path.ts); a "%" left after one decoding would
  // make this check and the handler see different names, and no Kubernetes name holds one.
  if (decoded !== path && decoded.includes('%')) throw new BadRequestError('the request path contains an escaped "%"');
  let i = 1;
  if (grouped) a.apiGroup = parts[i++]!;
  a.apiVersion = parts[i++]!;
  a.resourceRequest = true;
  a.verb = METHOD_VERBS[method] ?? '';
  if (parts[i] === 'watch') {
    if (parts.length < i + 2) throw new BadRequestError(`unable to determine kind and namespace from url ${decoded}`);
    a.verb = 'watch';
    i++;
  }
  if (parts[i] === 'namespaces' && parts.length > i + 1) {
    a.namespace = parts[i + 1]!;
    if (parts.length > i + 2 && !NAMESPACE_SUBRESOURCES.has(parts[i + 2]!)) i += 2;
  }
  a.resource = parts[i] ?? '';
  a.name = parts[i + 1] ?? '';
  a.subresource = parts[i + 2] ?? '';
  const watch = truthy(last(query.watch));
  if (a.verb === 'get' && a.name === '') {
    a.verb = watch ? 'watch' : 'list';
    a.name = selectedName(last(query.fieldSelector));
  } else if (a.verb === 'get' && watch) {
    a.verb = 'watch'; // Wharf serves .../{name}?watch=true as a watch of that object
  }
  if (a.verb === 'delete' && a.name === '') a.verb = 'deletecollection';
  return a;
}
