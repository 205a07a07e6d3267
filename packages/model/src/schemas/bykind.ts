/** The schema of each kind: it parses a body into the kind's type. */
import type { z } from 'zod';
import type { KindMap, KindName } from '../kinds.js';
import { Namespace, Node } from './cluster.js';
import { ReplicationController } from './controller.js';
import { Event } from './event.js';
import { Pod } from './pod.js';
import { Endpoints, Service } from './service.js';

const SCHEMAS: { readonly [K in KindName]: z.ZodType<KindMap[K]> } = { Namespace, Node, Pod, Service, Endpoints, ReplicationController, Event };

/** The schema of kind `kind`. */
export function kindSchema<K extends KindName>(kind: K): z.ZodType<KindMap[K]> {
  return SCHEMAS[kind];
}
