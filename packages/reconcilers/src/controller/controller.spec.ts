import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { type Change, emptyState, type KObject } from '@wharf/model';
import type { ChangeListener } from '@wharf/store';
import { Controller, TerminalError } from './controller.js';
import { WorkQueue } from './queue.js';
import { ExponentialBackoff } from './ratelimit.js';

/** A stand-in projection: just a change feed and a state. */
function fakeProjection() {
  let listener: ChangeListener | undefined;
  const state = emptyState();
  const p = {
    state,
    onChange: (l: ChangeListener) => {
      listener = l;
      return () => (listener = undefined);
    },
  };
  const created = (seq: number, name: string): Change => {
    const object: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name } };
    return { seq, type: 'ADDED', event: { seq, subject: 's', type: 'PodCreated', data: object, metadata: { actor: 't', time: '' } }, object, previous: undefined };
  };
  return { p, emit: (seq: number, name: string) => listener?.([created(seq, name)], state) };
}

const log = pino({ level: 'silent' });
const until = async (f: () => boolean) => {
  for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('Controller', () => {
  it('maps changes to keys, passes the triggering seq as cause and actor system:<name>', async () => {
    const { p, emit } = fakeProjection();
    const seen: unknown[] = [];
    const c = new Controller({ name: 'demo', projection: p, log, watches: [(ch) => `Pod//${ch.object.metadata.name}`], reconcile: (key, ctx) => void seen.push([key, ctx.write]) });
    c.start();
    emit(4, 'a');
    await until(() => seen.length === 1);
    expect(seen).toEqual([['Pod//a', { actor: 'system:demo', cause: 4 }]]);
    await c.stop();
  });

  it('survives a thrown error, retries with back-off, and drops a terminal error', async () => {
    const { p } = fakeProjection();
    const calls: string[] = [];
    const c = new Controller({
      name: 'demo',
      projection: p,
      log,
      watches: [],
      resync: () => ['boom', 'fatal'],
      queue: new WorkQueue(new ExponentialBackoff(1, 10)),
      reconcile: (key) => {
        calls.push(key);
        if (key === 'fatal') throw new TerminalError('no');
        if (calls.filter((k) => k === 'boom').length < 3) throw new Error('transient');
        return undefined;
      },
    });
    c.start();
    await until(() => calls.filter((k) => k === 'boom').length === 3);
    await new Promise((r) => setTimeout(r, 30));
    expect(calls.filter((k) => k === 'boom')).toHaveLength(3);
    expect(calls.filter((k) => k === 'fatal')).toHaveLength(1);
    await c.stop();
  });
});
