/** `create -f` and `replace -f`: sending each manifest, reporting per object, continuing past failures. */
import { kindInfo, type KObject } from '@wharf/model';
import type { WharfClient } from '@wharf/client';
import type { Io } from './base.js';
import { CliError, formatError, withSource } from './errors.js';
import type { Manifest, ManifestBatch } from './manifests.js';
import { resourceName } from './output.js';

/**
 * The namespace an object goes to: its own metadata.namespace, else the current one. Throws CliError (kubectl's words)
 * when -n names another namespace than the object does. Cluster-scoped kinds get none.
 */
export function objectNamespace(obj: KObject, namespaced: boolean, current: string, explicit: string | undefined): string | undefined {
  if (!namespaced) return undefined;
  const own = obj.metadata.namespace;
  if (own && explicit && own !== explicit) {
    throw new CliError(`the namespace from the provided object "${own}" does not match the namespace "${explicit}". You must pass '--namespace=${own}' to perform this operation.`);
  }
  return own || current;
}

/** Resolves a manifest's kind and namespace, returning a copy with metadata.namespace set (or removed when cluster-scoped). */
export function prepare(m: Manifest, current: string, explicit: string | undefined): { object: KObject; namespace: string | undefined } {
  const info = m.object.apiVersion === 'v1' ? kindInfo(m.object.kind) : undefined;
  if (!info) {
    throw new CliError(`resource mapping not found for name: "${m.object.metadata.name}" namespace: "${m.object.metadata.namespace ?? ''}" from "${m.source}": no matches for kind "${m.object.kind}" in version "${m.object.apiVersion}"`);
  }
  const namespace = objectNamespace(m.object, info.namespaced, current, explicit);
  const { namespace: _drop, ...meta } = m.object.metadata;
  return { object: { ...m.object, metadata: namespace ? { ...meta, namespace } : meta }, namespace };
}

/** Creates or replaces every manifest of the batch; prints `pod/x created|replaced` or the error; returns the exit code. */
export async function applyManifests(client: WharfClient, batch: ManifestBatch, verb: 'create' | 'replace', ns: { current: string; explicit: string | undefined }, io: Io): Promise<number> {
  let code = batch.errors.length > 0 ? 1 : 0;
  for (const e of batch.errors) io.err(formatError(e) + '\n');
  if (batch.manifests.length === 0 && batch.errors.length === 0) {
    io.err('error: no objects passed to ' + verb + '\n');
    return 1;
  }
  for (const m of batch.manifests) {
    try {
      const { object } = prepare(m, ns.current, ns.explicit);
      const saved = verb === 'create' ? await client.create(object) : await client.replace(object);
      const info = kindInfo(object.kind)!;
      io.out(`${resourceName(info, saved?.metadata?.name ?? object.metadata.name)} ${verb === 'create' ? 'created' : 'replaced'}\n`);
    } catch (e) {
      io.err(formatError(withSource(e, verb === 'create' ? 'creating' : 'replacing', m.source)) + '\n');
      code = 1;
    }
  }
  return code;
}
