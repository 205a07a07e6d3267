/** The autoscaling/v1 Scale subresource of ReplicationControllers (`kubectl scale`): HTTP over the model's scale rules. */
import { ConflictError, existing, kindInfo, NotFoundError, scaleOf, type ScalableController, type ScaleRequest, scaleTo } from '@wharf/model';
import type { ApiContext } from '../context.js';
import { applyPatch } from '../patch.js';
import type { PatchType } from '../http/body.js';
import type { WriteOptions } from '../resources.js';

const RCInfo = kindInfo('ReplicationController')!;

/**
 * Sets the replicas `request` asks of the latest version of the controller; returns the Scale as
 * stored (or as it would be, on a dry run). A request pinned to a resourceVersion that an earlier
 * send of it used up is answered with what that send stored.
 */
async function writeScale(ctx: ApiContext, ns: string | undefined, name: string, o: WriteOptions, request: (rc: ScalableController) => ScaleRequest, pinned?: string) {
  await ctx.projection.sync();
  if (o.dryRun) {
    const rc = ctx.projection.get<ScalableController>('ReplicationController', ns, name);
    if (!rc) throw new NotFoundError(RCInfo.resource, name);
    return scaleOf((scaleTo(rc, request(rc))?.object as ScalableController | undefined) ?? rc);
  }
  const decide = existing<ScalableController>(RCInfo, name, (rc) => scaleTo(rc, request(rc)));
  try {
    return scaleOf((await ctx.objects.change(RCInfo, ns, name, decide, o.request ? { actor: o.actor, request: o.request } : { actor: o.actor }))!);
  } catch (e) {
    const own = e instanceof ConflictError && o.request && Number(pinned) > 0 ? await ctx.objects.recall<ScalableController>(RCInfo, ns, name, Number(pinned), o.request) : undefined;
    if (!own) throw e;
    return scaleOf(own);
  }
}

/** GET .../scale */
export async function getScale(ctx: ApiContext, ns: string | undefined, name: string) {
  await ctx.projection.sync();
  const rc = ctx.projection.get<ScalableController>('ReplicationController', ns, name);
  if (!rc) throw new NotFoundError(RCInfo.resource, name);
  return scaleOf(rc);
}

/** PUT .../scale with a Scale body; a resourceVersion in it pins the controller's version. */
export async function putScale(ctx: ApiContext, ns: string | undefined, name: string, body: Record<string, unknown>, o: WriteOptions) {
  const replicas = (body.spec as { replicas?: unknown } | undefined)?.replicas;
  const resourceVersion = (body.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
  return writeScale(ctx, ns, name, o, () => ({ replicas, resourceVersion }), resourceVersion);
}

/** PATCH .../scale (merge or JSON patch on the Scale). */
export async function patchScale(ctx: ApiContext, ns: string | undefined, name: string, type: PatchType, patch: unknown, o: WriteOptions) {
  return writeScale(ctx, ns, name, o, (rc) => ({ replicas: (applyPatch(type, scaleOf(rc), patch) as { spec?: { replicas?: unknown } }).spec?.replicas }));
}
