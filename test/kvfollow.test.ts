/**
 * Following a KV bucket through the loss of a server (#15): on a real three-server NATS cluster,
 * SIGKILL the server holding a watch's one-replica consumer, once where it follows the R3 bucket
 * and once where it leads it. A plain kv.watch with its consumer there goes silent until nats.js
 * misses two 30 s heartbeats; a KvFollow watches again once the bucket names another leader or a
 * peer that stopped answering. Across the restarts it delivers in order, never twice, every put
 * not overwritten meanwhile (the bucket keeps one value per key), and ends holding what the
 * bucket holds; a filtered follow sees only its keys. And a single server killed and started
 * again on its store: the follow watches again once its connection is back (the server may not
 * hold its consumer any more), and misses and repeats nothing across it.
 */
import { type KV, type KvEntry, KvWatchInclude } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, ensureBucket, EventStore, KvFollow } from '@wharf/store';
import { startNats, startNatsCluster, type NatsHandle } from './harness/nats.js';
import { type ConsumerPlace, consumerHosts, streamLeader, waitForStreamLeader } from './harness/natsleaders.js';
import { eventually } from './harness/ports.js';

const BUCKET = 'wharf_KVF_test';
const STREAM = `KV_${BUCKET}`;
const log = createLogger('test', process.env.KVF_LOG ?? 'warn');

/** Collects what an iterable delivers, with when, until stopped. */
function collect(source: AsyncIterable<KvEntry>): { got: { e: KvEntry; at: number }[]; ended: Promise<void> } {
  const got: { e: KvEntry; at: number }[] = [];
  const ended = (async () => {
    for await (const e of source) got.push({ e, at: Date.now() });
  })();
  return { got, ended };
}

/** Each key's revision, as the bucket holds it now. */
async function contents(kv: KV): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const keys: string[] = [];
  for await (const k of await kv.keys()) keys.push(k);
  for (const k of keys) {
    const e = await kv.get(k);
    if (e?.operation === 'PUT') out.set(k, e.revision);
  }
  return out;
}

/** Each key's revision after applying what a follow delivered, in order. */
function fold(got: { e: KvEntry }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const { e } of got) {
    if (e.operation === 'PUT') out.set(e.key, e.revision);
    else out.delete(e.key);
  }
  return out;
}

