/** Parses Kubernetes REST paths under /api/v1 into resource, namespace, name and subresource. */
import { type KindInfo, NotFoundError, resolveKind } from '@wharf/model';

/** A parsed /api/v1 path. */
export interface ResourcePath {
  info: KindInfo;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  /** The legacy /api/v1/watch/... prefix was used. */
  watchPrefix: boolean;
}

const notFound = () => new NotFoundError('', '');

/** Parses `rest` (the part after /api/v1/); throws 404 for unknown resources or shapes. */
export function parseResourcePath(rest: string): ResourcePath {
  const parts = rest.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let watchPrefix = false;
  if (parts[0] === 'watch') {
    watchPrefix = true;
    parts.shift();
  }
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length >= 3) {
    const inner = resolveResource(parts[2]!);
    if (inner?.namespaced) {
      namespace = parts[1];
      parts.splice(0, 2);
    }
  }
  const info = parts[0] ? resolveResource(parts[0]) : undefined;
  if (!info || parts.length > 3) throw pathNotFound();
  return { info, namespace, name: parts[1], subresource: parts[2], watchPrefix };
}

/** Only exact plural resource names appear in URLs. */
function resolveResource(resource: string): KindInfo | undefined {
  const k = resolveKind(resource);
  return k && k.resource === resource ? k : undefined;
}

/** The 404 Kubernetes returns for paths it does not serve. */
export function pathNotFound(): NotFoundError {
  const e = notFound();
  Object.defineProperty(e, 'message', { value: 'the server could not find the requested resource' });
  return e;
}
