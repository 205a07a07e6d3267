/** @wharf/scheduler: the scheduling decision as pure functions of a snapshot (filters, scores, reservations, bindings) and its replay over a recorded log. */

export { boundPod, showsUnschedulable, unschedulablePod } from './binding.js';
export { DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, demandOf, hostPortsOf, isFinished, needsScheduling, podKey, spreadKeyOf } from './demand.js';
export { capacityReasons, filterReasons, fitsCapacity, portsConflict, Reasons, staticReason, tolerated, tolerates } from './filters.js';
export { fitErrorMessage } from './message.js';
export { DEFAULT_MAX_PODS, isNodeReady, NodeInfo, nodeInfos } from './nodeinfo.js';
export { formatDecision, type RecordedOutcome, type ReplayDecision, replayScheduler, snapshotOf } from './replay.js';
export { type Admission, admit, emptyLedger, type NodeLedger, type Reservation, staleReservations } from './reservations.js';
export { schedule, schedulingOrder } from './schedule.js';
export { intolerablePreferCount, leastAllocatedScore, reverseNormalized, spreadCount, WEIGHTS } from './score.js';
export { type Assignment, type Binding, type Demand, type Failure, type HostPort, type Plan, type Snapshot } from './types.js';
