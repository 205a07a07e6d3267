/** The autoscaling/v1 Scale subresource of ReplicationControllers (`kubectl scale`). */
import { ConflictError, formatSelectorMap, InvalidError, kindInfo, type KObject, NonNegativeInt32, NotFoundError, rvOf } from '@wharf/model';
import type { ApiContext } from '../context.js';
import { applyPatch } from '../patch.js';
import type { PatchType } from '../http/body.js';
import type { WriteOptions } from '../resources.js';

type RC = KObject & { spec: { replicas?: number; selector?: Record<string, string> }; status?: { replicas?: number } };

const RCInfo = kindInfo('ReplicationController')!;

function toScale(rc: RC) {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: rc.metadata.name, namespace: rc.metadata.namespace, uid: rc.metadata.uid, resourceVersion: rc.metadata.resourceVersion, creationTimestamp: rc.metadata.creationTimestamp },
    spec: { replicas: rc.spec.replicas ?? 0 },
    status: { replicas: rc.status?.replicas ?? 0, selector: formatSelectorMap(rc.spec.selector) },
  };
}

async function current(ctx: ApiContext, ns: string | undefined, name: string): Promise<RC> {
  await ctx.projection.sync();
  const rc = ctx.projection.get<RC>('ReplicationController', ns, name);
  if (!rc) throw new NotFoundError('replicationcontrollers', name);
  return rc;
}

/** The replicas a Scale asks for: an int32 of at least 0, or a 422 naming spec.replicas, as the RC's own field. */
function replicasOf(name: string, value: unknown): number {
  const valid = NonNegativeInt32.safeParse(value);
  if (valid.success) return valid.data;
  throw new InvalidError('Scale', name, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(value) ?? 'null'}: ${valid.error.issues[0]?.message ?? 'must be a non-negative integer'}` }]);
}

async function setReplicas(ctx: ApiContext, rc: RC, wanted: unknown, o: WriteOptions, expectedRv?: string) {
  const replicas = replicasOf(rc.metadata.name, wanted);
  if (expectedRv && expectedRv !== rc.metadata.resourceVersion) throw new ConflictError('replicationcontrollers', rc.metadata.name);
  if (replicas === rc.spec.replicas || o.dryRun) return toScale(o.dryRun ? { ...rc, spec: { ...rc.spec, replicas } } : rc);
  const next: RC = { ...rc, spec: { ...rc.spec, replicas }, metadata: { ...rc.metadata, generation: (rc.metadata.generation ?? 1) + 1 } };
  const stored = await ctx.objects.update<RC>(RCInfo, next, rvOf(rc), 'ReplicationControllerScaled', { actor: o.actor, reason: `scaled from ${rc.spec.replicas ?? 0} to ${replicas}` });
  return toScale(stored);
}

/** GET .../scale */
export async function getScale(ctx: ApiContext, ns: string | undefined, name: string) {
  return toScale(await current(ctx, ns, name));
}

/** PUT .../scale with a Scale body. */
export async function putScale(ctx: ApiContext, ns: string | undefined, name: string, body: Record<string, unknown>, o: WriteOptions) {
  const rc = await current(ctx, ns, name);
  const spec = body.spec as { replicas?: unknown } | undefined;
  return setReplicas(ctx, rc, spec?.replicas, o, (body.metadata as { resourceVersion?: string } | undefined)?.resourceVersion);
}

/** PATCH .../scale (merge or JSON patch on the Scale). */
export async function patchScale(ctx: ApiContext, ns: string | undefined, name: string, type: PatchType, patch: unknown, o: WriteOptions) {
  for (let attempt = 0; ; attempt++) {
    const rc = await current(ctx, ns, name);
    const scaled = applyPatch(type, toScale(rc), patch) as { spec?: { replicas?: unknown } };
    try {
      return await setReplicas(ctx, rc, scaled.spec?.replicas, o);
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt > 5) throw e;
    }
  }
}
