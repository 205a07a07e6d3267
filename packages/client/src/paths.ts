/** URL paths and query strings of the Kubernetes-shaped REST API. */
import { kindInfo, type KindInfo, resolveKind } from '@wharf/model/kinds';
import { UnknownKindError } from './errors.js';

/** Where a request points: a namespace (ignored for cluster-scoped kinds), all namespaces, a name, a subresource. */
export interface PathTarget {
  namespace?: string;
  allNamespaces?: boolean;
  name?: string;
  subresource?: string;
}

/** The KindInfo for a Kind ("Pod") or any kubectl alias ("po", "pods"); throws UnknownKindError otherwise. */
export function kindOf(kind: string): KindInfo {
  const info = kindInfo(kind) ?? resolveKind(kind);
  if (!info) throw new UnknownKindError(kind);
  return info;
}

/**
 * `/api/v1/namespaces/{ns}/{resource}[/{name}[/{sub}]]` for namespaced kinds, `/api/v1/{resource}...` for
 * cluster-scoped kinds and for lists across all namespaces. Namespace defaults to "default".
 */
export function resourcePath(info: KindInfo, t: PathTarget = {}): string {
  const enc = encodeURIComponent;
  let p = '/api/v1';
  if (info.namespaced && !(t.allNamespaces && t.name === undefined)) p += `/namespaces/${enc(t.namespace || 'default')}`;
  p += `/${info.resource}`;
  if (t.name !== undefined) p += `/${enc(t.name)}`;
  if (t.subresource) p += `/${t.subresource}`;
  return p;
}

/** A query string (with its leading "?") of the defined, non-empty parameters; "" when there are none. */
export function queryString(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
