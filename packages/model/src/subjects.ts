/**
 * The subject layout. One subject per object:
 *   wharf.<cluster>.obj.<kindToken>.<namespace | _>.<encoded name>
 * Names are encoded so that '.', which NATS uses between tokens, never splits a name. Subjects
 * that name a node (the node relay, container logs) put it right after the kind of subject, so
 * that NATS permissions can confine a node to `wharf.<cluster>.node.<node>.>` and
 * `wharf.<cluster>.logs.<node>.>`.
 */
import type { KindInfo } from './kinds.js';

const clusterName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Throws unless `cluster` is a valid cluster name (a DNS-1123 label). */
export function checkClusterName(cluster: string): string {
  if (!clusterName.test(cluster) || cluster.length > 40) {
    throw new Error(`invalid cluster name "${cluster}": use at most 40 lower case letters, digits and '-'`);
  }
  return cluster;
}

/**
 * Encodes a name into one subject token: every UTF-16 unit outside [A-Za-z0-9-] becomes _XX, or
 * _uXXXX above U+00FF (hex), so that different names never share a token.
 */
export function encodeToken(s: string): string {
  return s.replace(/[^A-Za-z0-9-]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? '_' + code.toString(16).padStart(2, '0') : '_u' + code.toString(16).padStart(4, '0');
  });
}

/** Reverses encodeToken. */
export function decodeToken(t: string): string {
  return t.replace(/_(?:u([0-9a-f]{4})|([0-9a-f]{2}))/g, (_, wide: string | undefined, narrow: string | undefined) => String.fromCharCode(parseInt(wide ?? narrow!, 16)));
}

/** Names of every stream, subject and bucket one cluster uses on a NATS server. */
export class Subjects {
  /** The prefix of all of this cluster's subjects. */
  readonly prefix: string;
  /** The event log stream. */
  readonly stream: string;
  /** All object subjects. */
  readonly allObjects: string;
  /** KV bucket for node heartbeats (history 1, out of the audit log). */
  readonly heartbeatBucket: string;
  /** KV bucket for API tokens (hashes only). */
  readonly authBucket: string;
  /** KV bucket for projection snapshots. */
  readonly snapshotBucket: string;
  /** Stream for container logs. */
  readonly logStream: string;
  /** KV bucket that carries each node's bound pods (the agent's own subject). */
  readonly nodeFeedBucket: string;
  /** KV bucket of each node's allocation ledger: the pods reserved on it (history 1). */
  readonly allocBucket: string;
  /** KV bucket of allocated NodePorts: key = port, value = the owning Service (create-if-absent). */
  readonly nodePortBucket: string;
  /** KV bucket of allocated ClusterIPs: key = IP, value = the owning Service (create-if-absent); `range` = the service range. */
  readonly clusterIPBucket: string;
  /** KV bucket of nodes' pod CIDRs: key = subnet with `/` as `_`, value = the node's name (create-if-absent); `range` = the cluster CIDR and node mask. */
  readonly podCIDRBucket: string;
  /** KV bucket of live wharf-reconcilers instances (their leases), by which they share the work. */
  readonly reconcilerBucket: string;
  /** KV bucket of each node's wharf-proxy: the log sequence its routes follow and the backends it still drains (history 1). */
  readonly proxyBucket: string;

  constructor(readonly cluster: string) {
    checkClusterName(cluster);
    const up = cluster.toUpperCase().replace(/-/g, '_');
    this.prefix = `wharf.${cluster}`;
    this.stream = `WHARF_${up}_EVENTS`;
    this.allObjects = `${this.prefix}.obj.>`;
    this.heartbeatBucket = `wharf_${up}_heartbeats`;
    this.authBucket = `wharf_${up}_auth`;
    this.snapshotBucket = `wharf_${up}_snapshots`;
    this.logStream = `WHARF_${up}_LOGS`;
    this.nodeFeedBucket = `wharf_${up}_nodefeed`;
    this.allocBucket = `wharf_${up}_alloc`;
    this.nodePortBucket = `wharf_${up}_nodeports`;
    this.clusterIPBucket = `wharf_${up}_clusterips`;
    this.podCIDRBucket = `wharf_${up}_podcidrs`;
    this.reconcilerBucket = `wharf_${up}_reconcilers`;
    this.proxyBucket = `wharf_${up}_proxies`;
  }

  /** The subject of one object. */
  object(kind: KindInfo, namespace: string | undefined, name: string): string {
    return `${this.prefix}.obj.${kind.token}.${kind.namespaced ? encodeToken(namespace ?? '') : '_'}.${encodeToken(name)}`;
  }

  /** A filter for all objects of a kind, optionally in one namespace. */
  kind(kind: KindInfo, namespace?: string): string {
    return `${this.prefix}.obj.${kind.token}.${namespace && kind.namespaced ? encodeToken(namespace) : '*'}.*`;
  }

  /**
   * The subject of one container's log lines, shipped by `node`. A node of `'*'` makes a filter
   * over every node (readers that do not know the pod's node), as does a container of `'*'`.
   */
  logs(node: string, namespace: string, pod: string, container: string): string {
    const tok = (s: string) => (s === '*' ? '*' : encodeToken(s));
    return `${this.prefix}.logs.${tok(node)}.${encodeToken(namespace)}.${encodeToken(pod)}.${tok(container)}`;
  }

  /** The log subject of a container before logs named their node (still read, never written). */
  legacyLogs(namespace: string, pod: string, container: string): string {
    return `${this.prefix}.logs.${encodeToken(namespace)}.${encodeToken(pod)}.${container === '*' ? '*' : encodeToken(container)}`;
  }

  /** The node relay's subject of one operation (`get`, `put`) asked by `node`. */
  nodeRelay(node: string, op: string): string {
    return `${this.prefix}.node.${encodeToken(node)}.${op}`;
  }

  /** The filter that the node relay serves: every operation of every node. */
  get nodeRelayAll(): string {
    return `${this.prefix}.node.*.*`;
  }

  /** Splits a node relay subject into the node that sent it and the operation, else undefined. */
  parseNodeRelay(subject: string): { node: string; op: string } | undefined {
    if (!subject.startsWith(`${this.prefix}.node.`)) return undefined;
    const parts = subject.slice(this.prefix.length + 6).split('.');
    if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
    return { node: decodeToken(parts[0]), op: parts[1] };
  }

  /** Splits an object subject into kind token, namespace and name. */
  parse(subject: string): { token: string; namespace: string; name: string } | undefined {
    const parts = subject.slice(this.prefix.length + 1).split('.');
    if (parts.length !== 4 || parts[0] !== 'obj') return undefined;
    const ns = parts[2]!;
    return { token: parts[1]!, namespace: ns === '_' ? '' : decodeToken(ns), name: decodeToken(parts[3]!) };
  }
}
