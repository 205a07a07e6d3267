/**
 * --nats-servers-file against a real 3-server NATS cluster: a component given one server keeps
 * the servers the cluster announces in the file, follows the cluster's changes, and after a
 * restart with its given server down connects to one it learned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectNats, readServers, serverKey } from '@wharf/store';
import { startNatsCluster, type NatsHandle } from './harness/nats.js';
import { eventually } from './harness/ports.js';

let nats: NatsHandle;
let dir: string;

beforeAll(async () => {
  nats = await startNatsCluster(3);
  dir = mkdtempSync(join(tmpdir(), 'wharf-servers-file-'));
}, 60_000);

afterAll(async () => {
  await nats?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

const keys = (file: string) => readServers(file).map(serverKey).sort();

describe('--nats-servers-file', () => {
  it('keeps every server the cluster announces, follows a server that goes, and finds the others after a restart without its given one', async () => {
    const file = join(dir, 'agent.nats-servers.json');
    const [n0, n1, n2] = nats.servers;
    const nc = await connectNats(n0!.url, 'test', { serversFile: file });
    try {
      expect(nc.info?.server_name).toBe('n0');
      await eventually(() => (keys(file).length === 3 ? true : undefined), 10_000, 50);
      expect(keys(file)).toEqual(nats.servers.map((s) => serverKey(s.url)).sort());
      // n2 goes: the cluster announces it; the file follows.
      n2!.kill();
      await eventually(() => (keys(file).length === 2 ? true : undefined), 20_000, 100);
      expect(keys(file)).toEqual([n0!, n1!].map((s) => serverKey(s.url)).sort());
    } finally {
      await nc.close();
    }
    // The given server is down now: the component still connects, to a server it learned.
    n0!.kill();
    const again = await connectNats(n0!.url, 'test', { serversFile: file });
    try {
      expect(again.info?.server_name).toBe('n1');
      // n1 announces n0 until it notices the route is gone; then the file names n1 alone.
      await eventually(() => (keys(file).join() === serverKey(n1!.url) ? true : undefined), 20_000, 100);
    } finally {
      await again.close();
    }
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ servers: [serverKey(n1!.url)] });
  }, 60_000);

  it('refuses nothing when the file is absent or garbage: the given servers are used', async () => {
    const file = join(dir, 'missing.json');
    expect(readServers(file)).toEqual([]);
    const garbage = join(dir, 'garbage.json');
    writeFileSync(garbage, '{"servers": [1, {"x": 2}');
    expect(readServers(garbage)).toEqual([]);
    const n1 = nats.servers[1]!;
    const nc = await connectNats(n1.url, 'test', { serversFile: garbage });
    expect(nc.info?.server_name).toBe('n1');
    await nc.close();
    // Rewritten with what n1 announces.
    expect(keys(garbage)).toEqual([serverKey(n1.url)]);
  }, 30_000);
});
