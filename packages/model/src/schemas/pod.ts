/** The Pod kind: spec (what to run) and status (what runs), with Kubernetes' field names. */
import { z } from 'zod';
import { Condition, DnsLabel, Int32, Int64, Labels, NonNegativeInt32, NonNegativeInt64, ObjectMeta, PositiveInt32, Quantity, ResourceList, typeMeta } from './meta.js';

/** A TCP/UDP port number: 1-65535. */
export const Port = z.int().min(1, 'must be between 1 and 65535, inclusive').max(65535, 'must be between 1 and 65535, inclusive');
/** A named port (IANA_SVC_NAME): at most 15 lowercase letters, digits and inner '-'. */
export const PortName = z.string().max(15, 'must be no more than 15 characters').regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be an IANA_SVC_NAME');
/** Kubernetes' IntOrString: an int32 or a non-empty string. */
export const IntOrString = z.union([Int32, z.string().min(1)]);
/** A port given by number (1-65535) or by the name of a container port. */
export const PortOrName = z.union([Port, PortName]);

export const ContainerPort = z.strictObject({
  name: PortName.optional(),
  containerPort: Port,
  hostPort: z.int().min(0, 'must be between 0 and 65535, inclusive').max(65535, 'must be between 0 and 65535, inclusive').optional(),
  hostIP: z.string().optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
});
export type ContainerPort = z.infer<typeof ContainerPort>;

export const EnvVar = z.strictObject({
  name: z.string().min(1).regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/, 'a valid environment variable name must consist of alphabetic characters, digits, "_", "-", or ".", and must not start with a digit'),
  value: z.string().optional(),
});

export const ResourceRequirements = z.strictObject({
  requests: ResourceList.optional(),
  limits: ResourceList.optional(),
});

export const VolumeMount = z.strictObject({
  name: z.string(),
  mountPath: z.string().min(1).startsWith('/', 'must be an absolute path'),
  readOnly: z.boolean().optional(),
  subPath: z.string().optional(),
});

const HttpHeader = z.strictObject({ name: z.string(), value: z.string() });

/** A probe: one of httpGet, tcpSocket or exec, with Kubernetes' timing fields. */
export const Probe = z
  .strictObject({
    httpGet: z.strictObject({
      path: z.string().optional(),
      port: PortOrName,
      host: z.string().optional(),
      scheme: z.enum(['HTTP', 'HTTPS']).optional(),
      httpHeaders: z.array(HttpHeader).optional(),
    }).optional(),
    tcpSocket: z.strictObject({ port: PortOrName, host: z.string().optional() }).optional(),
    exec: z.strictObject({ command: z.array(z.string()).min(1) }).optional(),
    initialDelaySeconds: NonNegativeInt32.optional(),
    periodSeconds: PositiveInt32.optional(),
    timeoutSeconds: PositiveInt32.optional(),
    successThreshold: PositiveInt32.optional(),
    failureThreshold: PositiveInt32.optional(),
  })
  .refine((p) => [p.httpGet, p.tcpSocket, p.exec].filter(Boolean).length === 1, 'must specify exactly one of httpGet, tcpSocket or exec');
export type Probe = z.infer<typeof Probe>;

export const Container = z.strictObject({
  name: DnsLabel,
  image: z.string().min(1, 'Required value'),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  workingDir: z.string().optional(),
  ports: z.array(ContainerPort).optional(),
  env: z.array(EnvVar).optional(),
  resources: ResourceRequirements.optional(),
  volumeMounts: z.array(VolumeMount).optional(),
  livenessProbe: Probe.optional(),
  readinessProbe: Probe.optional(),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
  terminationMessagePath: z.string().optional(),
  terminationMessagePolicy: z.enum(['File', 'FallbackToLogsOnError']).optional(),
  stdin: z.boolean().optional(),
  tty: z.boolean().optional(),
});
export type Container = z.infer<typeof Container>;

