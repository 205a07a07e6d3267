/**
 * `wharf describe`: one describer per kind, chosen by the kind's name, with a generic fallback.
 * A describer fetches what it needs through the client and returns the text; add a kind by
 * adding an entry to DESCRIBERS (an Events section can be appended here for every kind).
 */
import { WharfError, type KindInfo, type KindName, type KObject } from '@wharf/core';
import type { WharfClient } from '@wharf/client';
import type { Io } from '../base.js';
import { describeGeneric } from './generic.js';
import { describeService } from './service.js';

/** Renders one object of a kind. */
export type Describer = (client: WharfClient, info: KindInfo, namespace: string | undefined, name: string) => Promise<string>;

const notFound = (e: unknown) => e instanceof WharfError && e.code === 404;

/** Describers by kind; kinds without an entry use the generic one. */
export const DESCRIBERS: Partial<Record<KindName, Describer>> = {
  Service: async (client, info, ns, name) => {
    const svc = await client.get(info.kind, ns, name);
    const ep = await client.get('endpoints', ns, name).catch((e: unknown) => {
      if (notFound(e)) return undefined;
      throw e;
    });
    return describeService(svc as never, ep as never);
  },
};

const generic: Describer = async (client, info, ns, name) => describeGeneric(await client.get<KObject>(info.kind, ns, name));

/** Describes each named object (or every object of the kind when no name is given), separated by a blank line. */
export async function runDescribe(client: WharfClient, info: KindInfo, namespace: string, names: string[], io: Io): Promise<void> {
  const ns = info.namespaced ? namespace : undefined;
  const list = names.length ? names : (await client.list<KObject>(info.kind, { namespace: ns })).items.map((o) => o.metadata.name);
  const d = DESCRIBERS[info.kind] ?? generic;
  for (let i = 0; i < list.length; i++) {
    if (i > 0) io.out('\n\n');
    io.out(await d(client, info, ns, list[i]!));
  }
}
