/**
 * The write path's semantics without servers: an in-memory log that checks expected sequences as
 * JetStream does, and a view that folds it up to what it has seen (objects.fixtures.ts).
 */
import { describe, expect, it } from 'vitest';
import { AlreadyExistsError, ConflictError, type Decide, DEFAULT_RETRY, type KObject, mustKind, NotFoundError } from '@wharf/model';
import { MemoryLog, MemoryView } from './objects.fixtures.js';
import { Objects } from './objects.js';

const Pod = mustKind('Pod');

const pod = (labels: Record<string, string> = {}): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1', labels }, spec: { containers: [{ name: 'c', image: 'x' }] } });
const subject = (log: MemoryLog) => log.subjects.object(Pod, 'default', 'p');
const now = new Date('2025-01-01T10:00:00Z');
const ctx = { actor: 'admin', clock: () => now };

function setup(withView = true) {
  const log = new MemoryLog();
  const view = withView ? new MemoryView(log) : undefined;
  const pauses: number[] = [];
  const objects = new Objects(log, view, { sleep: async (ms) => void pauses.push(ms), random: () => 0 });
  /** Another writer appends `labels` to the pod, now (expecting whatever is last). */
  const other = (labels: Record<string, string>) => log.write(subject(log), { type: 'PodReplaced', data: pod(labels), metadata: { actor: 'other', time: 'x' } }, Math.max(0, ...[...log.events, ...log.corrupt].filter((e) => e.subject === subject(log)).map((e) => e.seq)));
  return { log, view, objects, pauses, other };
}

const relabel = (round: string): Decide => (current) => (current ? { object: { ...current, metadata: { ...current.metadata, labels: { round } } } } : undefined);

describe('Objects.change: read, decide, append, retry on a lost race', () => {
  it('given no object, appends the decision as a creation expecting an empty subject, with actor, cause, reason and the clock\'s time', async () => {
    const { log, objects } = setup();
    const stored = await objects.change(Pod, 'default', 'p', () => ({ object: pod(), reason: 'asked' }), { ...ctx, cause: 3 });
    expect(log.events).toMatchObject([{ seq: 1, type: 'PodCreated', metadata: { actor: 'admin', cause: 3, reason: 'asked', time: '2025-01-01T10:00:00.000Z' } }]);
    expect(log.events[0]!.data.metadata.resourceVersion).toBeUndefined();
    expect(stored?.metadata.resourceVersion).toBe('1');
  });

  it('given an object, hands the decision its current version and the time, and names a change without a type Replaced', async () => {
    const { log, objects } = setup();
    await objects.create(Pod, pod(), ctx);
    const seen: [string | undefined, Date][] = [];
    await objects.change(Pod, 'default', 'p', (cur, t) => (seen.push([cur?.metadata.resourceVersion, t]), relabel('a')(cur, t)), ctx);
    expect(seen).toEqual([['1', now]]);
    expect(log.events.map((e) => e.type)).toEqual(['PodCreated', 'PodReplaced']);
  });

  it('given a decision that writes nothing, appends nothing and returns the current version', async () => {
    const { log, objects } = setup();
    const created = await objects.create(Pod, pod(), ctx);
    await expect(objects.change(Pod, 'default', 'p', () => undefined, ctx)).resolves.toEqual(created);
    expect(log.events).toHaveLength(1);
  });

  it('given a concurrent write between read and append, reads the newer version (synced) and decides again on it', async () => {
    const { log, view, objects, pauses, other } = setup();
    await objects.create(Pod, pod(), ctx);
    log.interrupt = () => other({ by: 'other' });
    const decided: (string | undefined)[] = [];
    const stored = await objects.change(Pod, 'default', 'p', (cur, t) => (decided.push(cur?.metadata.resourceVersion), relabel('mine')(cur, t)), ctx);
    expect(decided).toEqual(['1', '2']);
    expect(view!.syncs).toBe(1);
    expect(pauses).toEqual([DEFAULT_RETRY.delayMs]);
    expect(stored?.metadata).toMatchObject({ resourceVersion: '3', labels: { round: 'mine' } });
  });

  it('given a writer that always gets there first, gives up after DEFAULT_RETRY.steps attempts with a Conflict', async () => {
    const { log, objects, other } = setup();
    await objects.create(Pod, pod(), ctx);
    let attempts = 0;
    const racing: Decide = (cur, t) => {
      attempts++;
      log.interrupt = () => other({ n: String(attempts) });
      return relabel('mine')(cur, t);
    };
    await expect(objects.change(Pod, 'default', 'p', racing, ctx)).rejects.toBeInstanceOf(ConflictError);
    expect(attempts).toBe(DEFAULT_RETRY.steps);
  });

  it('given a decision that refuses (a failed precondition), throws at once without another read', async () => {
    const { log, objects } = setup();
    await objects.create(Pod, pod(), ctx);
    let calls = 0;
    const pinned: Decide = () => {
      calls++;
      throw new ConflictError('pods', 'p', 'Precondition failed');
    };
    await expect(objects.change(Pod, 'default', 'p', pinned, ctx)).rejects.toThrow(/Precondition failed/);
    expect(calls).toBe(1);
    expect(log.events).toHaveLength(1);
  });

  it('given the object gone on a retry, hands the decision undefined (a deletion someone else finished)', async () => {
    const { log, objects } = setup();
    const created = await objects.create(Pod, pod(), ctx);
    log.interrupt = () => log.write(subject(log), { type: 'PodDeleted', data: created, metadata: { actor: 'system:node:n1', time: 'x' } }, 1);
    const seen: (KObject | undefined)[] = [];
    const left = await objects.change(Pod, 'default', 'p', (cur) => (seen.push(cur), cur ? { object: cur, type: 'PodDeleted' } : undefined), ctx);
    expect(seen.map((c) => c?.metadata.resourceVersion)).toEqual(['1', undefined]);
    expect(left).toBeUndefined();
  });

  it('runs `around` about each append, failed ones included', async () => {
    const { log, objects, other } = setup();
    await objects.create(Pod, pod(), ctx);
    log.interrupt = () => other({ by: 'other' });
    const seen: string[] = [];
    await objects.change(Pod, 'default', 'p', relabel('mine'), ctx, {
      around: async (cur, next, append) => {
        seen.push(`${cur?.metadata.resourceVersion}->${next.metadata.labels?.round}`);
        try {
          return await append();
        } catch (e) {
          seen.push('failed');
          throw e;
        }
      },
    });
    expect(seen).toEqual(['1->mine', 'failed', '2->mine']);
  });
});

