/**
 * Idempotent writes without servers: a write whose acknowledgement is lost, or a client request
 * sent again, lands once and is answered with what it stored, on one server (which answers a
 * duplicate id first) and on an R3 stream (which checks the expected sequence first).
 */
import { TimeoutError } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';
import { AlreadyExistsError, ConflictError, type Decide, type KObject, mustKind } from '@wharf/model';
import { DUPLICATE_WINDOW_SECONDS, requestKey, taggedUid } from './dedup.js';
import { MemoryLog, MemoryView } from './objects.fixtures.js';
import { Objects, type WriteContext } from './objects.js';

const Pod = mustKind('Pod');
const created = new Date('2025-01-01T10:00:00Z');
const key = (body: unknown, actor = 'admin') => requestKey({ actor, verb: 'create', kind: 'Pod', namespace: 'default', name: 'p', body })!;
/** The pod one create request makes: its uid carries the request's tag. */
const pod = (request: string, labels: Record<string, string> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: taggedUid(request), creationTimestamp: created.toISOString(), labels },
  spec: { containers: [{ name: 'c', image: 'x' }] },
});
const relabel = (round: string): Decide => (current) => (current ? { object: { ...current, metadata: { ...current.metadata, labels: { round } } } } : undefined);

function setup(mode: 'single' | 'r3', outageBudgetMs = 60_000) {
  const log = new MemoryLog();
  log.mode = mode;
  const view = new MemoryView(log);
  const pauses: number[] = [];
  const objects = new Objects(log, view, { sleep: async (ms) => void pauses.push(ms), random: () => 0, outageBudgetMs });
  const at = (s: number): WriteContext => ({ actor: 'admin', clock: () => new Date(created.getTime() + s * 1000) });
  return { log, view, objects, pauses, at };
}

