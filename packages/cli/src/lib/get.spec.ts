import { describe, expect, it } from 'vitest';
import { buildTable, type KObject } from '@wharf/model';
import { captureIo, routedClient } from './fake.spec-helper.js';
import { runGet } from './get.js';
import { parseTargets } from './targets.js';

const pod = (name: string, ns = 'default'): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns }, spec: { containers: [{ name: 'c', image: 'i' }] } });
const now = new Date();
const table = (...ps: KObject[]) => buildTable('Pod', ps, now, '5');

describe('runGet', () => {
  it('says "No resources found in NS namespace." on stderr for an empty table', async () => {
    const { client } = routedClient({ 'GET /api/v1/namespaces/prod/pods': table() });
    const io = captureIo();
    expect(await runGet(client, parseTargets(['po']), { namespace: 'prod' }, io)).toBe(0);
    expect([io.stdout, io.stderr]).toEqual(['', 'No resources found in prod namespace.\n']);
  });
  it('says "No resources found" for cluster-wide lists', async () => {
    const { client } = routedClient({ 'GET /api/v1/nodes': buildTable('Node', [], now) });
    const io = captureIo();
    await runGet(client, parseTargets(['no']), { namespace: 'default' }, io);
    expect(io.stderr).toBe('No resources found\n');
  });
  it('lists across namespaces with a NAMESPACE column and passes selectors and at', async () => {
    const { client, calls } = routedClient({ 'GET /api/v1/pods?labelSelector=app%3Da&at=12': table(pod('a', 'x'), pod('b', 'y')) });
    const io = captureIo();
    await runGet(client, parseTargets(['pods']), { namespace: 'default', allNamespaces: true, selector: 'app=a', at: '12' }, io);
    expect(calls).toEqual(['GET /api/v1/pods?labelSelector=app%3Da&at=12']);
    expect(io.stdout.split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['NAMESPACE', 'x', 'y', '']);
  });
  it('prints found names and the error of missing ones, exiting 1', async () => {
    const { client } = routedClient({ 'GET /api/v1/namespaces/default/pods/a': table(pod('a')) });
    const io = captureIo();
    expect(await runGet(client, parseTargets(['po', 'a', 'zz']), { namespace: 'default' }, io)).toBe(1);
    expect(io.stdout).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE\na +0\/1 +Pending/);
    expect(io.stderr).toBe('Error from server (NotFound): not found: GET /api/v1/namespaces/default/pods/zz\n');
  });
  it('prints a kind: List for -o yaml of a list, and the bare object for one name', async () => {
    const { client } = routedClient({ 'GET /api/v1/namespaces/default/pods': { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [{ metadata: { name: 'a' }, spec: {} }] }, 'GET /api/v1/namespaces/default/pods/a': pod('a') });
    const io = captureIo();
    await runGet(client, parseTargets(['po']), { namespace: 'default', output: 'yaml' }, io);
    expect(io.stdout).toBe('apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n  spec: {}\nkind: List\nmetadata:\n  resourceVersion: ""\n');
    const one = captureIo();
    await runGet(client, parseTargets(['po/a']), { namespace: 'default', output: 'json' }, one);
    expect(JSON.parse(one.stdout)).toEqual(pod('a'));
  });
  it('prints resource/name lines for -o name', async () => {
    const { client } = routedClient({ 'GET /api/v1/namespaces/default/replicationcontrollers': { kind: 'List', metadata: {}, items: [{ metadata: { name: 'ms1' } }] } });
    const io = captureIo();
    await runGet(client, parseTargets(['rc']), { namespace: 'default', output: 'name' }, io);
    expect(io.stdout).toBe('replicationcontroller/ms1\n');
  });
  it('refuses to watch several kinds', async () => {
    const { client } = routedClient({});
    await expect(runGet(client, parseTargets(['po,svc']), { namespace: 'default', watch: true }, captureIo())).rejects.toThrow('you may only specify a single resource type');
  });
});