describe('Objects.create', () => {
  it('given a live object with the name, fails with AlreadyExists after checking the log', async () => {
    const { objects } = setup();
    await objects.create(Pod, pod(), ctx);
    await expect(objects.create(Pod, pod(), ctx)).rejects.toBeInstanceOf(AlreadyExistsError);
  });

  it('given a name used before and deleted, creates it again, expecting the deletion\'s sequence', async () => {
    const { log, objects } = setup();
    const first = await objects.create(Pod, pod(), ctx);
    await objects.remove(Pod, first, 1, ctx);
    const again = await objects.create(Pod, pod({ life: '2' }), ctx);
    expect(again.metadata.resourceVersion).toBe('3');
    expect(log.events.map((e) => e.type)).toEqual(['PodCreated', 'PodDeleted', 'PodCreated']);
  });
});

describe('Objects.update', () => {
  it('given a stale expected version, fails with a Conflict and does not retry', async () => {
    const { log, objects, other } = setup();
    const created = await objects.create(Pod, pod(), ctx);
    other({ by: 'other' });
    await expect(objects.update(Pod, created, 1, 'PodReplaced', ctx)).rejects.toBeInstanceOf(ConflictError);
    expect(log.events).toHaveLength(2);
  });
});

describe('writes to an object whose subject ends in corrupt messages (set aside by every reader)', () => {
  it('given corrupt messages after the version read, change() retries expecting the last of them, and the next version follows the last valid one', async () => {
    for (const withView of [true, false]) {
      const { log, view, objects } = setup(withView);
      await objects.create(Pod, pod({ round: '0' }), ctx);
      log.poison(subject(log));
      const last = log.poison(subject(log));
      await view?.sync();
      const stored = await objects.change(Pod, 'default', 'p', relabel('1'), ctx);
      expect(stored?.metadata).toMatchObject({ resourceVersion: String(last + 1), labels: { round: '1' } });
      expect(log.events.map((e) => e.seq)).toEqual([1, last + 1]);
    }
  });

  it('given a name whose subject holds only corrupt messages, creates it', async () => {
    for (const withView of [true, false]) {
      const { log, objects } = setup(withView);
      const junk = log.poison(subject(log));
      const created = await objects.create(Pod, pod(), ctx);
      expect(created.metadata.resourceVersion).toBe(String(junk + 1));
    }
  });

  it('given corrupt messages after the expected version, update() appends once more expecting the last of them; a valid newer event is still a Conflict', async () => {
    const { log, objects, other } = setup();
    const created = await objects.create(Pod, pod(), ctx);
    const junk = log.poison(subject(log));
    const updated = await objects.update(Pod, { ...created, metadata: { ...created.metadata, labels: { v: '2' } } }, 1, 'PodReplaced', ctx);
    expect(updated.metadata.resourceVersion).toBe(String(junk + 1));
    other({ by: 'other' });
    log.poison(subject(log));
    await expect(objects.update(Pod, updated, junk + 1, 'PodReplaced', ctx)).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('Objects without a projection (the agent)', () => {
  it('reads the current version from the log, and a deleted object as none', async () => {
    const { log, objects } = setup(false);
    await objects.create(Pod, pod(), ctx);
    const stored = await objects.change(Pod, 'default', 'p', relabel('x'), ctx);
    expect(stored?.metadata).toMatchObject({ resourceVersion: '2', labels: { round: 'x' } });
    await objects.change(Pod, 'default', 'p', (cur) => (cur ? { object: cur, type: 'PodDeleted' } : undefined), ctx);
    const must: Decide = (cur) => {
      if (!cur) throw new NotFoundError('pods', 'p');
      return undefined;
    };
    await expect(objects.change(Pod, 'default', 'p', must, ctx)).rejects.toBeInstanceOf(NotFoundError);
    expect(log.events.map((e) => e.type)).toEqual(['PodCreated', 'PodReplaced', 'PodDeleted']);
  });
});
