/**
 * ClusterIP bookkeeping of a Service write (pure): the service range and its checks, which
 * addresses may be handed out, the IP a write keeps, claims, allocates or frees, and the candidates
 * of an allocation. The allocator (src/clusterips.ts) does the claims against the shared KV bucket.
 */
import { cidrContains, cidrSize, CLUSTER_DNS_OFFSET, CLUSTER_DNS_SERVICE, CidrSyntaxError, formatIpv4Cidr, type Ipv4Cidr, ipv4ToNumber, numberToIpv4, parseIpv4Cidr, type Service, type StatusCause } from '@wharf/model';

/** kube-apiserver's default --service-cluster-ip-range is 10.96.0.0/12; Wharf's is a /16 of it. */
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/16';
/** The widest service range accepted (Kubernetes caps it near a /12 too). */
export const MIN_SERVICE_PREFIX = 12;
/** The narrowest: a /28 still leaves 13 addresses to hand out. */
export const MAX_SERVICE_PREFIX = 28;
/** The value of spec.clusterIP that makes a Service headless. */
export const HEADLESS = 'None';

/** Parses and checks a service range (IPv4, /12 to /28); throws CidrSyntaxError with a one-line reason. */
export function parseServiceCidr(text: string): Ipv4Cidr {
  const c = parseIpv4Cidr(text.trim());
  if (c.prefix < MIN_SERVICE_PREFIX || c.prefix > MAX_SERVICE_PREFIX) throw new CidrSyntaxError(`"${text}" is a /${c.prefix}: the service range must be a /${MIN_SERVICE_PREFIX} to a /${MAX_SERVICE_PREFIX}`);
  return c;
}

/**
 * Offsets in the range that allocation never picks: the network address, the first address
 * (kept for the `kubernetes` Service, as Kubernetes does), the 10th (the cluster DNS address, kept
 * for kube-system/kube-dns, as kubeadm sets it) and the broadcast address.
 */
function reserved(range: Ipv4Cidr, ip: number): boolean {
  const off = ip - range.network;
  return off === 0 || off === 1 || off === CLUSTER_DNS_OFFSET || off === cidrSize(range) - 1;
}

/** Whether allocation may hand out `ip`: in the range, not network, first, cluster DNS or broadcast. */
export function allocatable(range: Ipv4Cidr, ip: string): boolean {
  const n = ipv4ToNumber(ip);
  return n !== undefined && cidrContains(range, n) && !reserved(range, n);
}

/** How many addresses of the range allocation can hand out. */
export function allocatableCount(range: Ipv4Cidr): number {
  return cidrSize(range) - 4;
}

/**
 * Why a client may not ask for `ip` (undefined: it may, if free). Outside the range, the network
 * and broadcast addresses are refused as Kubernetes does; the first address only the `kubernetes`
 * Service of `default` may take, and the cluster DNS address only `kube-dns` of `kube-system`.
 */
export function requestedIPCause(range: Ipv4Cidr, ip: string, s: Service): StatusCause | undefined {
  const n = ipv4ToNumber(ip);
  const off = n === undefined ? -1 : n - range.network;
  const cause = (why: string): StatusCause => ({ reason: 'FieldValueInvalid', field: 'spec.clusterIP', message: `Invalid value: "${ip}": ${why}` });
  if (n === undefined || !cidrContains(range, n) || off === 0 || off === cidrSize(range) - 1) return cause(`provided IP is not in the valid range. The range of valid IPs is ${formatIpv4Cidr(range)}`);
  if (off === 1 && !(s.metadata.namespace === 'default' && s.metadata.name === 'kubernetes')) return cause('provided IP is reserved for the kubernetes Service');
  if (off === CLUSTER_DNS_OFFSET && !(s.metadata.namespace === CLUSTER_DNS_SERVICE.namespace && s.metadata.name === CLUSTER_DNS_SERVICE.name)) {
    return cause(`provided IP is reserved for the cluster DNS Service (${CLUSTER_DNS_SERVICE.namespace}/${CLUSTER_DNS_SERVICE.name})`);
  }
  return undefined;
}

/** The allocated IP a Service holds (not headless, not empty). */
export function heldClusterIP(s: Service | undefined): string | undefined {
  const ip = s?.spec.clusterIP;
  return ip && ip !== HEADLESS ? ip : undefined;
}

/**
 * An update that leaves clusterIP (and clusterIPs) empty keeps the current one, as Kubernetes
 * does for a PUT of an object read without it. Mutates `next`.
 */
export function carryClusterIP(next: Service, current: Service | undefined): void {
  if (!current?.spec.clusterIP || next.spec.clusterIP || next.spec.clusterIPs?.length) return;
  next.spec.clusterIP = current.spec.clusterIP;
  next.spec.clusterIPs = [...(current.spec.clusterIPs ?? [current.spec.clusterIP])];
}

/** The causes of an update that changes a set clusterIP (after carryClusterIP). */
export function clusterIPImmutability(next: Service, current: Service | undefined): StatusCause[] {
  const was = current?.spec.clusterIP;
  const now = next.spec.clusterIP ?? '';
  if (!was || now === was) return [];
  return [{ reason: 'FieldValueInvalid', field: 'spec.clusterIP', message: `Invalid value: "${now}": field is immutable` }];
}

/** What a Service write means for the ClusterIP allocations. */
export interface ClusterIPChange {
  /** An IP the new spec names that the Service did not hold yet: claim it. */
  claim?: string;
  /** The Service needs an IP chosen for it. */
  allocate: boolean;
  /** The IP the Service held and no longer uses: free it after the write. */
  release?: string;
}

/** Computes the claim, allocation and release that turn `current` into `next`. */
export function clusterIPChange(next: Service, current: Service | undefined): ClusterIPChange {
  const held = heldClusterIP(current);
  const want = next.spec.clusterIP ?? '';
  const out: ClusterIPChange = { allocate: want === '' };
  if (want !== '' && want !== HEADLESS && want !== held) out.claim = want;
  if (held && held !== want) out.release = held;
  return out;
}

/**
 * Candidate IPs to allocate, in order: every allocatable address of the range not in `taken`,
 * starting at offset `start` and wrapping around (a random start spreads allocators apart).
 */
export function* candidateIPs(range: Ipv4Cidr, taken: ReadonlySet<string>, start: number): Generator<string> {
  const size = cidrSize(range);
  const first = ((Math.floor(start) % size) + size) % size;
  for (let i = 0; i < size; i++) {
    const n = range.network + ((first + i) % size);
    if (reserved(range, n)) continue;
    const ip = numberToIpv4(n);
    if (!taken.has(ip)) yield ip;
  }
}
