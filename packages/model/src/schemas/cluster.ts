/** Cluster-scoped kinds: Namespace and Node. */
import { z } from 'zod';
import { Condition, ResourceList, typeMeta } from './meta.js';

export const Namespace = z.strictObject({
  ...typeMeta('Namespace'),
  spec: z.strictObject({ finalizers: z.array(z.string()).optional() }).optional(),
  status: z.strictObject({ phase: z.enum(['Active', 'Terminating']).optional() }).optional(),
});
export type Namespace = z.infer<typeof Namespace>;

export const Taint = z.strictObject({
  key: z.string().min(1),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
  timeAdded: z.string().nullable().optional(),
});
export type Taint = z.infer<typeof Taint>;

export const NodeAddress = z.strictObject({ type: z.enum(['InternalIP', 'ExternalIP', 'Hostname', 'InternalDNS', 'ExternalDNS']), address: z.string() });

export const NodeSystemInfo = z.strictObject({
  machineID: z.string(),
  systemUUID: z.string(),
  bootID: z.string(),
  kernelVersion: z.string(),
  osImage: z.string(),
  containerRuntimeVersion: z.string(),
  kubeletVersion: z.string(),
  kubeProxyVersion: z.string(),
  operatingSystem: z.string(),
  architecture: z.string(),
});

export const Node = z.strictObject({
  ...typeMeta('Node'),
  spec: z
    .strictObject({
      unschedulable: z.boolean().optional(),
      taints: z.array(Taint).optional(),
      /** The node's pod subnet, set by the nodeipam reconciler (or an admin) once; the node may never set it. */
      podCIDR: z.string().optional(),
      /** The node's pod subnets ([podCIDR] on an IPv4-only cluster). */
      podCIDRs: z.array(z.string()).optional(),
      providerID: z.string().optional(),
    })
    .optional(),
  status: z
    .strictObject({
      capacity: ResourceList.optional(),
      allocatable: ResourceList.optional(),
      conditions: z.array(Condition).optional(),
      addresses: z.array(NodeAddress).optional(),
      nodeInfo: NodeSystemInfo.partial().optional(),
      phase: z.string().optional(),
    })
    .optional(),
});
export type Node = z.infer<typeof Node>;
