/**
 * A secured NATS (as `wharf init` makes it): every connection authenticated and encrypted, and
 * each component confined to what it needs, down to JetStream API subjects. Each forgery below
 * uses the credentials an attacker would have: none, a CA-signed certificate alone, or one
 * node's credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCert, makeCA } from '@wharf/pki';
import { connectNats, EventStore, NodeFeed, PodCIDRClaims } from '@wharf/store';
import { encodeToken } from '@wharf/model';
import { launch, stopAll } from './harness/nats.js';
import { freePort } from './harness/ports.js';
import { startSecureNats, type SecureNats } from './harness/secure.js';

const CLUSTER = 'sec';
let nats: SecureNats;
let api: EventStore;

/** Runs `f`; resolves to the error's message (or 'ok'). */
async function outcome(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
    return 'ok';
  } catch (e) {
    return (e as Error).message || (e as Error).name;
  }
}

beforeAll(async () => {
  nats = await startSecureNats(CLUSTER);
  api = await EventStore.connect({ natsUrl: nats.url, cluster: CLUSTER, name: 'test-api', auth: await nats.credentials('api') });
  // The buckets the API server makes at start.
  const kvm = new Kvm(api.nc);
  for (const b of [api.subjects.authBucket, api.subjects.heartbeatBucket, api.subjects.nodeFeedBucket, api.subjects.proxyBucket, api.subjects.podCIDRBucket]) await kvm.create(b, { history: 1 });
  await (await kvm.open(api.subjects.authBucket)).put('token.abc', '{"user":"admin"}');
}, 60_000);

afterAll(async () => {
  await api?.close();
  await nats?.stop();
});

