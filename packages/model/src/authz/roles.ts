/**
 * Roles as Kubernetes RBAC has them, kept small: a role is a list of rules, and a rule grants
 * verbs on resources (with subresources written `pods/log`), optionally only on named objects,
 * or verbs on non-resource URLs. Wharf has only built-in ClusterRoles; bindings name one.
 */

/** One grant, as rbac/v1 PolicyRule: `*` matches any verb, group or resource. */
export interface PolicyRule {
  verbs: string[];
  /** API groups of the resources ("" is the core group of /api/v1). */
  apiGroups?: string[];
  /** Resources, `resource/subresource`, `*` or `*\/subresource`. */
  resources?: string[];
  /** When set, only objects with these names. */
  resourceNames?: string[];
  /** Paths outside the resource API; a trailing `*` matches a prefix. */
  nonResourceURLs?: string[];
}

/** A named set of rules that a binding grants. */
export interface ClusterRole {
  name: string;
  rules: PolicyRule[];
}

/** The API group of node bootstrap (kubeadm join's counterpart): resource `nodejoins`. */
export const BOOTSTRAP_API_GROUP = 'bootstrap.wharf.io';

/** Read verbs; `view` grants only these. */
export const READ_VERBS = ['get', 'list', 'watch'] as const;
/** Write verbs of the resource API. */
export const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'] as const;

/** The namespaced workload resources `edit` writes and `view` reads, with their subresources. */
const WORKLOADS = ['pods', 'pods/status', 'services', 'services/status', 'endpoints', 'replicationcontrollers', 'replicationcontrollers/status', 'replicationcontrollers/scale', 'events'];

/** The API group, resource and name a pod needs `use` of to set privileged fields (hostPath...). */
export const PRIVILEGED_POD_POLICY = { apiGroup: 'policy', resource: 'podsecuritypolicies', name: 'privileged' } as const;

const read = { verbs: [...READ_VERBS], apiGroups: [''], resources: [...WORKLOADS, 'pods/log', 'namespaces', 'namespaces/status'] };
// Wharf's history, why, diff and audit (GETs only); non-resource rules count only in cluster-wide bindings.
const history = { verbs: ['get'], nonResourceURLs: ['/wharf/v1/*'] };

/** The built-in ClusterRoles, by name. */
export const CLUSTER_ROLES: ReadonlyMap<string, ClusterRole> = new Map(
  [
    // Everything, including tokens, bindings, nodes, namespaces and privileged pod fields.
    { name: 'cluster-admin', rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }] },
    // Read and write the namespaced workloads; no nodes, no namespace writes, no tokens, no pods/binding (the scheduler's).
    { name: 'edit', rules: [read, { verbs: [...WRITE_VERBS], apiGroups: [''], resources: WORKLOADS }, history] },
    // Read the namespaced workloads (and namespaces); no writes, nothing secret-like (tokens, bindings).
    { name: 'view', rules: [read, history] },
    // What a node's identity needs: read what runs where, report node and pod status, record events.
    {
      name: 'node',
      rules: [
        { verbs: [...READ_VERBS], apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'nodes'] },
        { verbs: ['update', 'patch'], apiGroups: [''], resources: ['nodes/status', 'pods/status'] },
        { verbs: ['create'], apiGroups: [''], resources: ['events'] },
      ],
    },
    // A bootstrap token's only right: to join a node (POST /apis/bootstrap.wharf.io/v1/nodejoins).
    { name: 'system:node-bootstrapper', rules: [{ verbs: ['create'], apiGroups: [BOOTSTRAP_API_GROUP], resources: ['nodejoins'] }] },
    // Every authenticated user may ask what it may do (kubectl auth can-i).
    { name: 'system:basic-user', rules: [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'] }] },
    // Every authenticated user may read discovery, the version and health.
    { name: 'system:discovery', rules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/version', '/version/', '/openapi', '/openapi/*', '/healthz', '/livez', '/readyz'] }] },
  ].map((r) => [r.name, r]),
);

/** The roles `wharf token create --role` offers. */
export const TOKEN_ROLES = ['cluster-admin', 'edit', 'view', 'node'] as const;
/** One of TOKEN_ROLES. */
export type TokenRole = (typeof TOKEN_ROLES)[number];
