/**
 * ClusterIP allocation against a real nats-server and real wharf-api processes: allocation in the
 * service range, explicit and duplicate IPs, headless Services, release on delete, two API
 * servers racing, an exhausted range, the cluster DNS address kept for kube-dns, and the start-up
 * checks of --service-cluster-ip-range.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNats, type NatsHandle } from './harness/nats.js';
import { BIN, startApi, type ApiHandle } from './harness/api.js';
import { run } from './harness/exec.js';
import { freePort } from './harness/ports.js';

type Svc = { metadata: { name: string }; spec: { clusterIP?: string; clusterIPs?: string[]; type?: string } };
const ns = '/api/v1/namespaces/default';
const body = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });
/** In 10.96.0.0/16, and neither its network, first nor broadcast address. */
const inRange = (ip: string) => /^10\.96\.\d+\.\d+$/.test(ip) && !['10.96.0.0', '10.96.0.1', '10.96.255.255'].includes(ip);

/** Runs wharf-api expecting it to refuse to start; returns its exit code and stderr. */
async function refusedStart(natsUrl: string, cluster: string, args: string[]) {
  const home = mkdtempSync(join(tmpdir(), 'wharf-home-'));
  const r = await run(process.execPath, [BIN.api, '--nats', natsUrl, '--cluster', cluster, '--listen', `127.0.0.1:${await freePort()}`, ...args], { env: { HOME: home, WHARF_CONFIG: join(home, 'config'), WHARF_LOG_LEVEL: 'warn' }, timeoutMs: 30_000 });
  return { code: r.code, stderr: r.stderr.trim() };
}

