/** The Service kind and its Endpoints. */
import { z } from 'zod';
import { Condition, Labels, ObjectReference, typeMeta } from './meta.js';
import { Port, PortOrName } from './pod.js';

export const ServicePort = z.strictObject({
  name: z.string().optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
  port: Port,
  targetPort: PortOrName.optional(),
  nodePort: z.int().min(0, 'must be between 0 and 65535, inclusive').max(65535, 'must be between 0 and 65535, inclusive').optional(),
  appProtocol: z.string().optional(),
});
export type ServicePort = z.infer<typeof ServicePort>;

export const ServiceSpec = z.strictObject({
  type: z.enum(['ClusterIP', 'NodePort']).optional(),
  selector: Labels.optional(),
  ports: z.array(ServicePort).optional(),
  clusterIP: z.string().optional(),
  clusterIPs: z.array(z.string()).optional(),
  sessionAffinity: z.enum(['None', 'ClientIP']).optional(),
  sessionAffinityConfig: z.strictObject({ clientIP: z.strictObject({ timeoutSeconds: z.int().min(1, 'must be between 1 and 86400, inclusive').max(86400, 'must be between 1 and 86400, inclusive').optional() }).optional() }).optional(),
  externalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
  internalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
  externalIPs: z.array(z.string()).optional(),
  ipFamilies: z.array(z.string()).optional(),
  ipFamilyPolicy: z.string().optional(),
});
export type ServiceSpec = z.infer<typeof ServiceSpec>;

export const Service = z.strictObject({
  ...typeMeta('Service'),
  spec: ServiceSpec,
  status: z.strictObject({ loadBalancer: z.strictObject({}).optional(), conditions: z.array(Condition).optional() }).optional(),
});
export type Service = z.infer<typeof Service>;

export const EndpointAddress = z.strictObject({
  ip: z.string(),
  hostname: z.string().optional(),
  nodeName: z.string().optional(),
  targetRef: ObjectReference.optional(),
});
export type EndpointAddress = z.infer<typeof EndpointAddress>;

export const EndpointPort = z.strictObject({
  name: z.string().optional(),
  port: Port,
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
  appProtocol: z.string().optional(),
});

export const EndpointSubset = z.strictObject({
  addresses: z.array(EndpointAddress).optional(),
  notReadyAddresses: z.array(EndpointAddress).optional(),
  ports: z.array(EndpointPort).optional(),
});
export type EndpointSubset = z.infer<typeof EndpointSubset>;

export const Endpoints = z.strictObject({
  ...typeMeta('Endpoints'),
  subsets: z.array(EndpointSubset).optional(),
});
export type Endpoints = z.infer<typeof Endpoints>;
