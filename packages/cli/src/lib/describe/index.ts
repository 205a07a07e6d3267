/**
 * describe: one describer per kind (add a kind by adding a file and a line in `describeLines`),
 * then the Events section taken from the log through the API, however old.
 */
import type { Endpoints, KindInfo, KObject, ObjectOf } from '@wharf/model';
import { WharfError } from '@wharf/model/errors';
import type { WharfClient } from '@wharf/client';
import { CliError } from '../errors.js';
import { eventsFor, eventsSection } from './events.js';
import { mapLines, orNone, renderLines, type Line } from './format.js';
import { describeNode } from './node.js';
import { describePod } from './pod.js';
import { describeReplicationController } from './rc.js';
import { describeService } from './service.js';

/** Objects a describer shows next to the described one (a Service's Endpoints). */
export interface Related {
  endpoints?: Endpoints;
}

function generic(o: KObject): Line[] {
  return [[0, 'Name', o.metadata.name], [0, 'Namespace', orNone(o.metadata.namespace)], ...mapLines(0, 'Labels', o.metadata.labels)];
}

/** The describe lines of one object (and what is related to it): its kind's describer; name, namespace and labels for kinds without one. */
export function describeLines(o: ObjectOf, related: Related): Line[] {
  switch (o.kind) {
    case 'Pod':
      return describePod(o);
    case 'ReplicationController':
      return describeReplicationController(o);
    case 'Service':
      return describeService(o, related.endpoints);
    case 'Node':
      return describeNode(o);
    default:
      return generic(o);
  }
}

/** Fetches what a describer shows next to `o`: a Service's Endpoints (none yet is fine). */
async function relatedOf(client: WharfClient, info: KindInfo, o: KObject): Promise<Related> {
  if (info.kind !== 'Service') return {};
  try {
    return { endpoints: await client.get('Endpoints', o.metadata.namespace, o.metadata.name) };
  } catch (e) {
    if (e instanceof WharfError && e.code === 404) return {};
    throw e;
  }
}

/** The describe text of one object, with its events. */
export function describeText(o: ObjectOf, events: Parameters<typeof eventsSection>[0], now = new Date(), related: Related = {}): string {
  return renderLines(describeLines(o, related)) + eventsSection(events, now);
}

/** Fetches the object (or every object of the kind when `name` is undefined) and its events, and prints them. */
export async function runDescribe(client: WharfClient, info: KindInfo, namespace: string, name: string | undefined, out: (t: string) => void): Promise<void> {
  const ns = info.namespaced ? namespace : undefined;
  const objects = name !== undefined ? [await client.get(info.kind, ns, name)] : (await client.list(info.kind, { ...(ns ? { namespace: ns } : {}) })).items;
  if (objects.length === 0) throw new CliError(`No resources found in ${namespace} namespace.`);
  const texts: string[] = [];
  for (const o of objects) texts.push(describeText(o, await eventsFor(client, info.kind, ns, o.metadata.name), new Date(), await relatedOf(client, info, o)));
  out(texts.join('\n\n'));
}
