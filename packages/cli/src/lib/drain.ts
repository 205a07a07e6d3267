/** `wharf cordon`, `uncordon` and `drain`: the logic, apart from the command files. */
import type { Pod, Stored } from '@wharf/model';
import type { WharfClient } from '@wharf/client';
import type { Io } from './base.js';
import { CliError } from './errors.js';
import { waitForDeletion } from './delete.js';
import { kindOf } from '@wharf/client';

/** Sets spec.unschedulable; prints `node/x cordoned` (or `already cordoned`) as kubectl does. */
export async function setUnschedulable(client: WharfClient, name: string, unschedulable: boolean, io: Io): Promise<void> {
  const node = await client.get('Node', undefined, name);
  const verb = unschedulable ? 'cordoned' : 'uncordoned';
  if (!!node.spec?.unschedulable === unschedulable) {
    io.out(`node/${name} already ${verb}\n`);
    return;
  }
  await client.patch('Node', undefined, name, { spec: { unschedulable: unschedulable ? true : null } });
  io.out(`node/${name} ${verb}\n`);
}

/** How to drain. */
export interface DrainOptions {
  force: boolean;
  ignoreDaemonsets: boolean;
  gracePeriodSeconds?: number;
  timeoutMs: number;
}

/** The pods drain deletes, and the ones it refuses (no controller, without --force). Pure. */
export function drainTargets(pods: readonly Stored<Pod>[], force: boolean): { evict: Stored<Pod>[]; unmanaged: Stored<Pod>[] } {
  const unmanaged = pods.filter((p) => !p.metadata.ownerReferences?.some((r) => r.controller));
  const finished = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
  if (unmanaged.some((p) => !finished(p)) && !force) return { evict: [], unmanaged: unmanaged.filter((p) => !finished(p)) };
  return { evict: [...pods], unmanaged: [] };
}

/** Cordons the node, deletes its pods (refusing unmanaged ones without --force) and waits until they are gone. */
export async function drain(client: WharfClient, name: string, o: DrainOptions, io: Io): Promise<void> {
  await setUnschedulable(client, name, true, io);
  const list = await client.list('Pod', { allNamespaces: true, fieldSelector: `spec.nodeName=${name}` });
  const { evict, unmanaged } = drainTargets(list.items, o.force);
  if (unmanaged.length) {
    const names = unmanaged.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ');
    throw new CliError(`unable to drain node "${name}" due to error: cannot delete Pods that declare no controller (use --force to override): ${names}`);
  }
  if (o.force) for (const p of evict.filter((x) => !x.metadata.ownerReferences?.some((r) => r.controller))) io.err(`Warning: deleting Pods that declare no controller: ${p.metadata.namespace}/${p.metadata.name}\n`);
  const deadline = Date.now() + o.timeoutMs;
  await Promise.all(evict.map(async (p) => {
    io.out(`evicting pod ${p.metadata.namespace}/${p.metadata.name}\n`);
    await client.delete('pod', p.metadata.namespace, p.metadata.name, o.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: o.gracePeriodSeconds } : {}).catch((e: { code?: number }) => {
      if (e.code !== 404) throw e;
    });
    if (!(await waitForDeletion(client, { info: kindOf('pod'), namespace: p.metadata.namespace, name: p.metadata.name }, p.metadata.uid, deadline))) {
      throw new CliError(`error when evicting pods/"${p.metadata.name}" -n "${p.metadata.namespace}": global timeout reached`);
    }
    io.out(`pod/${p.metadata.name} evicted\n`);
  }));
  io.out(`node/${name} drained\n`);
}