export const Volume = z
  .strictObject({
    name: DnsLabel,
    emptyDir: z.strictObject({ medium: z.enum(['', 'Memory']).optional(), sizeLimit: Quantity.optional() }).optional(),
    hostPath: z.strictObject({ path: z.string().startsWith('/', 'must be an absolute path'), type: z.string().optional() }).optional(),
  })
  .refine((v) => (v.emptyDir ? 1 : 0) + (v.hostPath ? 1 : 0) === 1, 'must specify exactly one of emptyDir or hostPath');
export type Volume = z.infer<typeof Volume>;

export const Toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute', '']).optional(),
  tolerationSeconds: Int64.optional(),
});
export type Toleration = z.infer<typeof Toleration>;

export const PodSpec = z.strictObject({
  containers: z.array(Container).min(1, 'Required value: must have at least one container'),
  volumes: z.array(Volume).optional(),
  restartPolicy: z.enum(['Always', 'OnFailure', 'Never']).optional(),
  terminationGracePeriodSeconds: NonNegativeInt64.optional(),
  nodeSelector: Labels.optional(),
  nodeName: z.string().optional(),
  tolerations: z.array(Toleration).optional(),
  hostname: DnsLabel.optional(),
  dnsPolicy: z.enum(['ClusterFirst', 'Default', 'None', 'ClusterFirstWithHostNet']).optional(),
  schedulerName: z.string().optional(),
  serviceAccountName: z.string().optional(),
  priority: Int32.optional(),
  enableServiceLinks: z.boolean().optional(),
});
export type PodSpec = z.infer<typeof PodSpec>;

const ContainerStateWaiting = z.strictObject({ reason: z.string().optional(), message: z.string().optional() });
const ContainerStateRunning = z.strictObject({ startedAt: z.string().optional() });
const ContainerStateTerminated = z.strictObject({
  exitCode: Int32,
  signal: Int32.optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  containerID: z.string().optional(),
});
export const ContainerState = z.strictObject({
  waiting: ContainerStateWaiting.optional(),
  running: ContainerStateRunning.optional(),
  terminated: ContainerStateTerminated.optional(),
});
export type ContainerState = z.infer<typeof ContainerState>;

export const ContainerStatus = z.strictObject({
  name: z.string(),
  state: ContainerState.optional(),
  lastState: ContainerState.optional(),
  ready: z.boolean(),
  restartCount: NonNegativeInt32,
  image: z.string(),
  imageID: z.string().optional(),
  containerID: z.string().optional(),
  started: z.boolean().optional(),
});
export type ContainerStatus = z.infer<typeof ContainerStatus>;

/**
 * Wharf extension (not in Kubernetes): a container port that declares a `hostPort`, as the node
 * agent published it on the node's address. Endpoints are `status.podIP:targetPort`, not these.
 */
export const PodHostPort = z.strictObject({
  containerPort: Port,
  hostPort: Port,
  protocol: z.enum(['TCP', 'UDP', 'SCTP']),
  name: z.string().optional(),
});
export type PodHostPort = z.infer<typeof PodHostPort>;

export const PodStatus = z.strictObject({
  phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']).optional(),
  conditions: z.array(Condition).optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  hostIP: z.string().optional(),
  hostIPs: z.array(z.strictObject({ ip: z.string() })).optional(),
  podIP: z.string().optional(),
  podIPs: z.array(z.strictObject({ ip: z.string() })).optional(),
  startTime: z.string().optional(),
  containerStatuses: z.array(ContainerStatus).optional(),
  qosClass: z.enum(['Guaranteed', 'Burstable', 'BestEffort']).optional(),
  nominatedNodeName: z.string().optional(),
  /** Wharf extension: the declared host ports the agent published on the node (see PodHostPort). */
  hostPorts: z.array(PodHostPort).optional(),
});
export type PodStatus = z.infer<typeof PodStatus>;

export const Pod = z.strictObject({
  ...typeMeta('Pod'),
  spec: PodSpec,
  status: PodStatus.optional(),
});
export type Pod = z.infer<typeof Pod>;

/** A pod template, as in ReplicationController.spec.template. */
export const PodTemplateSpec = z.strictObject({
  metadata: ObjectMeta.optional(),
  spec: PodSpec,
});
export type PodTemplateSpec = z.infer<typeof PodTemplateSpec>;