for (const mode of ['single', 'r3'] as const) {
  describe(`an append whose outcome is unknown (${mode === 'single' ? 'one server' : 'an R3 stream'})`, () => {
    it('given the acknowledgement lost, sends it again with the same id and answers with the one event stored', async () => {
      const { log, objects, at } = setup(mode);
      log.deliveries = ['unacked'];
      const stored = await objects.create(Pod, pod('a'.repeat(32)), at(0));
      expect(stored.metadata.resourceVersion).toBe('1');
      expect(log.events.map((e) => e.type)).toEqual(['PodCreated']);
      expect(new Set(log.sent.map((s) => s.msgId)).size).toBe(1);
    });

    it('given the append lost twice, sends it until it lands, pausing between sends', async () => {
      const { log, objects, pauses, at } = setup(mode);
      log.deliveries = ['lost', 'lost'];
      await objects.create(Pod, pod('a'.repeat(32)), at(0));
      expect(log.sent).toHaveLength(3);
      expect(log.events).toHaveLength(1);
      expect(pauses).toHaveLength(2);
    });

    it('given an update whose acknowledgement is lost, answers with the version it stored', async () => {
      const { log, objects, at } = setup(mode);
      await objects.create(Pod, pod('a'.repeat(32)), at(0));
      log.deliveries = ['unacked'];
      const stored = await objects.change(Pod, 'default', 'p', relabel('1'), { ...at(1), request: 'r1' });
      expect(stored?.metadata).toMatchObject({ resourceVersion: '2', labels: { round: '1' } });
      expect(log.events.map((e) => e.type)).toEqual(['PodCreated', 'PodReplaced']);
    });

    it('given the log away for longer than the outage budget, gives up with the outage', async () => {
      const { log, objects, at } = setup(mode, 0);
      log.deliveries = ['lost', 'lost'];
      await expect(objects.create(Pod, pod('a'.repeat(32)), at(0))).rejects.toBeInstanceOf(TimeoutError);
      expect(log.events).toHaveLength(0);
    });
  });

  describe(`a client request sent again (${mode === 'single' ? 'one server' : 'an R3 stream'})`, () => {
    it('given a create that landed, answers its retry with the object it made, not AlreadyExists', async () => {
      const { log, objects, at } = setup(mode);
      const k = key({ spec: 1 });
      const first = await objects.create(Pod, pod(k), { ...at(0), request: k });
      const retry = await objects.create(Pod, pod(k), { ...at(5), request: k });
      expect(retry).toEqual(first);
      expect(log.events.map((e) => e.type)).toEqual(['PodCreated']);
    });

    it('given the object it made since changed by a controller, answers with the object as it is now', async () => {
      const { objects, at } = setup(mode);
      const k = key({ spec: 1 });
      await objects.create(Pod, pod(k), { ...at(0), request: k });
      await objects.change(Pod, 'default', 'p', relabel('bound'), { actor: 'system:scheduler' });
      const retry = await objects.create(Pod, pod(k), { ...at(5), request: k });
      expect(retry.metadata).toMatchObject({ resourceVersion: '2', labels: { round: 'bound' } });
    });

    it('given the name taken by another request (another user, another body) or by its own request too long ago, fails with AlreadyExists', async () => {
      const { objects, at } = setup(mode);
      const k = key({ spec: 1 });
      await objects.create(Pod, pod(k), { ...at(0), request: k });
      await expect(objects.create(Pod, pod(key({ spec: 1 }, 'alice')), { ...at(1), request: key({ spec: 1 }, 'alice') })).rejects.toBeInstanceOf(AlreadyExistsError);
      await expect(objects.create(Pod, pod(key({ spec: 2 })), { ...at(1), request: key({ spec: 2 }) })).rejects.toBeInstanceOf(AlreadyExistsError);
      await expect(objects.create(Pod, pod(k), { ...at(DUPLICATE_WINDOW_SECONDS + 1), request: k })).rejects.toBeInstanceOf(AlreadyExistsError);
    });

    it('given the object it made deleted, creates the same body again as a new object (never the old one)', async () => {
      const { log, objects, at } = setup(mode);
      const k = key({ spec: 1 });
      const first = await objects.create(Pod, pod(k), { ...at(0), request: k });
      await objects.remove(Pod, first, 1, at(1));
      const again = await objects.create(Pod, pod(k), { ...at(2), request: k });
      expect(again.metadata.resourceVersion).toBe('3');
      expect(again.metadata.uid).not.toBe(first.metadata.uid);
      expect(log.events.map((e) => e.type)).toEqual(['PodCreated', 'PodDeleted', 'PodCreated']);
    });

    it('given an update pinned to a version that its first send used up, recalls what that send stored; another writer\'s version is no answer', async () => {
      const { objects, at } = setup(mode);
      await objects.create(Pod, pod('a'.repeat(32)), at(0));
      await objects.change(Pod, 'default', 'p', relabel('mine'), { ...at(1), request: 'put-1' });
      expect((await objects.recall(Pod, 'default', 'p', 1, 'put-1'))?.metadata).toMatchObject({ resourceVersion: '2', labels: { round: 'mine' } });
      expect(await objects.recall(Pod, 'default', 'p', 1, 'put-2')).toBeUndefined();
      await objects.change(Pod, 'default', 'p', relabel('other'), at(2));
      expect(await objects.recall(Pod, 'default', 'p', 2, 'put-1')).toBeUndefined();
    });

    it('given an unpinned update sent again after its base moved on, writes it on the new base (last writer wins)', async () => {
      const { log, objects, at } = setup(mode);
      await objects.create(Pod, pod('a'.repeat(32)), at(0));
      await objects.change(Pod, 'default', 'p', relabel('mine'), { ...at(1), request: 'put-1' });
      await objects.change(Pod, 'default', 'p', relabel('other'), at(2));
      const again = await objects.change(Pod, 'default', 'p', relabel('mine'), { ...at(3), request: 'put-1' });
      expect(again?.metadata).toMatchObject({ resourceVersion: '4', labels: { round: 'mine' } });
      expect(log.events).toHaveLength(4);
    });

    it('given a concurrent writer, a stale append of this request is still a Conflict after the retries', async () => {
      const { log, objects, at } = setup(mode);
      await objects.create(Pod, pod('a'.repeat(32)), at(0));
      let n = 0;
      const racing: Decide = (cur, t) => {
        log.interrupt = () => log.write(log.subjects.object(Pod, 'default', 'p'), { type: 'PodReplaced', data: pod('b'.repeat(32), { n: String(n++) }), metadata: { actor: 'other', time: 'x' } }, log.length);
        return relabel('mine')(cur, t);
      };
      await expect(objects.change(Pod, 'default', 'p', racing, { ...at(1), request: 'put-1' })).rejects.toBeInstanceOf(ConflictError);
    });
  });
}
