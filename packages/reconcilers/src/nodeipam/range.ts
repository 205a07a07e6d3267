/**
 * The cluster's pod network range, settled once per cluster: the first nodeipam reconciler
 * records its --cluster-cidr and --node-cidr-mask-size in the claims bucket, and every later one
 * takes the recorded range, or refuses to start when its flags name another.
 */
import { Kvm } from '@nats-io/kv';
import { CidrSyntaxError, cidrsOverlap, DEFAULT_CLUSTER_CIDR, DEFAULT_NODE_CIDR_MASK_SIZE, formatIpv4Cidr, type Ipv4Cidr, NodeCidrMaskError, type NodeCidrRange, nodeCidrRange, parseIpv4Cidr } from '@wharf/model';
import { type EventStore, type RecordedNodeCidrs, StartupError } from '@wharf/store';

/** The flags as given (undefined: not given). */
export interface RangeFlags {
  clusterCidr?: string | undefined;
  nodeCidrMaskSize?: string | undefined;
}

/** Parses the flags (defaults for those not given) into a range; StartupError with a one-line reason. */
export function rangeFromFlags(f: RangeFlags): NodeCidrRange {
  try {
    return nodeCidrRange(f.clusterCidr ?? DEFAULT_CLUSTER_CIDR, f.nodeCidrMaskSize ?? DEFAULT_NODE_CIDR_MASK_SIZE);
  } catch (e) {
    if (e instanceof CidrSyntaxError) throw new StartupError(`--cluster-cidr: ${e.message}`);
    if (e instanceof NodeCidrMaskError) throw new StartupError(e.message);
    throw e;
  }
}

/** Why flags that were given disagree with the recorded range (one line), or undefined when they agree. */
export function rangeMismatch(f: RangeFlags, wanted: NodeCidrRange, recorded: RecordedNodeCidrs): string | undefined {
  const cidr = formatIpv4Cidr(wanted.cluster);
  const rec = `${recorded.clusterCIDR} in /${recorded.nodeCIDRMaskSize}s`;
  const tail = `(recorded by its first nodeipam reconciler): every wharf-reconcilers must use --cluster-cidr ${recorded.clusterCIDR} --node-cidr-mask-size ${recorded.nodeCIDRMaskSize}`;
  if (f.clusterCidr !== undefined && cidr !== recorded.clusterCIDR) return `--cluster-cidr ${cidr} differs from this cluster's pod network ${rec} ${tail}`;
  if (f.nodeCidrMaskSize !== undefined && wanted.maskSize !== recorded.nodeCIDRMaskSize) return `--node-cidr-mask-size ${wanted.maskSize} differs from this cluster's pod network ${rec} ${tail}`;
  return undefined;
}

/**
 * Settles the range: records the flags' range (defaults for those not given) when the cluster has
 * none, else takes the recorded one, refusing (StartupError) flags that name another. `check`
 * refuses a range this machine cannot use.
 */
export async function settleRange(claims: { recordRange(r: RecordedNodeCidrs): Promise<RecordedNodeCidrs> }, f: RangeFlags, check: (r: NodeCidrRange) => void = () => undefined): Promise<NodeCidrRange> {
  const wanted = rangeFromFlags(f);
  if (f.clusterCidr !== undefined || f.nodeCidrMaskSize !== undefined) check(wanted);
  const recorded = await claims.recordRange({ clusterCIDR: formatIpv4Cidr(wanted.cluster), nodeCIDRMaskSize: wanted.maskSize });
  const why = rangeMismatch(f, wanted, recorded);
  if (why) throw new StartupError(why);
  let range: NodeCidrRange;
  try {
    range = nodeCidrRange(recorded.clusterCIDR, recorded.nodeCIDRMaskSize);
  } catch (e) {
    throw new StartupError(`this cluster's recorded pod network is unusable: ${(e as Error).message}`);
  }
  check(range);
  return range;
}

/** The service range wharf-api recorded (its ClusterIP bucket's `range`), if there is one yet. */
export async function recordedServiceRange(store: Pick<EventStore, 'nc' | 'subjects'>): Promise<string | undefined> {
  try {
    const kv = await new Kvm(store.nc).open(store.subjects.clusterIPBucket);
    const e = await kv.get('range');
    return e?.operation === 'PUT' ? e.string() : undefined;
  } catch {
    // No API server made the bucket yet: nothing to compare with.
    return undefined;
  }
}

/** Refuses (StartupError) a pod network that overlaps the cluster's service range. */
export function refuseServiceOverlap(range: NodeCidrRange, serviceRange: string | undefined): void {
  if (serviceRange === undefined) return;
  let svc: Ipv4Cidr;
  try {
    svc = parseIpv4Cidr(serviceRange);
  } catch {
    return;
  }
  if (cidrsOverlap(range.cluster, svc)) throw new StartupError(`--cluster-cidr: ${formatIpv4Cidr(range.cluster)} overlaps this cluster's service range ${formatIpv4Cidr(svc)}; choose a range clear of it`);
}
