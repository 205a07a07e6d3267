/** The registry of kinds Wharf serves: names, aliases, scope and schema of each. */
import type { z } from 'zod';
import { Namespace, Node } from './schemas/cluster.js';
import { ReplicationController } from './schemas/controller.js';
import { Event } from './schemas/event.js';
import { Pod } from './schemas/pod.js';
import { Endpoints, Service } from './schemas/service.js';

/** Every kind Wharf stores. */
export type KindName = 'Namespace' | 'Node' | 'Pod' | 'Service' | 'Endpoints' | 'ReplicationController' | 'Event';

/** What the API and the CLI need to know about one kind. */
export interface KindInfo {
  kind: KindName;
  /** The plural resource name used in URLs ("pods"). */
  resource: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  /** The token used for this kind in NATS subjects. */
  token: string;
  schema: z.ZodType;
  subresources: string[];
}

const verbs = ['create', 'delete', 'get', 'list', 'update', 'watch'];

/** All kinds, in discovery order. */
export const KINDS: readonly KindInfo[] = [
  { kind: 'Namespace', resource: 'namespaces', singular: 'namespace', shortNames: ['ns'], namespaced: false, token: 'ns', schema: Namespace, subresources: ['status'] },
  { kind: 'Node', resource: 'nodes', singular: 'node', shortNames: ['no'], namespaced: false, token: 'node', schema: Node, subresources: ['status'] },
  { kind: 'Pod', resource: 'pods', singular: 'pod', shortNames: ['po'], namespaced: true, token: 'pod', schema: Pod, subresources: ['status', 'log', 'binding'] },
  { kind: 'Service', resource: 'services', singular: 'service', shortNames: ['svc'], namespaced: true, token: 'svc', schema: Service, subresources: ['status'] },
  { kind: 'Endpoints', resource: 'endpoints', singular: 'endpoints', shortNames: ['ep'], namespaced: true, token: 'ep', schema: Endpoints, subresources: [] },
  { kind: 'ReplicationController', resource: 'replicationcontrollers', singular: 'replicationcontroller', shortNames: ['rc'], namespaced: true, token: 'rc', schema: ReplicationController, subresources: ['status', 'scale'] },
  { kind: 'Event', resource: 'events', singular: 'event', shortNames: ['ev'], namespaced: true, token: 'ev', schema: Event, subresources: [] },
];

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

/** The KindInfo of a known kind; throws for an unknown one (a programming error). */
export function mustKind(kind: KindName): KindInfo {
  const k = byKind.get(kind);
  if (!k) throw new Error(`unknown kind ${kind}`);
  return k;
}
