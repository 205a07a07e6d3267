/** The 403 kube-apiserver answers when authorization denies a request, word for word. */
import { ForbiddenError, type StatusCause } from '../errors.js';
import type { Attributes, UserInfo } from './authorize.js';

// As kube-apiserver's responsewriters: nothing in the message may look like HTML.
const sanitize = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Go's %q for the strings that reach these messages. */
const q = (s: string) => JSON.stringify(s);

/** `User "x" cannot list resource "pods" in API group "" in the namespace "default"` (or `at the cluster scope`, or `cannot get path "/x"`). */
export function forbiddenReason(a: Attributes, user: UserInfo): string {
  if (!a.resourceRequest) return `User ${q(user.name)} cannot ${a.verb} path ${q(a.path)}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace ${q(a.namespace)}` : 'at the cluster scope';
  return `User ${q(user.name)} cannot ${a.verb} resource ${q(resource)} in API group ${q(a.apiGroup)} ${scope}`;
}

/**
 * The Forbidden error of a denied request: `pods "p" is forbidden: User ...`, with details
 * {name, group, kind} as apierrors.NewForbidden fills them; `why` is appended after a colon.
 */
export function forbiddenError(a: Attributes, user: UserInfo, why = ''): ForbiddenError {
  const err = sanitize(forbiddenReason(a, user)) + (why ? `: ${why}` : '');
  return forbidden(a.resourceRequest ? a.resource : '', a.apiGroup, a.name, err);
}

/** apierrors.NewForbidden: `<resource>[.<group>] ["<name>"] is forbidden: <err>`, or `forbidden: <err>` without a resource. */
export function forbidden(resource: string, group: string, name: string, err: string, causes?: StatusCause[]): ForbiddenError {
  const qualified = group ? `${resource}.${group}` : resource;
  const message = !resource ? `forbidden: ${err}` : name ? `${qualified} ${q(name)} is forbidden: ${err}` : `${qualified} is forbidden: ${err}`;
  const details = { ...(name ? { name } : {}), ...(group ? { group } : {}), ...(resource ? { kind: resource } : {}), ...(causes ? { causes } : {}) };
  return new ForbiddenError(message, details);
}
