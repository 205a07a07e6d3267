/**
 * The replay harness for the scheduler: feeds a recorded log into a fresh fold, event by event,
 * and after each event that leaves a pod waiting for a node asks the pure `schedule` what it
 * would decide on the state of that moment. Each decision is set beside what the log says
 * happened next to that pod (PodBound or PodScheduleFailed), to debug a decision step by step.
 * Pure: no NATS, no clock (heartbeats are not part of the log, so every node counts as ready).
 */
import { emptyState, evolve, isKind, listObjects, type LoggedEvent, type Pod, type State, type Stored } from '@wharf/model';
import { demandOf, isFinished, needsScheduling, podKey } from './demand.js';
import { schedule } from './schedule.js';
import type { Assignment, Snapshot } from './types.js';

/** What the log shows happened to a pod after a decision point. */
export interface RecordedOutcome {
  seq: number;
  type: 'PodBound' | 'PodScheduleFailed';
  actor: string;
  node?: string;
  message?: string;
}

/** One decision of the replayed scheduler. */
export interface ReplayDecision {
  /** The event after which the decision is made. */
  seq: number;
  eventType: string;
  pod: string;
  /** The node the replayed scheduler picks, or undefined when nothing fits. */
  node?: string;
  /** Why nothing fits, when nothing does. */
  message?: string;
  /** What the recorded log did next for this pod, if anything (within the recording). */
  recorded?: RecordedOutcome;
  /** True when the replay and the recording agree (or the recording shows no outcome). */
  agrees: boolean;
}

/** The scheduler's snapshot of a state, as the runner builds it (without ledger reservations). */
export function snapshotOf(state: State): Snapshot {
  const assigned: Assignment[] = [];
  for (const p of listObjects(state, 'Pod')) if (p.spec.nodeName && !isFinished(p)) assigned.push({ node: p.spec.nodeName, demand: demandOf(p) });
  return { nodes: listObjects(state, 'Node'), assigned };
}

function outcomeAfter(events: readonly LoggedEvent[], from: number, subject: string): RecordedOutcome | undefined {
  for (let i = from; i < events.length; i++) {
    const e = events[i]!;
    if (e.subject !== subject || (e.type !== 'PodBound' && e.type !== 'PodScheduleFailed')) continue;
    const o: RecordedOutcome = { seq: e.seq, type: e.type, actor: e.metadata.actor };
    const node = isKind(e.data, 'Pod') ? e.data.spec.nodeName : undefined;
    if (e.type === 'PodBound' && node) o.node = node;
    if (e.metadata.reason) o.message = e.metadata.reason;
    return o;
  }
  return undefined;
}

/**
 * Replays `events` (sorted by seq); yields one decision per pod that needs a node after an event
 * with seq in [from, to]. Events before `from` only build the starting state.
 */
export function* replayScheduler(events: readonly LoggedEvent[], opts: { from?: number; to?: number; schedulerName?: string } = {}): Generator<ReplayDecision> {
  const from = opts.from ?? 1;
  const to = opts.to ?? Infinity;
  let state = emptyState();
  let i = 0;
  const prefix: LoggedEvent[] = [];
  // The subject of each pod seen so far, to find what the log did next with it.
  const subjects = new Map<string, string>();
  const note = (e: LoggedEvent) => e.data.kind === 'Pod' && subjects.set(`${e.data.metadata.namespace ?? ''}/${e.data.metadata.name}`, e.subject);
  while (i < events.length && events[i]!.seq < from) {
    note(events[i]!);
    prefix.push(events[i++]!);
  }
  state = evolve(state, prefix).state;
  for (; i < events.length && events[i]!.seq <= to; i++) {
    const e = events[i]!;
    note(e);
    state = evolve(state, [e]).state;
    const pods: Pod[] = isKind(e.data, 'Pod') ? [e.data] : isKind(e.data, 'Node') ? listObjects(state, 'Pod') : [];
    const waiting = pods
      .map((p) => listObjects(state, 'Pod', p.metadata.namespace).find((x) => x.metadata.name === p.metadata.name))
      .filter((p): p is Stored<Pod> => p !== undefined && needsScheduling(p, opts.schedulerName));
    if (waiting.length === 0) continue;
    const plan = schedule(snapshotOf(state), waiting);
    const decided = [...plan.bindings.map((b) => ({ pod: b.pod, node: b.node as string | undefined, message: undefined as string | undefined })), ...plan.failures.map((f) => ({ pod: f.pod, node: undefined, message: f.message as string | undefined }))];
    for (const d of decided) {
      const subject = subjects.get(podKey(d.pod));
      const recorded = subject ? outcomeAfter(events, i + 1, subject) : undefined;
      const agrees = !recorded || (recorded.type === 'PodBound' ? recorded.node === d.node : d.node === undefined);
      const out: ReplayDecision = { seq: e.seq, eventType: e.type, pod: podKey(d.pod), agrees };
      if (d.node) out.node = d.node;
      if (d.message) out.message = d.message;
      if (recorded) out.recorded = recorded;
      yield out;
    }
  }
}

/** One line per decision: `#12 PodCreated default/web-1 → node-a (log: PodBound node-a at #14) ok`. */
export function formatDecision(d: ReplayDecision): string {
  const mine = d.node ? `→ ${d.node}` : `→ unschedulable: ${d.message ?? ''}`;
  const log = d.recorded ? `log: ${d.recorded.type}${d.recorded.node ? ` ${d.recorded.node}` : ''} at #${d.recorded.seq} by ${d.recorded.actor}` : 'log: no outcome recorded';
  return `#${d.seq} ${d.eventType} ${d.pod} ${mine} (${log}) ${d.agrees ? 'ok' : 'DIFFERS'}`;
}