describe('a secured NATS server', () => {
  it('refuses a client without credentials, and one with a certificate but no creds', async () => {
    const port = nats.servers[0]!.port;
    expect(await outcome(() => connect({ servers: `127.0.0.1:${port}`, timeout: 2000, reconnect: false }))).not.toBe('ok');
    const certOnly = nats.certOnly();
    expect(await outcome(() => connectNats(nats.url, 'intruder', certOnly))).toMatch(/refused this component's credentials|authoriz/i);
  });

  it('refuses creds without a client certificate (TLS verify)', async () => {
    const a = await nats.credentials('agent', 'n1');
    const noCert = { credsFile: a.credsFile, caFile: a.caFile };
    expect(await outcome(() => connectNats(nats.url, 'no-cert', noCert))).not.toBe('ok');
  });

  it('lets the API server work, but not destroy the log', async () => {
    const jsm = await jetstreamManager(api.nc);
    expect(await outcome(() => jsm.streams.delete(api.subjects.stream))).toMatch(/permission|timeout/i);
    expect(await outcome(() => jsm.streams.purge(api.subjects.stream))).toMatch(/permission|timeout/i);
    expect((await jsm.streams.info(api.subjects.stream)).config.name).toBe(api.subjects.stream);
  });

  describe('a node\'s agent credentials', () => {
    let agent: EventStore;
    beforeAll(async () => {
      agent = await EventStore.connect({ natsUrl: nats.url, cluster: CLUSTER, name: 'agent n1', auth: await nats.credentials('agent', 'n1') });
    });
    afterAll(async () => agent?.close());

    it('read its own feed, not another node\'s', async () => {
      const feed = await NodeFeed.open(api);
      await feed.kv.put(NodeFeed.key('n1', 'default', 'a'), JSON.stringify({ removed: { namespace: 'default', name: 'a' }, resourceVersion: 1 }));
      await feed.kv.put(NodeFeed.key('n2', 'default', 'b'), JSON.stringify({ removed: { namespace: 'default', name: 'b' }, resourceVersion: 1 }));
      const mine = await new Kvm(agent.nc).open(api.subjects.nodeFeedBucket, { allow_direct: true });
      expect((await mine.get(NodeFeed.key('n1', 'default', 'a')))?.operation).toBe('PUT');
      expect(await outcome(() => mine.get(NodeFeed.key('n2', 'default', 'b')))).toMatch(/permission|timeout/i);
      const own = await NodeFeed.attach(agent);
      expect((await own.list('n1')).entries).toHaveLength(1);
      expect(await outcome(() => own.list('n2'))).toMatch(/permission|timeout/i);
    });

    it('cannot read the auth bucket, append to the log, delete or purge streams', async () => {
      const kv = await new Kvm(agent.nc).open(api.subjects.authBucket, { allow_direct: true });
      expect(await outcome(() => kv.status())).toMatch(/permission|timeout/i);
      expect(await outcome(() => kv.get('token.abc'))).toMatch(/permission|timeout/i);
      const before = (await api.bounds()).last;
      expect(await outcome(() => agent.js.publish(`${api.subjects.prefix}.obj.pod.default.x`, '{}', { timeout: 2000 }))).not.toBe('ok');
      expect((await api.bounds()).last).toBe(before);
      const jsm = await jetstreamManager(agent.nc);
      expect(await outcome(() => jsm.streams.delete(api.subjects.stream))).toMatch(/permission|timeout/i);
      expect(await outcome(() => jsm.streams.purge(api.subjects.stream))).toMatch(/permission|timeout/i);
      expect(await outcome(() => jsm.streams.add({ name: 'EVIL', subjects: ['evil.>'] }))).toMatch(/permission|timeout/i);
    });

    it('can neither read nor claim pod CIDRs', async () => {
      const kv = await new Kvm(agent.nc).open(api.subjects.podCIDRBucket, { allow_direct: true });
      expect(await outcome(() => kv.get('10.244.1.0_24'))).toMatch(/permission|timeout/i);
      expect(await outcome(() => kv.create('10.244.1.0_24', 'n1'))).not.toBe('ok');
      expect(await (await new Kvm(api.nc).open(api.subjects.podCIDRBucket)).get('10.244.1.0_24')).toBeNull();
    });

    it('writes its own heartbeat, not another node\'s', async () => {
      const hb = await new Kvm(agent.nc).open(api.subjects.heartbeatBucket, { allow_direct: true });
      expect(await outcome(() => hb.put(encodeToken('n1'), '{}'))).toBe('ok');
      expect(await outcome(() => hb.put(encodeToken('n2'), '{}'))).not.toBe('ok');
      const all = await new Kvm(api.nc).open(api.subjects.heartbeatBucket);
      expect(await all.get(encodeToken('n2'))).toBeNull();
    });

    it('publishes to its own relay and log subjects only', async () => {
      const got: string[] = [];
      const sub = api.nc.subscribe(`${api.subjects.prefix}.node.*.>`, { callback: (e, m) => void (e ? undefined : got.push(m.subject)) });
      await api.nc.flush();
      agent.nc.publish(`${api.subjects.prefix}.node.n1.put`, '{}');
      agent.nc.publish(`${api.subjects.prefix}.node.n2.put`, '{}');
      await agent.nc.flush();
      await new Promise((r) => setTimeout(r, 300));
      sub.unsubscribe();
      expect(got).toEqual([`${api.subjects.prefix}.node.n1.put`]);
    });

    it('cannot see other components\' inboxes', async () => {
      const got: string[] = [];
      // A subscription the server refuses is closed with a permissions error.
      const sub = agent.nc.subscribe('_INBOX.>', { callback: (e, m) => void (e ? undefined : got.push(m.subject)) });
      await agent.nc.flush().catch(() => undefined);
      await api.lastSeq(api.subjects.allObjects);
      await new Promise((r) => setTimeout(r, 200));
      expect(got).toEqual([]);
      sub.unsubscribe();
    });
  });

  it('lets the reconcilers claim, read and free pod CIDRs', async () => {
    const rec = await EventStore.connect({ natsUrl: nats.url, cluster: CLUSTER, name: 'test-reconcilers', auth: await nats.credentials('reconcilers') });
    try {
      const claims = new PodCIDRClaims(await new Kvm(rec.nc).open(api.subjects.podCIDRBucket));
      const claim = await claims.claim('10.244.2.0/24', 'n2');
      expect(claim?.node).toBe('n2');
      expect((await claims.get('10.244.2.0/24'))?.node).toBe('n2');
      expect(await claims.release(claim!)).toBe(true);
    } finally {
      await rec.close();
    }
  });

  it('disconnects a revoked node, and refuses its credentials from then on', async () => {
    const auth = await nats.credentials('agent', 'gone');
    const nc = await connectNats(nats.url, 'agent gone', auth);
    const { credsInboxPrefix } = await import('@wharf/store');
    expect(credsInboxPrefix((await import('node:fs')).readFileSync(auth.credsFile!, 'utf8'))).toBe('_INBOX_agent_gone');
    const key = (await import('@nats-io/jwt')).decode((await import('node:fs')).readFileSync(auth.credsFile!, 'utf8').split('\n')[1]!).sub;
    const closed = nc.closed();
    await nats.revoke([key]);
    await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
    expect(nc.isClosed() || nc.isDraining() || (await outcome(() => nc.flush())) !== 'ok' || (await outcome(() => nc.request('$JS.API.INFO', '', { timeout: 1000 }))) !== 'ok').toBe(true);
    await nc.close().catch(() => undefined);
    expect(await outcome(() => connectNats(nats.url, 'agent gone again', auth))).not.toBe('ok');
  });

  it('a servers file naming a rogue server (a certificate of another CA): the client never speaks to it, and uses the real one', async () => {
    // The rogue: a nats-server on loopback with a certificate valid for 127.0.0.1 from a CA of its own, letting anyone in.
    const dir = mkdtempSync(join(tmpdir(), 'wharf-rogue-'));
    const [port, monitor, dead] = [await freePort(), await freePort(), await freePort()];
    const cert = issueCert(makeCA('wharf-ca-rogue'), { commonName: 'wharf-nats', hosts: ['127.0.0.1', 'localhost'], usage: 'server' });
    writeFileSync(join(dir, 'rogue.crt'), cert.cert);
    writeFileSync(join(dir, 'rogue.key'), cert.key, { mode: 0o600 });
    writeFileSync(join(dir, 'nats.conf'), `listen: 127.0.0.1:${port}\nhttp: 127.0.0.1:${monitor}\ntls { cert_file: "${dir}/rogue.crt", key_file: "${dir}/rogue.key" }\n`);
    const rogue = await launch(join(dir, 'nats.conf'), port, monitor, 'rogue');
    try {
      const file = join(dir, 'agent.nats-servers.json');
      const auth = { ...(await nats.credentials('agent', 'rogue-test')), serversFile: file };
      writeFileSync(file, JSON.stringify({ servers: [`127.0.0.1:${port}`] }));
      // The given server is down: the rogue is the only one left, and the client refuses it.
      expect(await outcome(() => connectNats(`tls://127.0.0.1:${dead}`, 'victim-1', auth))).not.toBe('ok');
      // The given server is up: whichever the client tries first, it ends on the real one.
      for (let i = 0; i < 4; i++) {
        writeFileSync(file, JSON.stringify({ servers: [`127.0.0.1:${port}`] }));
        const nc = await connectNats(nats.url, `victim-${i + 2}`, auth);
        expect(nc.info?.server_name).toBe('secure-1');
        await nc.close();
      }
      // The client did try the rogue, and refused its certificate every time: each connection the
      // rogue saw ended in the TLS handshake, before a CONNECT (a name, a signature, a JWT) was sent.
      const connz = (await (await fetch(`http://127.0.0.1:${monitor}/connz?state=all`)).json()) as { connections?: { name?: string; reason?: string; in_msgs: number }[] };
      const seen = connz.connections ?? [];
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.filter((c) => c.reason !== 'TLS Handshake Failure' || c.name || c.in_msgs > 0)).toEqual([]);
    } finally {
      await stopAll([rogue]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
