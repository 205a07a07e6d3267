/**
 * The cluster DNS address (pure): as kubeadm does, the 10th address of the service range
 * (10.96.0.10 in 10.96.0.0/16) is the kube-dns Service's, so the ClusterIP allocator never hands it
 * to another Service and every node's resolver listens there.
 */
import { cidrSize, type Ipv4Cidr, numberToIpv4 } from './ipv4.js';

/** The offset of the cluster DNS address in the service range. */
export const CLUSTER_DNS_OFFSET = 10;
/** The cluster's DNS domain unless told otherwise (kubelet's --cluster-domain). */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
/** The namespace and name of the only Service that may take the cluster DNS address. */
export const CLUSTER_DNS_SERVICE = { namespace: 'kube-system', name: 'kube-dns' } as const;

/** The cluster DNS address of a service range (its 10th address); RangeError for a range too small to have one. */
export function clusterDNSAddress(serviceRange: Ipv4Cidr): string {
  if (cidrSize(serviceRange) <= CLUSTER_DNS_OFFSET + 1) throw new RangeError(`a /${serviceRange.prefix} service range has no 10th address for the cluster DNS`);
  return numberToIpv4(serviceRange.network + CLUSTER_DNS_OFFSET);
}