const increasing = (got: { e: KvEntry }[]) => got.every((g, i) => i === 0 || g.e.revision > got[i - 1]!.e.revision);
const only = (m: Map<string, number>, prefix: string) => new Map([...m].filter(([k]) => k.startsWith(prefix)));
const equalMaps = (a: Map<string, number>, b: Map<string, number>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

describe('KvFollow', () => {
  let nats: NatsHandle;
  let writerStore: EventStore;
  let readerStore: EventStore;
  let writer: KV;
  let reader: KV;

  beforeAll(async () => {
    nats = await startNatsCluster(3);
    writerStore = await EventStore.connect({ natsUrl: nats.url, cluster: 'kvf', name: 'writer', replicas: 3 });
    readerStore = await EventStore.connect({ natsUrl: nats.url, cluster: 'kvf', name: 'reader', replicas: 3 });
    writer = await ensureBucket(writerStore, BUCKET, { history: 1 });
    reader = await ensureBucket(readerStore, BUCKET, { history: 1 });
    await eventually(async () => ((await streamLeader(nats, STREAM)) ? true : undefined), 30_000, 200);
  }, 120_000);

  afterAll(async () => {
    await readerStore?.close();
    await writerStore?.close();
    await nats?.stop();
  });

  it('delivers every revision once, in order, when the server holding its consumer dies: a follower of the bucket, then its leader', async () => {
    const written: { key: string; rev: number }[] = [];
    const put = async (key: string, value: string) => written.push({ key, rev: await writer.put(key, value) });
    for (let i = 0; i < 5; i++) await put(`a.${i}`, `before ${i}`);
    const follow = new KvFollow(reader, { log });
    const followed = collect(follow);
    const filtered = new KvFollow(reader, { key: 'b.>', log });
    const onlyB = collect(filtered);
    await eventually(() => (followed.got.length === 5 ? true : undefined), 30_000, 50);
    const consumers = async () => consumerHosts(nats, STREAM);
    // Each kind of watch by its consumer: the follow of the whole bucket resumes from a revision,
    // the filtered follow names b.>, the plain watch delivers only new puts.
    const whole = `$KV.${BUCKET}.>`;
    const ofFollow = (c: ConsumerPlace) => (c.config.filter_subject ?? whole) === whole && c.config.deliver_policy === 'by_start_sequence';
    const ofPlain = (c: ConsumerPlace) => c.config.deliver_policy === 'new';
    /** The server of the one consumer of its kind made since `before`; undefined when another one of the kind was made too (a guard's restart meanwhile). */
    const made = async (before: Map<string, ConsumerPlace>, kind: (c: ConsumerPlace) => boolean) => {
      const fresh = await eventually(async () => {
        const now = [...(await consumers())].filter(([name, c]) => !before.has(name) && kind(c));
        return now.length ? now : undefined;
      }, 20_000, 100);
      return fresh.length === 1 ? fresh[0]![1].host : undefined;
    };

    for (const role of ['follower', 'leader'] as const) {
      const leader = (await waitForStreamLeader(nats, STREAM)).name;
      // A one-replica consumer is placed on any peer of the stream: the follow watches again
      // until its consumer is on a server of the role this round is about.
      let host: string | undefined;
      for (let tries = 0; tries < 30 && !host; tries++) {
        const before = await consumers();
        follow.restart(`placing its consumer on the ${role}`);
        const on = await made(before, ofFollow);
        if (on && (on === leader) === (role === 'leader')) host = on;
      }
      expect(host, `no consumer landed on the ${role} in 30 tries`).toBeDefined();
      // A plain kv.watch with its consumer on the same server, for comparison.
      let plain: ReturnType<typeof collect> | undefined;
      let plainWatch: { stop(): void } | undefined;
      for (let tries = 0; tries < 30 && !plain; tries++) {
        const before = await consumers();
        const w = await reader.watch({ include: KvWatchInclude.UpdatesOnly });
        if ((await made(before, ofPlain)) === host) {
          plain = collect(w as AsyncIterable<KvEntry>);
          plainWatch = w;
        } else w.stop();
      }
      const server = nats.servers.find((x) => x.name === host)!;
      const lastBefore = written.at(-1)!.rev;
      const killed = Date.now();
      server.kill();
      // Puts go on every 200 ms; one that fails (no leader yet) is tried again.
      let stop = false;
      const writing = (async () => {
        for (let i = 0; !stop; i++) {
          for (;;) {
            try {
              await put(i % 2 ? `a.${i % 5}` : `b.${i % 3}`, `${role} ${i}`);
              break;
            } catch {
              if (stop) return;
              await new Promise((r) => setTimeout(r, 200));
            }
          }
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
      const firstAfter = (c: ReturnType<typeof collect>) => c.got.find((g) => g.e.revision > lastBefore)?.at;
      await eventually(() => firstAfter(followed), 60_000, 50);
      // A few more seconds of writes, then the follow has had the time to deliver them.
      await new Promise((r) => setTimeout(r, 3000));
      stop = true;
      await writing;
      await eventually(() => ((followed.got.at(-1)?.e.revision ?? 0) >= written.at(-1)!.rev ? true : undefined), 20_000, 50);
      const plainFirst = plain && firstAfter(plain);
      const newLeader = (await waitForStreamLeader(nats, STREAM)).name;
      console.log(
        `${role} ${host} (leader ${leader}, then ${newLeader}) killed with the follow's consumer on it; the first put after the kill delivered by KvFollow ${firstAfter(followed)! - killed} ms after the kill, ` +
          `by a plain kv.watch with its consumer there too ${plain ? (plainFirst ? `${plainFirst - killed} ms` : `not within ${Date.now() - killed} ms`) : '(none placed there)'} after it`,
      );
      plainWatch?.stop();

      // The bucket keeps one value per key (history 1): a value overwritten while the watch was
      // being made again is gone from the bucket, and a watch cannot deliver it. What the follow
      // must do: deliver in order, never twice, and end holding exactly what the bucket holds.
      // (Read again when a read fails: the meta group may still be electing after the kill.)
      const bucket = await eventually(() => contents(writer), 30_000, 500);
      const last = await eventually(async () => (await writer.status()).streamInfo.state.last_seq, 30_000, 500);
      if (process.env.KVF_LOG) console.log(`killed at ${killed}: ${followed.got.map((g) => `${g.e.revision}@${g.at - killed}`).join(' ')}`);
      expect(increasing(followed.got)).toBe(true);
      expect(fold(followed.got)).toEqual(bucket);
      expect(follow.revision).toBe(last);
      // Every acknowledged put was delivered, or overwritten by a later put of its key that was.
      for (const w of written) expect(followed.got.some((g) => g.e.revision === w.rev) || bucket.get(w.key)! > w.rev, `revision ${w.rev} of ${w.key}`).toBe(true);
      // The filtered follow: only b.* keys, in order, ending with what the bucket holds under b.
      await eventually(() => (equalMaps(fold(onlyB.got), only(bucket, 'b.')) ? true : undefined), 20_000, 50);
      expect(onlyB.got.every((g) => g.e.key.startsWith('b.'))).toBe(true);
      expect(increasing(onlyB.got)).toBe(true);

      // The server comes back and is a current replica before the next round.
      await server.restart();
      await eventually(async () => {
        const c = (await writer.status()).streamInfo.cluster;
        return c?.leader && c.replicas?.length === 2 && c.replicas.every((r) => r.current && !r.offline) ? true : undefined;
      }, 60_000, 200);
    }
    follow.stop();
    filtered.stop();
    await followed.ended;
    await onlyB.ended;
  }, 300_000);

  it('starts after a given revision, and goes on from the next one when restarted', async () => {
    const first = await writer.put('c.0', 'one');
    const second = await writer.put('c.1', 'two');
    const follow = new KvFollow(reader, { key: 'c.>', after: first });
    const c = collect(follow);
    await eventually(() => (c.got.length === 1 ? true : undefined), 10_000, 20);
    expect(c.got[0]!.e.revision).toBe(second);
    follow.restart('told to');
    const third = await writer.put('c.2', 'three');
    await eventually(() => (c.got.length === 2 ? true : undefined), 10_000, 20);
    expect(c.got.map((g) => g.e.revision)).toEqual([second, third]);
    follow.stop();
    await c.ended;
  }, 60_000);
});

describe('KvFollow on a single server', () => {
  let nats: NatsHandle;
  let store: EventStore;
  afterAll(async () => {
    await store?.close();
    await nats?.stop();
  });

  it('watches again once the connection to a restarted server is back, missing nothing and repeating nothing', async () => {
    // (A file-stored consumer survives a restart of its one server; a consumer the server no
    // longer holds is what the restart is for, and this checks the restart itself.)
    nats = await startNats();
    store = await EventStore.connect({ natsUrl: nats.url, cluster: 'kvf1', name: 'single' });
    const kv = await ensureBucket(store, BUCKET, { history: 1 });
    const first = await kv.put('a', 'one');
    const follow = new KvFollow(kv, { log });
    const c = collect(follow);
    await eventually(() => (c.got.length === 1 ? true : undefined), 10_000, 20);
    const server = nats.servers[0]!;
    const restartsBefore = follow.restarts;
    server.kill();
    await new Promise((r) => setTimeout(r, 1000));
    await server.restart();
    // Puts once the server answers again (the client reconnects by itself).
    const revs: number[] = [];
    for (let i = 0; i < 5; i++) revs.push(await eventually(() => kv.put(`k${i}`, `after ${i}`), 20_000, 200));
    const t0 = Date.now();
    await eventually(() => (follow.revision >= revs.at(-1)! ? true : undefined), 20_000, 50);
    expect(follow.restarts, 'watches made again after the reconnection').toBeGreaterThan(restartsBefore);
    console.log(`single server restarted: the puts after it delivered ${Date.now() - t0} ms after the last was acknowledged`);
    expect(c.got.map((g) => g.e.revision)).toEqual([first, ...revs]);
    follow.stop();
    await c.ended;
  }, 60_000);
});
