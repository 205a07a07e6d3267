/** What a new cluster starts with: its system namespaces, and an admin token for the CLI. */
import { AlreadyExistsError, MASTERS_GROUP, mustKind, type Namespace, type Stored } from '@wharf/model';
import type { Objects } from '@wharf/store';
import { timestamp } from './admission/prepare.js';
import { randomUUID } from 'node:crypto';
import type { Tokens } from './auth/tokens.js';

/** Namespaces that exist from the start. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public'];

/** Creates the system namespaces that are missing (idempotent, safe with several API servers). */
export async function ensureNamespaces(objects: Objects): Promise<void> {
  const info = mustKind('Namespace');
  for (const name of SYSTEM_NAMESPACES) {
    if (objects.projection?.get('Namespace', undefined, name)) continue;
    const ns: Stored<Namespace> = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, uid: randomUUID(), creationTimestamp: timestamp(), labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    };
    try {
      await objects.create(info, ns, { actor: 'system:apiserver', reason: 'bootstrap' });
    } catch (e) {
      if (!(e instanceof AlreadyExistsError)) throw e;
    }
  }
}

/**
 * Makes the first admin token if the cluster has none; returns it (only to the one server that
 * made it). The admin is in group system:masters, which is bound to cluster-admin, and its token
 * never expires.
 */
export async function ensureAdminToken(tokens: Tokens, reset: boolean): Promise<string | undefined> {
  const admin = { user: 'admin', groups: [MASTERS_GROUP] };
  if (reset) return (await tokens.create(admin))?.token;
  if (!tokens.empty) return undefined;
  return (await tokens.create(admin, true))?.token;
}