describe('ClusterIP allocation', () => {
  let nats: NatsHandle;
  let a: ApiHandle;
  let b: ApiHandle;

  beforeAll(async () => {
    nats = await startNats();
    a = await startApi({ natsUrl: nats.url, cluster: 'cips' });
    b = await startApi({ natsUrl: nats.url, cluster: 'cips', home: a.home });
  }, 60_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await nats?.stop();
  });

  const create = async (api: ApiHandle, name: string, spec: Record<string, unknown> = {}) => {
    const r = await api.fetch(`${ns}/services`, { method: 'POST', json: body(name, spec) });
    return { status: r.status, svc: (await r.json()) as Svc & { message?: string } };
  };

  it('gives a new Service an IP of 10.96.0.0/16, mirrored in clusterIPs and shown by wharf get svc', async () => {
    const { status, svc } = await create(a, 'web');
    expect(status).toBe(201);
    const ip = svc.spec.clusterIP!;
    expect(inRange(ip)).toBe(true);
    expect(svc.spec.clusterIPs).toEqual([ip]);
    const got = (await (await b.fetch(`${ns}/services/web`)).json()) as Svc;
    expect(got.spec.clusterIP).toBe(ip);
    const table = await run(process.execPath, [BIN.cli, 'get', 'svc', 'web'], { env: { HOME: a.home, WHARF_CONFIG: a.configPath } });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^web\\s+ClusterIP\\s+${ip.replace(/\./g, '\\.')}\\s+<none>\\s+80/TCP\\s+`, 'm'));
  });

  it.skipIf(!existsSync('/usr/bin/kubectl'))('shows the CLUSTER-IP in kubectl get svc', async () => {
    const ip = ((await (await a.fetch(`${ns}/services/web`)).json()) as Svc).spec.clusterIP!;
    const ca = join(a.home, 'ca-kubectl.crt');
    writeFileSync(ca, a.ca);
    const home = mkdtempSync(join(tmpdir(), 'wharf-kubectl-'));
    const r = await run('/usr/bin/kubectl', ['--server', a.url, '--token', a.token, '--certificate-authority', ca, 'get', 'svc', 'web'], { env: { HOME: home, KUBECONFIG: '' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    expect(r.stdout).toMatch(new RegExp(`^web\\s+ClusterIP\\s+${ip.replace(/\./g, '\\.')}\\s+<none>\\s+80/TCP\\s+`, 'm'));
  });

  it('keeps a free IP the client asks for, and refuses it to a second Service as already allocated', async () => {
    const first = await create(a, 'pinned', { clusterIP: '10.96.200.7' });
    expect(first.status).toBe(201);
    expect(first.svc.spec.clusterIPs).toEqual(['10.96.200.7']);
    const dup = await create(b, 'pinned-2', { clusterIP: '10.96.200.7' });
    expect(dup.status).toBe(422);
    expect(dup.svc.message).toBe('Service "pinned-2" is invalid: spec.clusterIP: Invalid value: "10.96.200.7": provided IP is already allocated');
    expect((await b.fetch(`${ns}/services/pinned-2`)).status).toBe(404);
  });

  it('keeps the cluster DNS address 10.96.0.10 for kube-system/kube-dns: 422 for any other Service', async () => {
    const other = await create(a, 'not-dns', { clusterIP: '10.96.0.10' });
    expect(other.status).toBe(422);
    expect(other.svc.message).toBe('Service "not-dns" is invalid: spec.clusterIP: Invalid value: "10.96.0.10": provided IP is reserved for the cluster DNS Service (kube-system/kube-dns)');
    const r = await a.fetch('/api/v1/namespaces/kube-system/services', { method: 'POST', json: { ...body('kube-dns', { clusterIP: '10.96.0.10' }), metadata: { name: 'kube-dns', namespace: 'kube-system' } } });
    expect(r.status, await r.clone().text()).toBe(201);
    expect(((await r.json()) as Svc).spec.clusterIPs).toEqual(['10.96.0.10']);
  });

  it('refuses an IP outside the range with 422 in Kubernetes words', async () => {
    const r = await create(a, 'far', { clusterIP: '10.0.0.5' });
    expect(r.status).toBe(422);
    expect(r.svc.message).toBe('Service "far" is invalid: spec.clusterIP: Invalid value: "10.0.0.5": provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/16');
  });

  it('makes a headless Service with clusterIP None and no allocation', async () => {
    const r = await create(a, 'headless', { clusterIP: 'None' });
    expect(r.status).toBe(201);
    expect([r.svc.spec.clusterIP, r.svc.spec.clusterIPs]).toEqual(['None', ['None']]);
    const table = await run(process.execPath, [BIN.cli, 'get', 'svc', 'headless'], { env: { HOME: a.home, WHARF_CONFIG: a.configPath } });
    expect(table.stdout).toMatch(/^headless\s+ClusterIP\s+None\s+<none>\s+80\/TCP\s+/m);
  });

  it('keeps the IP across an update that leaves it out, and refuses to change it', async () => {
    const { svc } = await create(a, 'stable');
    const put = await b.fetch(`${ns}/services/stable`, { method: 'PUT', json: { ...body('stable'), metadata: { name: 'stable', labels: { v: '2' } } } });
    expect(put.status).toBe(200);
    expect(((await put.json()) as Svc).spec.clusterIP).toBe(svc.spec.clusterIP);
    const change = await b.fetch(`${ns}/services/stable`, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ spec: { clusterIP: '10.96.200.8', clusterIPs: ['10.96.200.8'] } }) });
    expect(change.status).toBe(422);
    expect(((await change.json()) as { message: string }).message).toContain('spec.clusterIP: Invalid value: "10.96.200.8": field is immutable');
  });

  it('frees the IP on delete, so another Service can take it', async () => {
    expect((await create(a, 'leaving', { clusterIP: '10.96.200.9' })).status).toBe(201);
    expect((await create(b, 'waiting', { clusterIP: '10.96.200.9' })).status).toBe(422);
    expect((await b.fetch(`${ns}/services/leaving`, { method: 'DELETE' })).status).toBe(200);
    const again = await create(b, 'waiting', { clusterIP: '10.96.200.9' });
    expect(again.status).toBe(201);
    expect(again.svc.spec.clusterIP).toBe('10.96.200.9');
  });

  it('never hands out one IP twice, with 40 creates racing on two API servers', async () => {
    const res = await Promise.all(Array.from({ length: 40 }, (_, i) => create(i % 2 ? a : b, `race-${i}`)));
    expect(res.map((r) => r.status)).toEqual(Array(40).fill(201));
    const ips = res.map((r) => r.svc.spec.clusterIP!);
    expect(new Set(ips).size).toBe(40);
    for (const ip of ips) expect(inRange(ip)).toBe(true);
  });

  it('refuses a second API server whose range differs from the one the cluster recorded', async () => {
    const r = await refusedStart(nats.url, 'cips', ['--service-cluster-ip-range', '10.97.0.0/16']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("wharf-api: --service-cluster-ip-range 10.97.0.0/16 differs from this cluster's service range 10.96.0.0/16 (recorded by its first API server): every API server must use 10.96.0.0/16");
  });

  it('refuses a range that overlaps one of this machine\'s networks, or is not a /12 to a /28', async () => {
    const lo = await refusedStart(nats.url, 'cips-lo', ['--service-cluster-ip-range', '127.0.0.0/16']);
    expect(lo.code).toBe(1);
    expect(lo.stderr).toMatch(/^wharf-api: --service-cluster-ip-range: 127\.0\.0\.0\/16 overlaps this machine's network 127\.0\.0\.0\/8 \(lo 127\.0\.0\.1\/8\); choose a range clear of it$/);
    const wide = await refusedStart(nats.url, 'cips-lo', ['--service-cluster-ip-range', '10.0.0.0/8']);
    expect(wide.stderr).toBe('wharf-api: --service-cluster-ip-range: "10.0.0.0/8" is a /8: the service range must be a /12 to a /28');
  });
});

describe('ClusterIP allocation in an exhausted range', () => {
  let nats: NatsHandle;
  let api: ApiHandle;

  beforeAll(async () => {
    nats = await startNats();
    api = await startApi({ natsUrl: nats.url, cluster: 'cips-tiny', extraArgs: ['--service-cluster-ip-range', '10.96.0.16/28'] });
  }, 60_000);
  afterAll(async () => {
    await api?.stop();
    await nats?.stop();
  });

  it('hands out the 12 addresses of a /28 (not its cluster DNS address), then answers range is full and makes nothing', async () => {
    const made: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await api.fetch(`${ns}/services`, { method: 'POST', json: body(`s${i}`) });
      expect(r.status).toBe(201);
      made.push(((await r.json()) as Svc).spec.clusterIP!);
    }
    expect(made.sort()).toEqual(['18', '19', '20', '21', '22', '23', '24', '25', '27', '28', '29', '30'].map((d) => `10.96.0.${d}`).sort());
    const full = await api.fetch(`${ns}/services`, { method: 'POST', json: body('one-too-many', { type: 'NodePort' }) });
    expect(full.status).toBe(500);
    expect(((await full.json()) as { message: string }).message).toBe('Internal error occurred: failed to allocate a serviceIP: range is full');
    expect((await api.fetch(`${ns}/services/one-too-many`)).status).toBe(404);
    // Freeing one address makes room again.
    expect((await api.fetch(`${ns}/services/s0`, { method: 'DELETE' })).status).toBe(200);
    const r = await api.fetch(`${ns}/services`, { method: 'POST', json: body('one-too-many') });
    expect(r.status).toBe(201);
  });
});
