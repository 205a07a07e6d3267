// Simulated hosts (test/harness/hosts.ts): three network namespaces with a dockerd each, on a
// bridge of their own. Run under `flock /tmp/wharf-docker-e2e.lock`; needs root.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { assertOwnRoute, startHosts, sweepStaleHosts, type Host, type HostNet } from './harness/hosts.js';
import { eventually } from './harness/ports.js';
import { runIdsIn } from './harness/hosts-plan.js';
import { run } from './harness/exec.js';

const FETCH = `fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then((r) => r.text()).then((t) => process.stdout.write(t), (e) => { console.error(String(e.cause ?? e)); process.exit(1); })`;
const CONNECT = `const s = require('node:net').connect(Number(process.argv[2]), process.argv[1]); s.setTimeout(2000, () => { console.error('timeout'); process.exit(1); }); s.once('data', (d) => { process.stdout.write(String(d).split(' ')[0]); process.exit(0); }); s.once('error', (e) => { console.error(e.code); process.exit(1); });`;

/** GET from the root namespace, after checking the address routes through the run's bridge. */
async function getFromRoot(net: HostNet, to: Host): Promise<string> {
  await assertOwnRoute(to.address, net.bridge);
  const r = await fetch(`http://${to.address}:3000/`, { signal: AbortSignal.timeout(2000) });
  return r.text();
}

/** GET from inside `from`'s namespace (whose only route is its link to the bridge). */
async function getFromHost(from: Host, to: Host): Promise<string> {
  const route = await from.exec('ip', ['-4', '-o', 'route', 'get', to.address]);
  expect(route.stdout).toMatch(/ dev wh0 /);
  const r = await from.exec(process.execPath, ['-e', FETCH, `http://${to.address}:3000/`]);
  if (r.code !== 0) throw new Error(`${from.name} -> ${to.name}: ${r.stderr.trim()}`);
  return r.stdout;
}

const list = () => ({
  netns: execFileSync('ip', ['netns', 'list']).toString(),
  links: execFileSync('ip', ['-o', 'link', 'show']).toString(),
  rules: execFileSync('iptables', ['-w', '-S', 'DOCKER-USER']).toString(),
});

describe('simulated hosts', () => {
  let net: HostNet;
  let h: Host[];
  beforeAll(async () => {
    net = await startHosts(3);
    h = net.hosts;
  });
  afterAll(async () => net?.stop());

  it('serves a container published on each host address to the root namespace and to the other hosts', async () => {
    for (const host of h) {
      const c = await host.docker.createContainer({
        Image: 'wharf.local/busybox:1',
        name: `web-${host.name}`,
        Hostname: `web-${host.name}`,
        Cmd: ['sh', '-c', 'mkdir -p /www && hostname >/www/index.html && exec httpd -f -p 3000 -h /www'],
        ExposedPorts: { '3000/tcp': {} },
        HostConfig: { PortBindings: { '3000/tcp': [{ HostIp: host.address, HostPort: '3000' }] } },
      });
      await c.start();
    }
    for (const to of h) {
      expect(await eventually(() => getFromRoot(net, to), 10_000, 200)).toBe(`web-${to.name}\n`);
      for (const from of h.filter((x) => x !== to)) expect(await eventually(() => getFromHost(from, to), 10_000, 200)).toBe(`web-${to.name}\n`);
    }
  });

  it('lets a process of one host serve the others: nats-server in h0, reached from h1', async () => {
    const nats = h[0]!.spawn('nats-server', ['-js', '-a', h[0]!.address, '-p', '4222', '-sd', `/tmp/wht${net.id}/h0/nats`], { stdio: 'ignore' });
    expect(nats.pid).toBeGreaterThan(0);
    const info = await eventually(async () => {
      const r = await h[1]!.exec(process.execPath, ['-e', CONNECT, h[0]!.address, '4222']);
      return r.code === 0 && r.stdout;
    }, 10_000, 200);
    expect(info).toBe('INFO');
  });

  it('cut() takes a host off the bridge and heal() puts it back', async () => {
    const [h0, h1, h2] = [h[0]!, h[1]!, h[2]!];
    await h2.cut();
    await expect(getFromRoot(net, h2)).rejects.toThrow();
    await expect(getFromHost(h0, h2)).rejects.toThrow(/h0 -> h2/);
    await expect(getFromHost(h1, h2)).rejects.toThrow(/h1 -> h2/);
    expect(await getFromHost(h0, h1)).toBe('web-h1\n');
    await h2.heal();
    expect(await eventually(() => getFromRoot(net, h2), 10_000, 200)).toBe('web-h2\n');
    expect(await eventually(() => getFromHost(h0, h2), 10_000, 200)).toBe('web-h2\n');
    expect(await eventually(() => getFromHost(h1, h2), 10_000, 200)).toBe('web-h2\n');
  });

  it('stop() leaves no namespace, link, rule, dockerd or directory of the run, and can be called again', async () => {
    const pids = h.map((x) => Number(readFileSync(`/tmp/wht${net.id}/${x.name}/docker.pid`, 'utf8')));
    const before = list();
    expect(before.netns).toContain(`wht${net.id}-h0`);
    expect(before.rules).toContain(`wharf-test-${net.id}`);
    await net.stop();
    await net.stop();
    const after = list();
    expect(after.netns).not.toContain(`wht${net.id}`);
    expect(after.links).not.toContain(`wht${net.id}`);
    expect(after.rules).not.toContain(`wharf-test-${net.id}`);
    expect(pids.filter((p) => existsSync(`/proc/${p}`))).toEqual([]);
    expect(existsSync(`/tmp/wht${net.id}`)).toBe(false);
  });

  it('a start that fails part way leaves nothing behind', async () => {
    const runIds = () => runIdsIn(Object.values(list()).join('\n') + readdirSync('/tmp').join('\n'));
    const before = runIds();
    await expect(startHosts(1, { images: ['wharf.local/no-such-image:1'] })).rejects.toThrow(/no-such-image/);
    expect([...runIds()].filter((id) => !before.has(id))).toEqual([]);
  });

  it('sweepStaleHosts() removes the leftovers of a run whose owner died', async () => {
    // A run that crashed after making a netns, a bridge and a rule (no directory, no owner).
    const id = await eventually(() => {
      const id = randomBytes(2).toString('hex');
      return !Object.values(list()).some((t) => t.includes(id)) && !existsSync(`/tmp/wht${id}`) && id;
    });
    await run('ip', ['netns', 'add', `wht${id}-h0`]);
    await run('ip', ['link', 'add', `wht${id}`, 'type', 'bridge']);
    await run('iptables', ['-w', '-I', 'DOCKER-USER', '1', '-i', `wht${id}`, '-j', 'DROP', '-m', 'comment', '--comment', `wharf-test-${id}`]);
    expect(list().netns).toContain(`wht${id}-h0`);
    expect(await sweepStaleHosts()).toContain(id);
    const after = list();
    expect(after.netns).not.toContain(`wht${id}`);
    expect(after.links).not.toContain(`wht${id}`);
    expect(after.rules).not.toContain(`wharf-test-${id}`);
  });
});
