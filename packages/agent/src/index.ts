/** @wharf/agent: the node agent (kubelet) — the pure container diff, its runner and the runtime interface. */
export { backoffDelay, type BackoffSettings, type FinishedRun, KUBELET_BACKOFF, nextPullAt, nextRestart, type StartFailure } from './backoff.js';
export { INFRA, LABELS, nodeSelector, observe, type Observed } from './labels.js';
export { byNewest, type ContainerState, type ContainerView, containerViews, failureKey, infraOf, ownsNetwork, podCompleted, sandboxOf, shouldRestart } from './views.js';
export { type Action, type DesiredPod, graceOf, INFRA_GRACE_SECONDS, plan, type Plan, type PlanInput, type PodPlan } from './plan.js';
export { containerStatus, hostPorts, k8sTime, podPhase, podStatus, type Readiness } from './status.js';
export { containerLabels, containerName, containerSpec, emptyDirs, infraSpec, memoryVolumeName, mountsOf, PAUSE_SCRIPT, podDir, podPorts, type SpecContext } from './spec.js';
export { AGENT_FLAGS, agentConfig, type AgentConfig, parseDuration, parseLabels, parseTaints } from './flags.js';
export { goArch, KUBELET_VERSION, type NodeFacts, nodeObject, registerNode } from './node.js';
export { Heartbeat, heartbeatBucket, type HeartbeatValue, isFresh } from './heartbeat.js';
export { LogShipper, resumePoint } from './logship.js';
export { Kubelet, type KubeletDeps } from './kubelet.js';
export { type NodeObjects, type NodeWriteContext, RELAY_RETRY, relayError, RelayObjects } from './relay.js';
export { main, type RunningAgent, startAgent } from './main.js';
export { type ContainerInfo, type CreateSpec, DockerUnavailableError, type ExecResult, type ListOptions, type MountSpec, type PortSpec, type PublishedPort, type Runtime, type RuntimeLogLine } from './runtime/runtime.js';
export { DockerRuntime, infoOf, type PsRow, rowInfo } from './runtime/docker.js';
export { FakeRuntime } from './runtime/fake.js';
