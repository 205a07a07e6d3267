/**
 * The authorization decision, as Kubernetes' RBAC authorizer makes it: a request is allowed when
 * some binding names the user (or one of its groups) and its role has a rule that covers the
 * request; otherwise it is denied. A binding with a namespace covers only requests in that
 * namespace, and never non-resource URLs.
 */
import { CLUSTER_ROLES, type ClusterRole, type PolicyRule } from './roles.js';

/** Kubernetes' request attributes (k8s.io/apiserver authorizer.Attributes). */
export interface Attributes {
  verb: string;
  /** False for paths outside the resource API (/version, /api, /healthz, /wharf/v1/...). */
  resourceRequest: boolean;
  /** The request path, decoded (what non-resource rules match). */
  path: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  /** "" for cluster-scoped resources and for requests across all namespaces. */
  namespace: string;
  name: string;
}

/** Who makes a request: the authenticated user and its groups. */
export interface UserInfo {
  name: string;
  groups: readonly string[];
}

/** Whom a binding grants its role to. */
export interface Subject {
  kind: 'User' | 'Group';
  name: string;
}

/** A binding of users and groups to a ClusterRole, cluster-wide or (with `namespace`) in one namespace. */
export interface RoleBinding {
  name: string;
  role: string;
  namespace?: string | undefined;
  subjects: Subject[];
}

/** The outcome; `reason` names the binding that allowed it, and is empty for a denial (as RBAC's). */
export interface AuthorizationDecision {
  allowed: boolean;
  reason: string;
}

/** The group every authenticated user is in. */
export const AUTHENTICATED_GROUP = 'system:authenticated';
/** The group bound to cluster-admin; the admin token made at first start is in it. */
export const MASTERS_GROUP = 'system:masters';
/** The group bound to the node role. */
export const NODES_GROUP = 'system:nodes';
/** The group of every bootstrap token (kubeadm's): bound only to system:node-bootstrapper. */
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';

const group = (name: string): Subject => ({ kind: 'Group', name });

/** Bindings every cluster has; they cannot be deleted. */
export const BUILTIN_BINDINGS: readonly RoleBinding[] = [
  { name: 'cluster-admin', role: 'cluster-admin', subjects: [group(MASTERS_GROUP)] },
  { name: 'system:basic-user', role: 'system:basic-user', subjects: [group(AUTHENTICATED_GROUP)] },
  { name: 'system:discovery', role: 'system:discovery', subjects: [group(AUTHENTICATED_GROUP)] },
  { name: 'system:node', role: 'node', subjects: [group(NODES_GROUP)] },
  { name: 'system:node-bootstrapper', role: 'system:node-bootstrapper', subjects: [group(BOOTSTRAPPERS_GROUP)] },
];

/**
 * The user as the authorizer sees it: its groups plus system:authenticated, except for a
 * bootstrap token's user (group system:bootstrappers), which may do nothing but join, not even
 * discovery or `auth can-i`.
 */
export function identityOf(name: string, groups: readonly string[]): UserInfo {
  return { name, groups: groups.includes(BOOTSTRAPPERS_GROUP) ? [...groups] : [...groups, AUTHENTICATED_GROUP] };
}

const has = (list: readonly string[] | undefined, v: string) => list !== undefined && (list.includes('*') || list.includes(v));

function resourceMatches(rule: PolicyRule, a: Attributes): boolean {
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return (rule.resources ?? []).some((r) => r === '*' || r === combined || (a.subresource !== '' && r === `*/${a.subresource}`));
}

function urlMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))));
}

/** True when `rule` covers the request `a` (rbac/v1 semantics). */
export function ruleAllows(rule: PolicyRule, a: Attributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) return urlMatches(rule, a.path);
  if (!has(rule.apiGroups, a.apiGroup) || !resourceMatches(rule, a)) return false;
  return !rule.resourceNames?.length || rule.resourceNames.includes(a.name);
}

function subjectMatches(s: Subject, user: UserInfo): boolean {
  return s.kind === 'User' ? s.name === user.name : user.groups.includes(s.name);
}

function describe(b: RoleBinding, s: Subject): string {
  const binding = b.namespace ? `RoleBinding "${b.name}/${b.namespace}"` : `ClusterRoleBinding "${b.name}"`;
  return `RBAC: allowed by ${binding} of ClusterRole "${b.role}" to ${s.kind} "${s.name}"`;
}

/** The bindings, built-in ones first, that name `user` or one of its groups. */
export function bindingsFor(user: UserInfo, bindings: Iterable<RoleBinding>): RoleBinding[] {
  return [...BUILTIN_BINDINGS, ...bindings].filter((b) => b.subjects.some((s) => subjectMatches(s, user)));
}

/** The first subject of `b` that is `user` or one of its groups (a plain loop: this runs per binding per request). */
function subjectOf(b: RoleBinding, user: UserInfo): Subject | undefined {
  for (const s of b.subjects) if (subjectMatches(s, user)) return s;
  return undefined;
}

function decide(b: RoleBinding, a: Attributes, user: UserInfo, roles: ReadonlyMap<string, ClusterRole>): AuthorizationDecision | undefined {
  // A namespaced binding: only resource requests in its own namespace ("" is no namespace: never).
  if (b.namespace !== undefined && (b.namespace === '' || b.namespace !== a.namespace || !a.resourceRequest)) return undefined;
  const s = subjectOf(b, user);
  if (!s) return undefined;
  const role = roles.get(b.role);
  return role?.rules.some((r) => ruleAllows(r, a)) ? { allowed: true, reason: describe(b, s) } : undefined;
}

/** Decides `a` for `user` under the built-in bindings and `bindings`; deny unless one allows. */
export function authorize(a: Attributes, user: UserInfo, bindings: Iterable<RoleBinding>, roles: ReadonlyMap<string, ClusterRole> = CLUSTER_ROLES): AuthorizationDecision {
  for (const b of BUILTIN_BINDINGS) {
    const d = decide(b, a, user, roles);
    if (d) return d;
  }
  for (const b of bindings) {
    const d = decide(b, a, user, roles);
    if (d) return d;
  }
  return { allowed: false, reason: '' };
}
