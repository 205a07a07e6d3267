/**
 * The cluster registry on one machine: Debian's docker-registry serving TLS from a throwaway
 * cluster CA, an image pushed to it once, and a Wharf pod that runs it on a node whose Docker
 * engine did not have it. Docker treats 127.0.0.0/8 registries as insecure (it would skip
 * verification and fall back to HTTP), so the registry listens on [::1] and is dialed by a name
 * that resolves only to ::1 (a line this test adds to /etc/hosts): verification really happens,
 * as it does for a seed's real address, and a registry whose CA the engine doesn't trust fails.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Docker from 'dockerode';
import { type KeyPair, makeCA } from '@wharf/pki';
import { distrustRegistry, RegistryError, type RunningRegistry, startRegistry, trustRegistry } from '../packages/cli/src/lib/registry/index.js';
import { BIN } from './harness/api.js';
import { startCluster, type TestCluster } from './harness/cluster.js';
import { run } from './harness/exec.js';
import { eventually } from './harness/ports.js';

const NAME = 'wharf-registry-e2e';
const HOSTS_LINE = `::1 ${NAME}`;
const DOCKER = '/usr/bin/docker';
const LOOP = "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done";

/** A TCP port on ::1 that was free a moment ago. */
const freePort6 = () => new Promise<number>((resolve, reject) => {
  const s = createServer().once('error', reject);
  s.listen(0, '::1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

const dropHostsLine = () => writeFileSync('/etc/hosts', readFileSync('/etc/hosts', 'utf8').split('\n').filter((l) => l !== HOSTS_LINE).join('\n'));

type Pod = { status: { phase: string; containerStatuses?: { state?: { waiting?: { reason?: string; message?: string } } }[] } };

describe('the cluster registry: TLS from the cluster CA, trusted through certs.d', () => {
  const docker = new Docker();
  const dir = mkdtempSync(join(tmpdir(), 'wharf-registry-test-'));
  let ca: KeyPair;
  let trusted: RunningRegistry | undefined;
  let untrusted: RunningRegistry | undefined;
  let ports: { trusted: number; untrusted: number };
  let c: TestCluster | undefined;
  const ref = (port: number) => `${NAME}:${port}/wharf-test/busybox:1`;

  beforeAll(async () => {
    ca = makeCA('wharf-ca-registry-test');
    dropHostsLine();
    appendFileSync('/etc/hosts', `${HOSTS_LINE}\n`);
    ports = { trusted: await freePort6(), untrusted: await freePort6() };
    const common = { address: '::1', hosts: [NAME], caCertPem: ca.cert, caKeyPem: ca.key };
    trusted = await startRegistry({ ...common, dir: join(dir, 'trusted'), port: ports.trusted });
    untrusted = await startRegistry({ ...common, dir: join(dir, 'untrusted'), port: ports.untrusted });
    trustRegistry(`${NAME}:${ports.trusted}`, ca.cert);
    c = await startCluster('e2e-registry', [{ name: 'node-a' }]);
  }, 120_000);

  afterAll(async () => {
    await c?.stop();
    await trusted?.stop();
    await untrusted?.stop();
    if (ports) {
      distrustRegistry(`${NAME}:${ports.trusted}`);
      for (const p of [ports.trusted, ports.untrusted]) await docker.getImage(ref(p)).remove().catch(() => undefined);
    }
    dropHostsLine();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const createPod = async (name: string, image: string, script = LOOP) => {
    const yaml = `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  containers:
  - name: c
    image: ${image}
    imagePullPolicy: Always
    command: [sh, -c, ${JSON.stringify(script)}]
`;
    const r = await run(process.execPath, [BIN.cli, 'create', '-f', '-'], { env: { HOME: c!.api.home, WHARF_CONFIG: c!.api.configPath }, input: yaml });
    expect(r.code, r.stderr).toBe(0);
  };

  it('serves /v2/ over TLS that verifies against the cluster CA, and only against it', async () => {
    expect(trusted!.url).toBe(`https://[::1]:${ports.trusted}`);
    expect(readFileSync(join(dir, 'trusted', 'registry.log'), 'utf8')).toContain(`listening on [::1]:${ports.trusted}, tls`);
    expect(statSync(join(dir, 'trusted', 'registry.key')).mode & 0o777).toBe(0o600);
    const status = (opts: { ca?: string }) => new Promise<number | string>((resolve) => {
      get(`${trusted!.url}/v2/`, opts, (res) => { res.resume(); resolve(res.statusCode!); }).once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    expect(await status({ ca: ca.cert })).toBe(200);
    expect(await status({})).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER_CERT/);
  });

  it('says in one line that the port is taken, that docker-registry is missing, or why it died', async () => {
    const common = { address: '::1', caCertPem: ca.cert, caKeyPem: ca.key };
    await expect(startRegistry({ ...common, dir: join(dir, 'again'), port: ports.trusted })).rejects.toThrow(new RegistryError(`port ${ports.trusted} on ::1 is taken; is a registry already running? choose another port`));
    await expect(startRegistry({ ...common, dir: join(dir, 'missing'), port: await freePort6(), bin: join(dir, 'no-such-registry') })).rejects.toThrow(/no-such-registry is not installed \(apt-get install docker-registry\)/);
    // A registry that dies at start: its last fatal log line is the error.
    const dying = join(dir, 'dying-registry');
    writeFileSync(dying, '#!/bin/sh\necho \'time="2026-01-01T00:00:00Z" level=fatal msg="configuration error: bad storage"\'\nexit 1\n', { mode: 0o755 });
    await expect(startRegistry({ ...common, dir: join(dir, 'dying'), port: await freePort6(), bin: dying })).rejects.toThrow(/^docker-registry exited: configuration error: bad storage \(log: .*registry\.log\)$/);
  });

  it('runs a pod from an image built here and pushed once, on a node that then did not have it', async () => {
    // A new image: busybox plus a file of this run's own, so its top layer exists nowhere else.
    const image = ref(ports.trusted);
    const proof = `built-for-${ports.trusted}`;
    const ctx = join(dir, 'build');
    mkdirSync(ctx);
    writeFileSync(join(ctx, 'proof'), `${proof}\n`);
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM wharf.local/busybox:1\nCOPY proof /proof\n');
    const built = await run(DOCKER, ['build', '-q', '-t', image, ctx], { env: { DOCKER_BUILDKIT: '0' }, timeoutMs: 60_000 });
    expect(built.code, built.stderr).toBe(0);
    const events = await new Promise<{ error?: string }[]>((resolve, reject) => {
      // The engine wants an X-Registry-Auth header on push even when the registry asks for no credentials.
      docker.getImage(image).push({ authconfig: {} }, (err, stream) => (err ? reject(err) : docker.modem.followProgress(stream!, (e, out) => (e ? reject(e) : resolve(out)))));
    });
    expect(events.filter((e) => e.error)).toEqual([]);
    await docker.getImage(image).remove();
    await expect(docker.getImage(image).inspect()).rejects.toMatchObject({ statusCode: 404 });

    const logBefore = readFileSync(join(dir, 'trusted', 'registry.log'), 'utf8').length;
    await createPod('from-registry', image, `cat /proof; ${LOOP}`);
    await eventually(async () => (await c!.getJson<Pod>('pod', 'from-registry')).status.phase === 'Running', 60_000, 200);
    expect((await eventually(async () => (await c!.wharf('logs', 'from-registry')).stdout.trim() || undefined, 20_000)).split('\n')).toEqual([proof]);
    // The engine fetched the manifest and the new layer from the registry, over TLS verified with the cluster CA.
    const pulled = readFileSync(join(dir, 'trusted', 'registry.log'), 'utf8').slice(logBefore);
    expect(pulled).toMatch(/"GET \/v2\/wharf-test\/busybox\/manifests\/(1|sha256:[0-9a-f]{64}) HTTP\/[\d.]+" 200 .*docker\//);
    expect(pulled).toMatch(/"GET \/v2\/wharf-test\/busybox\/blobs\/sha256:[0-9a-f]{64} HTTP\/[\d.]+" 200 .*docker\//);
  });

  it('reports ErrImagePull with the x509 error for a registry whose CA the engine does not trust', async () => {
    await createPod('untrusted', ref(ports.untrusted));
    const waiting = await eventually(async () => {
      const w = (await c!.getJson<Pod>('pod', 'untrusted')).status.containerStatuses?.[0]?.state?.waiting;
      return w?.reason === 'ErrImagePull' || w?.reason === 'ImagePullBackOff' ? w : undefined;
    }, 60_000, 200);
    expect(waiting.message).toMatch(/x509: certificate signed by unknown authority/);
    expect((await c!.getJson<Pod>('pod', 'untrusted')).status.phase).toBe('Pending');
  });
});
