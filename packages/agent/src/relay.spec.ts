import { describe, expect, it } from 'vitest';
import { ForbiddenError, type KObject, mustKind, NotFoundError } from '@wharf/model';
import { createLogger, RelayUnavailableError } from '@wharf/store';
import { RelayObjects } from './relay.js';

const Pod = mustKind('Pod');
const pod = (rv: string, phase: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u', resourceVersion: rv }, spec: { containers: [], nodeName: 'n1' }, status: { phase } }) as unknown as KObject;
const status = (code: number, reason: string, extra: Record<string, unknown> = {}) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message: `${reason}!`, ...extra });

/** A relay that answers from a script, recording what it was asked. */
class ScriptedClient {
  readonly node = 'n1';
  readonly asked: { op: string; body: Record<string, unknown> }[] = [];
  constructor(readonly answers: (unknown | Error)[]) {}
  async request(op: string, body: unknown): Promise<unknown> {
    this.asked.push({ op, body: body as Record<string, unknown> });
    const a = this.answers.shift();
    if (a instanceof Error) throw a;
    return a;
  }
}

const silent = createLogger('relay-spec', 'silent');
const toRunning = (cur: KObject | undefined) => (cur ? { object: { ...cur, status: { phase: 'Running' } } as KObject, type: 'PodStatusUpdated' as const } : undefined);

describe('RelayObjects', () => {
  it('given a current pod, when the decision writes, then it puts expecting the version read and returns what was stored', async () => {
    const client = new ScriptedClient([{ object: pod('3', 'Pending') }, { object: pod('4', 'Running') }]);
    const stored = await new RelayObjects(client, silent).change(Pod, 'default', 'p', toRunning, { cause: 3, reason: 'r' });
    expect(stored?.metadata.resourceVersion).toBe('4');
    expect(client.asked[1]).toMatchObject({ op: 'put', body: { kind: 'Pod', namespace: 'default', name: 'p', expectedResourceVersion: 3, type: 'PodStatusUpdated', cause: 3, reason: 'r' } });
  });

  it('given a Conflict, then it decides again on the current object the relay returned, without another get', async () => {
    const client = new ScriptedClient([{ object: pod('3', 'Pending') }, status(409, 'Conflict', { current: pod('5', 'Pending') }), { object: pod('6', 'Running') }]);
    await new RelayObjects(client, silent).change(Pod, 'default', 'p', toRunning, {});
    expect(client.asked.map((a) => a.op)).toEqual(['get', 'put', 'put']);
    expect(client.asked[2]?.body.expectedResourceVersion).toBe(5);
  });

  it('given refusals, then they come back as the model error classes', async () => {
    await expect(new RelayObjects(new ScriptedClient([{ object: pod('3', 'Pending') }, status(403, 'Forbidden')]), silent).change(Pod, 'default', 'p', toRunning, {})).rejects.toBeInstanceOf(ForbiddenError);
    const notFound = (cur: KObject | undefined) => {
      if (!cur) throw new NotFoundError('pods', 'p');
      return undefined;
    };
    await expect(new RelayObjects(new ScriptedClient([status(404, 'NotFound')]), silent).change(Pod, 'default', 'p', notFound, {})).rejects.toBeInstanceOf(NotFoundError);
  });

  it('given no relay, then a write fails at once and the relay is not asked again before the back-off', async () => {
    const client = new ScriptedClient([new RelayUnavailableError('s', 'no responders')]);
    const objects = new RelayObjects(client, silent);
    await expect(objects.change(Pod, 'default', 'p', toRunning, {})).rejects.toBeInstanceOf(RelayUnavailableError);
    await expect(objects.change(Pod, 'default', 'p', toRunning, {})).rejects.toBeInstanceOf(RelayUnavailableError);
    expect(client.asked).toHaveLength(1);
  });

  it('given no relay and a write that waits, then it asks again after the back-off until one answers', async () => {
    const client = new ScriptedClient([new RelayUnavailableError('s', 'no responders'), new RelayUnavailableError('s', 'timeout'), { object: pod('3', 'Pending') }, { object: pod('4', 'Running') }]);
    const pauses: number[] = [];
    const objects = new RelayObjects(client, silent, async (ms) => {
      pauses.push(ms);
      await new Promise((r) => setTimeout(r, Math.min(ms, 5)));
    });
    const stored = await objects.change(Pod, 'default', 'p', toRunning, {}, { wait: true });
    expect(stored?.metadata.resourceVersion).toBe('4');
    expect(pauses.length).toBeGreaterThanOrEqual(2);
  });
});
