/**
 * The registry of kinds Wharf serves: names, aliases and scope of each. Free of zod at run time
 * (the schemas are `kindSchema`'s, in schemas/bykind.ts), so that a client resolving `pods` to
 * its path does not load every schema (`@wharf/model/kinds`).
 */
import type { Namespace, Node } from './schemas/cluster.js';
import type { ReplicationController } from './schemas/controller.js';
import type { Event } from './schemas/event.js';
import type { Pod } from './schemas/pod.js';
import type { Endpoints, Service } from './schemas/service.js';

/**
 * The type of each kind, as its schema defines it (z.infer): what reading a kind gives, e.g.
 * `KindMap['Pod']` is `Pod`. Stored objects also carry a name (see `ObjectOf`).
 */
export interface KindMap {
  Namespace: Namespace;
  Node: Node;
  Pod: Pod;
  Service: Service;
  Endpoints: Endpoints;
  ReplicationController: ReplicationController;
  Event: Event;
}

/** Every kind Wharf stores. */
export type KindName = keyof KindMap;

/** What the API and the CLI need to know about kind K (any kind by default). */
export interface KindInfo<K extends KindName = KindName> {
  kind: K;
  /** The plural resource name used in URLs ("pods"). */
  resource: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  /** The token used for this kind in NATS subjects. */
  token: string;
  subresources: string[];
}

const verbs = ['create', 'delete', 'get', 'list', 'update', 'watch'];

const INFO: { readonly [K in KindName]: KindInfo<K> } = {
  Namespace: { kind: 'Namespace', resource: 'namespaces', singular: 'namespace', shortNames: ['ns'], namespaced: false, token: 'ns', subresources: ['status'] },
  Node: { kind: 'Node', resource: 'nodes', singular: 'node', shortNames: ['no'], namespaced: false, token: 'node', subresources: ['status'] },
  Pod: { kind: 'Pod', resource: 'pods', singular: 'pod', shortNames: ['po'], namespaced: true, token: 'pod', subresources: ['status', 'log', 'binding'] },
  Service: { kind: 'Service', resource: 'services', singular: 'service', shortNames: ['svc'], namespaced: true, token: 'svc', subresources: ['status'] },
  Endpoints: { kind: 'Endpoints', resource: 'endpoints', singular: 'endpoints', shortNames: ['ep'], namespaced: true, token: 'ep', subresources: [] },
  ReplicationController: { kind: 'ReplicationController', resource: 'replicationcontrollers', singular: 'replicationcontroller', shortNames: ['rc'], namespaced: true, token: 'rc', subresources: ['status', 'scale'] },
  Event: { kind: 'Event', resource: 'events', singular: 'event', shortNames: ['ev'], namespaced: true, token: 'ev', subresources: [] },
};

/** All kinds, in discovery order. */
export const KINDS: readonly KindInfo[] = [INFO.Namespace, INFO.Node, INFO.Pod, INFO.Service, INFO.Endpoints, INFO.ReplicationController, INFO.Event];

/** The verbs each resource supports (discovery). */
export const RESOURCE_VERBS = [...verbs, 'patch', 'deletecollection'];

const byAlias = new Map<string, KindInfo>();
for (const k of KINDS) {
  for (const a of [k.resource, k.singular, k.kind.toLowerCase(), ...k.shortNames]) byAlias.set(a, k);
}
const byKind = new Map<string, KindInfo>(KINDS.map((k) => [k.kind, k]));
const byToken = new Map<string, KindInfo>(KINDS.map((k) => [k.token, k]));

/** Looks a kind up by any name kubectl accepts (plural, singular, short name, Kind); case-insensitive. */
export function resolveKind(alias: string): KindInfo | undefined {
  return byAlias.get(alias.toLowerCase()) ?? byAlias.get(alias.toLowerCase().replace(/\.v1$|\.core$/, ''));
}

/** Looks a kind up by its Kind name ("Pod"). */
export function kindInfo(kind: string): KindInfo | undefined {
  return byKind.get(kind);
}

/** Looks a kind up by its subject token. */
export function kindByToken(token: string): KindInfo | undefined {
  return byToken.get(token);
}

/** The KindInfo of a known kind, typed as that kind; throws for an unknown one (a programming error). */
export function mustKind<K extends KindName>(kind: K): KindInfo<K> {
  const k = INFO[kind];
  if (!k) throw new Error(`unknown kind ${kind}`);
  return k;
}
