/**
 * "Why does this object exist / why did it change": a pure explanation of a chain of events
 * linked by `metadata.cause`, from the object's creation back to the action that started it,
 * plus the owner's last user action (the RC scale that asked for the pod).
 */
import type { LoggedEvent } from '../events.js';
import { isCreation, isDeletion } from '../events.js';
import { kindInfo } from '../kinds.js';
import { isKind, type KObject } from '../object.js';

/** One link of a cause chain. */
export interface WhyStep {
  revision: number;
  time: string;
  type: string;
  actor: string;
  kind: string;
  namespace: string;
  name: string;
  reason?: string;
  /** The step in words: "rc/microservice1 was scaled to 5 by user admin at 10:02 (revision 42)". */
  text: string;
}

/** The answer of `why`: the chain from the object back to its root cause, and a summary. */
export interface WhyAnswer {
  object: { kind: string; namespace: string; name: string };
  /** Newest first: the object's creation, then each cause. */
  chain: WhyStep[];
  /** The owner's last user action at or before the creation, when the object has an owner. */
  owner?: WhyStep;
  /** When the object is gone, newest first: its deletion, then each cause (back to the request that deleted it). */
  deletion?: WhyStep[];
  /** The explanation in sentences. */
  summary: string[];
}

/** `kind/name` as kubectl prints it (`pod/x`, `rc/y`, `node/z`). */
export function refOf(kind: string, name: string): string {
  const info = kindInfo(kind);
  const short = kind === 'ReplicationController' ? 'rc' : kind === 'Service' ? 'svc' : info?.singular ?? kind.toLowerCase();
  return `${short}/${name}`;
}

function who(actor: string): string {
  return actor.startsWith('system:') ? actor : `user ${actor}`;
}

function clock(time: string): string {
  const d = new Date(time);
  return Number.isNaN(d.getTime()) ? time : d.toISOString().slice(11, 19);
}

/** True for a Node whose Ready condition says anything but True. */
function notReadyNode(o: KObject): boolean {
  if (!isKind(o, 'Node')) return false;
  const ready = o.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return ready !== undefined && ready !== 'True';
}

/** The node a pod is bound to (undefined for other kinds). */
function nodeNameOf(o: KObject): string | undefined {
  return isKind(o, 'Pod') ? o.spec.nodeName : undefined;
}

/** What one event did, in words. */
export function describeEvent(e: LoggedEvent): string {
  const ref = refOf(e.data.kind, e.data.metadata.name);
  const data = e.data;
  const node = nodeNameOf(data);
  let what: string;
  if (e.type === 'ReplicationControllerScaled') what = `${ref} was scaled to ${(isKind(data, 'ReplicationController') ? data.spec.replicas : undefined) ?? '?'} by ${who(e.metadata.actor)}`;
  else if (e.type === 'PodBound') what = `${ref} was bound to ${node ?? '?'} by ${who(e.metadata.actor)}`;
  else if (!isCreation(e.type) && !isDeletion(e.type) && notReadyNode(data)) {
    what = `${ref} went NotReady (${who(e.metadata.actor)})`;
  } else if (isCreation(e.type)) what = `${ref} was created by ${who(e.metadata.actor)}`;
  else if (isDeletion(e.type)) what = `${ref} was deleted by ${who(e.metadata.actor)}${node ? ` from ${node}` : ''}`;
  else if (e.type.endsWith('DeletionRequested')) what = `deletion of ${ref} was requested by ${who(e.metadata.actor)}`;
  else what = `${ref} had ${e.type} by ${who(e.metadata.actor)}`;
  return `${what} at ${clock(e.metadata.time)} (revision ${e.seq})${e.metadata.reason ? `: ${e.metadata.reason}` : ''}`;
}

/** The step of one event. */
export function stepOf(e: LoggedEvent): WhyStep {
  const s: WhyStep = {
    revision: e.seq, time: e.metadata.time, type: e.type, actor: e.metadata.actor,
    kind: e.data.kind, namespace: e.data.metadata.namespace ?? '', name: e.data.metadata.name, text: describeEvent(e),
  };
  if (e.metadata.reason) s.reason = e.metadata.reason;
  return s;
}

/**
 * Explains `chain` (the object's creation first, then each cause, each the cause of the one
 * before), the owner's last user action and, for an object that is gone, the chain of its
 * deletion (the deletion first, then each cause), in sentences.
 */
export function explain(chain: readonly LoggedEvent[], owner?: LoggedEvent, deletion: readonly LoggedEvent[] = []): WhyAnswer {
  const first = chain[0];
  if (!first) throw new Error('explain needs at least the creation event');
  const steps = chain.map(stepOf);
  const object = { kind: first.data.kind, namespace: first.data.metadata.namespace ?? '', name: first.data.metadata.name };
  const me = refOf(object.kind, object.name);
  const summary: string[] = [];
  const ownerStep = owner ? stepOf(owner) : undefined;
  if (ownerStep) summary.push(`${me} exists because ${ownerStep.text}.`);
  summary.push(`${steps[0]!.text}.`);
  const replaced = chain.slice(1).find((e) => e.data.kind === first.data.kind && isDeletion(e.type));
  const node = chain.slice(1).find((e) => notReadyNode(e.data));
  if (replaced && node) {
    const from = nodeNameOf(replaced.data) ?? node.data.metadata.name;
    summary.push(`It replaces ${refOf(replaced.data.kind, replaced.data.metadata.name)}: moved from ${from} because ${node.data.metadata.name} went NotReady at ${clock(node.metadata.time)} (revision ${node.seq}).`);
  }
  for (const s of steps.slice(1)) summary.push(`  because ${s.text}`);
  const root = chain[chain.length - 1]!;
  if (root.metadata.cause !== undefined) summary.push(`  (the chain continues at revision ${root.metadata.cause}, which is no longer in the log)`);
  const answer: WhyAnswer = { object, chain: steps, summary };
  if (ownerStep) answer.owner = ownerStep;
  if (deletion.length) {
    answer.deletion = deletion.map(stepOf);
    summary.push(`${answer.deletion[0]!.text}.`);
    for (const s of answer.deletion.slice(1)) summary.push(`  because ${s.text}`);
  }
  return answer;
}
