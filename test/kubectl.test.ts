import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNats, type NatsHandle } from './harness/nats.js';
import { ROOT, startApi, type ApiHandle } from './harness/api.js';
import { run } from './harness/exec.js';

const KUBECTL = '/usr/bin/kubectl';

describe.skipIf(!existsSync(KUBECTL))('the real kubectl against wharf-api', () => {
  let nats: NatsHandle;
  let api: ApiHandle;
  let kubectl: (...args: string[]) => ReturnType<typeof run>;

  beforeAll(async () => {
    nats = await startNats();
    api = await startApi({ natsUrl: nats.url, cluster: 'kubectl' });
    // A fresh HOME: kubectl caches /version and discovery for hours.
    const home = mkdtempSync(join(tmpdir(), 'wharf-kubectl-'));
    const ca = join(api.home, '.wharf', 'ca.crt');
    writeFileSync(ca, api.ca);
    kubectl = (...args) => run(KUBECTL, ['--server', api.url, '--token', api.token, '--certificate-authority', ca, ...args], { env: { HOME: home, KUBECONFIG: '' } });
  });
  afterAll(async () => {
    await api?.stop();
    await nats?.stop();
  });

  it('creates the seed pod, gets it in every format, and deletes it', async () => {
    const created = await kubectl('create', '-f', join(ROOT, 'examples/microservice1-pod.yaml'), '--validate=false');
    expect(created.stderr).toBe('');
    expect(created.stdout.trim()).toBe('pod/microservice1 created');

    const get = await kubectl('get', 'pods');
    expect(get.code).toBe(0);
    const [header, row] = get.stdout.trim().split('\n');
    expect(header!.split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(row!.split(/\s+/).slice(0, 4)).toEqual(['microservice1', '0/1', 'Pending', '0']);

    const all = await kubectl('get', 'pods', '-A');
    expect(all.stdout.split('\n')[0]!.split(/\s{2,}/)).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(all.stdout).toMatch(/^default\s+microservice1\s+0\/1\s+Pending/m);

    const yaml = await kubectl('get', 'pods', '-o', 'yaml');
    expect(yaml.stdout).toContain('kind: List');
    expect(yaml.stdout).toContain('name: microservice1');
    expect(yaml.stdout).toContain('containerPort: 3000');

    const wide = await kubectl('get', 'pod', 'microservice1', '-o', 'wide');
    expect(wide.stdout.split('\n')[0]).toMatch(/NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/);

    const missing = await kubectl('get', 'pod', 'nope');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');

    const del = await kubectl('delete', 'pod', 'microservice1');
    expect(del.stdout.trim()).toBe('pod "microservice1" deleted');
    const after = await kubectl('get', 'pods');
    expect(after.stderr.trim()).toBe('No resources found in default namespace.');
  });

  it('creates the seed service and replication controller and scales it', async () => {
    for (const f of ['microservice1-svc.yaml', 'microservice1-rc.yaml']) {
      expect((await kubectl('create', '-f', join(ROOT, 'examples', f), '--validate=false')).code).toBe(0);
    }
    const rc = await kubectl('get', 'rc');
    expect(rc.stdout).toMatch(/^microservice1\s+5\s+0\s+0\s+/m);
    const scaled = await kubectl('scale', 'rc', 'microservice1', '--replicas=2');
    expect(scaled.stdout.trim()).toBe('replicationcontroller/microservice1 scaled');
    const json = JSON.parse((await kubectl('get', 'rc', 'microservice1', '-o', 'json')).stdout) as { spec: { replicas: number } };
    expect(json.spec.replicas).toBe(2);
  });

  it('describe lists the Events Wharf derives from the log', async () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'kn-1' }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
    expect((await api.fetch('/api/v1/nodes', { method: 'POST', json: node })).status).toBe(201);
    const stored = (await (await api.fetch('/api/v1/nodes/kn-1')).json()) as Record<string, unknown>;
    const down = { ...stored, status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }] } };
    expect((await api.fetch('/api/v1/nodes/kn-1/status', { method: 'PUT', json: down })).status).toBe(200);
    const d = await kubectl('describe', 'node', 'kn-1');
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/Name:\s+kn-1/);
    expect(d.stdout).toMatch(/Normal\s+NodeNotReady\s+\S+\s+node-controller\s+Node kn-1 status is now: NodeNotReady/);
  });
});
