import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KObject, mustKind } from '@wharf/model';
import { EventStore, Projection } from '@wharf/store';
import { startNats, type NatsHandle } from './harness/nats.js';
import { BIN, startApi, type ApiHandle } from './harness/api.js';
import { run } from './harness/exec.js';

const ns = '/api/v1/namespaces/default';
const Pod = mustKind('Pod');
const cluster = 'poison';

type Entry = { revision: number; type: string; kind: string; namespace: string; name: string; change: string; subject?: string; reason?: string };
type List = { metadata: { resourceVersion: string }; items: KObject[] };
type Verify = { differences: unknown[]; corrupt: { count: number; items: { seq: number; subject: string; reason: string }[] } };

const podBody = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:1' }] } });
const meta = () => ({ actor: 'mallory', time: new Date().toISOString() });

describe('a poisoned event log (real nats-server and wharf-api)', () => {
  let nats: NatsHandle;
  let api: ApiHandle;
  let store: EventStore;
  const json = async <T = Record<string, unknown>>(path: string, init?: RequestInit & { json?: unknown }): Promise<T> => {
    const r = await api.fetch(path, { signal: AbortSignal.timeout(8000), ...init });
    if (!r.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
  const wharf = (...args: string[]) => run(process.execPath, [BIN.cli, ...args], { env: { HOME: api.home, WHARF_CONFIG: api.configPath } });

  beforeAll(async () => {
    nats = await startNats();
    api = await startApi({ natsUrl: nats.url, cluster });
    store = await EventStore.connect({ natsUrl: nats.url, cluster, name: 'poisoner' });
  });
  afterAll(async () => {
    await store?.close();
    await api?.stop();
    await nats?.stop();
  });

  it('one malformed message in the event log wedges the projection: junk and half-valid messages are set aside, the API stays ready and restarts ready, and the state is what the good events say', async () => {
    // Given: a pod with two good versions, and projections following the log (as the reconcilers' do).
    await json(`${ns}/pods`, { method: 'POST', json: podBody('web', { v: '1' }) });
    const good = await json<KObject>(`${ns}/pods/web`, { method: 'PATCH', json: { metadata: { labels: { v: '2' } } }, headers: { 'content-type': 'application/merge-patch+json' } });
    const goodRv = good.metadata.resourceVersion!;
    const following = new Projection(store);
    await following.start();

    // When: junk and half-valid messages are appended straight to the stream, on object subjects.
    const web = store.subjects.object(Pod, 'default', 'web');
    const publish = async (subject: string, payload: string | Uint8Array) => (await store.js.publish(subject, payload)).seq;
    const validWeb = { ...good, metadata: { ...good.metadata, resourceVersion: undefined, labels: { v: 'evil' } } };
    const poison = [
      { seq: await publish(store.subjects.object(Pod, 'default', 'junk'), new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x7b, 0x7b])), reason: /^not JSON/ },
      { seq: await publish(web, '[1,2,3]'), reason: /^not an event: the message is an array/ },
      { seq: await publish(web, JSON.stringify({ type: 'PodTeleported', data: validWeb, metadata: meta() })), reason: /unknown event type "PodTeleported" for kind Pod/ },
      { seq: await publish(store.subjects.object(Pod, 'default', 'nameless'), JSON.stringify({ type: 'PodCreated', data: { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'default' }, spec: podBody('x').spec }, metadata: meta() })), reason: /data.metadata.name is missing/ },
      // The newest message of the existing pod's subject: a Pod whose data fails the schema.
      { seq: await publish(web, JSON.stringify({ type: 'PodReplaced', data: { ...validWeb, spec: { containers: 'nginx' } }, metadata: meta() })), reason: /does not fit the Pod schema: spec.containers/ },
    ];
    const lastPoison = poison.at(-1)!.seq;

    // Then: the API stays ready and answers lists and gets (no 504): the pod keeps its last good version.
    const expectGoodState = async () => {
      expect((await api.fetch('/readyz')).status).toBe(200);
      const pods = await json<List>(`${ns}/pods`);
      expect(Number(pods.metadata.resourceVersion)).toBeGreaterThanOrEqual(lastPoison);
      expect(pods.items.map((p) => [p.metadata.name, p.metadata.resourceVersion, p.metadata.labels])).toEqual([['web', goodRv, { v: '2' }]]);
      expect((await api.fetch(`${ns}/pods/junk`)).status).toBe(404);
    };
    await expectGoodState();
    await following.sync();
    expect(following.seq).toBe(lastPoison);
    expect(following.get('Pod', 'default', 'web')?.metadata.resourceVersion).toBe(goodRv);
    expect(following.corrupt.count).toBe(5);
    expect(following.corrupt.recent.map((c) => c.seq)).toEqual(poison.map((p) => p.seq));
    // A projection catching up (compacted: only the newest message per subject) ends the same.
    const caughtUp = new Projection(store);
    await caughtUp.start();
    expect(caughtUp.seq).toBe(lastPoison);
    expect(caughtUp.list('Pod')).toEqual(following.list('Pod'));
    expect(caughtUp.corrupt.count).toBe(3);
    // Time travel passes over them too: nothing changed since the good version.
    expect((await json<{ items: unknown[] }>(`/wharf/v1/diff?from=${goodRv}`)).items).toEqual([]);

    // The audit log lists each one in its place, as a CorruptEvent with its subject and reason.
    const audit = await json<{ items: Entry[] }>('/wharf/v1/audit');
    const corrupt = audit.items.filter((e) => e.type === 'CorruptEvent');
    expect(corrupt.map((e) => e.revision)).toEqual(poison.map((p) => p.seq));
    poison.forEach((p, i) => expect(corrupt[i]!.reason).toMatch(p.reason));
    expect(corrupt.map((e) => [e.kind, e.namespace, e.name])).toEqual([['Pod', 'default', 'junk'], ['Pod', 'default', 'web'], ['Pod', 'default', 'web'], ['Pod', 'default', 'nameless'], ['Pod', 'default', 'web']]);
    expect(corrupt[1]!.subject).toBe(web);
    const events = await wharf('events', '--kind', 'pods');
    expect(events.code, events.stderr).toBe(0);
    expect(events.stdout).toMatch(new RegExp(`${poison[2]!.seq}\\s+CorruptEvent\\s+pod/web\\s+unknown event type "PodTeleported"`));
    expect(events.stdout).toMatch(/PodReplaced\s+pod\/web\s+admin/);

    // Replay verification reports them and finds no difference.
    const verify = await json<Verify>('/wharf/v1/replay/verify');
    expect(verify.differences).toEqual([]);
    expect(verify.corrupt.count).toBe(5);
    expect(verify.corrupt.items.map((c) => c.seq)).toEqual(poison.map((p) => p.seq));
    const cli = await wharf('replay', '--verify');
    expect(cli.code, cli.stdout + cli.stderr).toBe(0);
    expect(cli.stdout).toContain('identical to the live state');
    expect(cli.stdout).toContain('5 corrupt messages in the log passed over');

    // Writes go on after the poisoned tail, and a watch from before the poison sees them, not the poison.
    const watch = api.fetch(`${ns}/pods?watch=true&resourceVersion=${goodRv}&timeoutSeconds=3`);
    await json(`${ns}/pods`, { method: 'POST', json: podBody('after') });
    const lines = (await (await watch).text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: KObject });
    expect(lines.map((l) => [l.type, l.object.metadata.name])).toEqual([['ADDED', 'after']]);

    // A restart (kill -9) becomes ready again, catching up over the poisoned log to the same state.
    await api.kill();
    await api.restart();
    const pods = await json<List>(`${ns}/pods`);
    expect(pods.items.map((p) => [p.metadata.name, p.metadata.resourceVersion])).toEqual([['after', String(lastPoison + 1)], ['web', goodRv]]);
    expect((await json<Verify>('/wharf/v1/replay/verify')).differences).toEqual([]);
    following.stop();
    caughtUp.stop();
  });

  it('writes go on from the last valid version of an object whose subject ends in corrupt messages, and to names that hold only corrupt ones', async () => {
    const before = await json<KObject>(`${ns}/pods/web`);
    const { seq: tail } = await store.tail(store.subjects.object(Pod, 'default', 'web'));
    expect(tail).toBeGreaterThan(Number(before.metadata.resourceVersion));
    const patched = await json<KObject>(`${ns}/pods/web`, { method: 'PATCH', json: { metadata: { labels: { v: '3' } } }, headers: { 'content-type': 'application/merge-patch+json' } });
    expect(patched.metadata.labels).toEqual({ v: '3' });
    expect(Number(patched.metadata.resourceVersion)).toBeGreaterThan(tail);
    const junk = await api.fetch(`${ns}/pods`, { method: 'POST', json: podBody('junk') });
    expect(junk.status, await junk.clone().text()).toBe(201);
    const history = await json<{ items: Entry[] }>('/wharf/v1/history/namespaces/default/pods/web');
    expect(history.items.map((e) => e.type)).toEqual(['PodCreated', 'PodReplaced', 'PodReplaced']);
    expect(history.items[2]!.change).toBe('metadata.labels.v: 2 → 3');
    expect((await json<Verify>('/wharf/v1/replay/verify')).differences).toEqual([]);
  });
});
