/**
 * `wharf taint` and the real `kubectl taint` against one cluster (nats-server, wharf-api,
 * wharf-reconcilers and two agents on the Docker engine): add, the --overwrite error, replace,
 * remove by key and by key:effect, --all, and the scheduler honouring what they leave.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './harness/api.js';
import { startCluster, type TestCluster } from './harness/cluster.js';
import { eventually } from './harness/ports.js';
import { run } from './harness/exec.js';

const KUBECTL = '/usr/bin/kubectl';

type Taint = { key: string; value?: string; effect: string };
type Pod = { spec: { nodeName?: string }; status: { conditions?: { type: string; status: string; message?: string }[] } };

const pod = (name: string, tolerations: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
${tolerations}  containers:
  - {name: c, image: wharf.local/busybox:1, command: [sleep, "3600"]}
`;

describe.skipIf(!existsSync(KUBECTL))('node taints: wharf taint and kubectl taint', () => {
  let c: TestCluster;
  let kubectl: (...args: string[]) => ReturnType<typeof run>;
  const taints = async (node: string) => (await c.getJson<{ spec?: { taints?: Taint[] } }>('node', node)).spec?.taints ?? [];

  beforeAll(async () => {
    c = await startCluster('taint', [{ name: 'node-a' }, { name: 'node-b' }]);
    // A fresh HOME: kubectl caches /version and discovery for hours.
    const home = mkdtempSync(join(tmpdir(), 'wharf-kubectl-'));
    const ca = join(home, 'ca.crt');
    writeFileSync(ca, c.api.ca);
    kubectl = (...args) => run(KUBECTL, ['--server', c.api.url, '--token', c.api.token, '--certificate-authority', ca, ...args], { env: { HOME: home, KUBECONFIG: '' } });
  }, 120_000);
  afterAll(async () => c?.stop(), 60_000);

  it('wharf taint adds, refuses an existing key and effect without --overwrite, replaces with it, removes', async () => {
    const add = await c.wharf('taint', 'nodes', 'node-a', 'dedicated=x:NoSchedule', 'spare:PreferNoSchedule');
    expect(add.stdout, add.stderr).toBe('node/node-a tainted\n');
    expect(await taints('node-a')).toEqual([{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }, { key: 'spare', effect: 'PreferNoSchedule' }]);

    const again = await c.wharf('taint', 'nodes', 'node-a', 'dedicated=y:NoSchedule');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: node node-a already has dedicated taint(s) with same effect(s) and --overwrite is false\n');

    expect((await c.wharf('taint', 'nodes', 'node-a', 'dedicated=y:NoSchedule', '--overwrite')).stdout).toBe('node/node-a modified\n');
    expect(await taints('node-a')).toEqual([{ key: 'dedicated', value: 'y', effect: 'NoSchedule' }, { key: 'spare', effect: 'PreferNoSchedule' }]);

    expect((await c.wharf('taint', 'nodes', 'node-a', 'spare:PreferNoSchedule-')).stdout).toBe('node/node-a untainted\n');
    expect(await taints('node-a')).toEqual([{ key: 'dedicated', value: 'y', effect: 'NoSchedule' }]);
    const missing = await c.wharf('taint', 'nodes', 'node-a', 'spare-');
    expect([missing.code, missing.stderr]).toEqual([1, 'error: taint "spare" not found\n']);
    const bad = await c.wharf('taint', 'nodes', 'node-a', 'x=1');
    expect(bad.stderr).toMatch(/^error: invalid taint spec: x=1, name part must consist of/);
  });

  it('kubectl taint adds and removes through a strategic merge patch, and sees wharf\'s taints', async () => {
    const add = await kubectl('taint', 'nodes', 'node-b', 'dedicated=x:NoSchedule');
    expect(add.stdout.trim(), add.stderr).toBe('node/node-b tainted');
    expect(await taints('node-b')).toEqual([{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }]);
    const twice = await kubectl('taint', 'nodes', 'node-a', 'dedicated=z:NoSchedule');
    expect(twice.stderr.trim()).toBe('error: node node-a already has dedicated taint(s) with same effect(s) and --overwrite is false');

    // Removal: kubectl sends the whole list that stays, which must replace the node's list.
    expect((await kubectl('taint', 'nodes', 'node-b', 'extra=1:PreferNoSchedule')).code).toBe(0);
    expect((await kubectl('taint', 'nodes', 'node-b', 'extra-')).stdout.trim()).toBe('node/node-b untainted');
    expect(await taints('node-b')).toEqual([{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }]);
  });

  it('a pod that tolerates the taint is scheduled; one that does not waits until kubectl taint --all removes it', async () => {
    const create = (yaml: string) => run(process.execPath, [BIN.cli, 'create', '-f', '-'], { env: { HOME: c.api.home, WHARF_CONFIG: c.api.configPath }, input: yaml });
    expect((await create(pod('tolerant', '  tolerations: [{key: dedicated, operator: Exists, effect: NoSchedule}]\n'))).code).toBe(0);
    expect((await create(pod('intolerant', ''))).code).toBe(0);
    const bound = await eventually(async () => (await c.getJson<Pod>('pod', 'tolerant')).spec.nodeName, 30_000, 100);
    expect(['node-a', 'node-b']).toContain(bound);
    const waiting = await eventually(async () => {
      const p = await c.getJson<Pod>('pod', 'intolerant');
      return p.status.conditions?.find((k) => k.type === 'PodScheduled' && k.status === 'False')?.message;
    }, 30_000, 100);
    expect(waiting).toMatch(/node\(s\) had untolerated taint \{dedicated: /);
    expect((await c.getJson<Pod>('pod', 'intolerant')).spec.nodeName).toBeUndefined();

    const all = await kubectl('taint', 'nodes', '--all', 'dedicated-');
    expect(all.stdout.trim().split('\n').sort(), all.stderr).toEqual(['node/node-a untainted', 'node/node-b untainted']);
    expect([await taints('node-a'), await taints('node-b')]).toEqual([[], []]);
    expect(await eventually(async () => (await c.getJson<Pod>('pod', 'intolerant')).spec.nodeName, 30_000, 100)).toMatch(/^node-[ab]$/);
  });

  it('wharf taint --all changes every node, and reports each node it cannot change', async () => {
    const add = await c.wharf('taint', 'nodes', '--all', 'maintenance=soon:PreferNoSchedule');
    expect(add.stdout.split('\n').filter(Boolean).sort()).toEqual(['node/node-a tainted', 'node/node-b tainted']);
    expect((await c.wharf('taint', 'nodes', 'node-b', 'maintenance-')).code).toBe(0);
    const remove = await c.wharf('taint', 'nodes', '--all', 'maintenance-');
    expect([remove.code, remove.stdout, remove.stderr]).toEqual([1, 'node/node-a untainted\n', 'error: taint "maintenance" not found\n']);
    expect([await taints('node-a'), await taints('node-b')]).toEqual([[], []]);
  });
});
