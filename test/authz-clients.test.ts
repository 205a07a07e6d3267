/**
 * Authorization through the clients people use: `kubectl auth can-i` (SelfSubjectAccessReview)
 * and kubectl's Forbidden lines for tokens of different roles, and `wharf token create|list|delete`.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNats, type NatsHandle } from './harness/nats.js';
import { BIN, startApi, type ApiHandle } from './harness/api.js';
import { run } from './harness/exec.js';

const KUBECTL = '/usr/bin/kubectl';
const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:1' }] } });

describe('authorization through kubectl and the wharf CLI', () => {
  let nats: NatsHandle;
  let api: ApiHandle;
  let caFile: string;
  const tokens: Record<string, string> = {};
  const wharf = (...args: string[]) => run(process.execPath, [BIN.cli, ...args], { env: { HOME: api.home, WHARF_CONFIG: api.configPath } });
  const mint = async (name: string, request: Record<string, unknown>) => {
    const r = await api.fetch('/apis/wharf.io/v1/tokens', { method: 'POST', json: request });
    expect(r.status).toBe(201);
    tokens[name] = ((await r.json()) as { token: string }).token;
  };

  beforeAll(async () => {
    nats = await startNats();
    api = await startApi({ natsUrl: nats.url, cluster: 'authzcli' });
    caFile = join(api.home, 'ca.crt');
    writeFileSync(caFile, api.ca);
    await mint('view', { user: 'vera', role: 'view' });
    await mint('teamA', { user: 'nina', role: 'edit', namespace: 'team-a' });
    await mint('node', { user: 'system:node:n1', role: 'node' });
    await mint('edit', { user: 'eddie', role: 'edit' });
    expect((await api.fetch('/api/v1/namespaces', { method: 'POST', json: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } } })).status).toBe(201);
    expect((await api.fetch('/api/v1/namespaces/default/pods', { method: 'POST', json: pod('web') })).status).toBe(201);
  });
  afterAll(async () => {
    await api?.stop();
    await nats?.stop();
  });

  describe.skipIf(!existsSync(KUBECTL))('kubectl', () => {
    // A fresh HOME per call: kubectl caches discovery, and each call here may be another user.
    const kubectl = (who: string, ...args: string[]) =>
      run(KUBECTL, ['--server', api.url, '--token', tokens[who] ?? api.token, '--certificate-authority', caFile, ...args], { env: { HOME: mkdtempSync(join(tmpdir(), 'wharf-kubectl-')), KUBECONFIG: '' } });

    it('discovery lists authorization.k8s.io/v1 with selfsubjectaccessreviews', async () => {
      const r = await kubectl('admin', 'api-resources', '--api-group=authorization.k8s.io', '--no-headers');
      expect(r.stdout.trim().split(/\s+/)).toEqual(['selfsubjectaccessreviews', 'authorization.k8s.io/v1', 'false', 'SelfSubjectAccessReview']);
    });

    it('auth can-i answers yes or no by role and namespace', async () => {
      const canI = async (who: string, ...args: string[]) => {
        const r = await kubectl(who, 'auth', 'can-i', ...args);
        return `${r.stdout.trim()} ${r.code}${r.stderr ? ` ${r.stderr.trim()}` : ""}`;
      };
      expect(await canI('view', 'list', 'pods')).toBe('yes 0');
      expect(await canI('view', 'watch', 'pods', '-n', 'kube-system')).toBe('yes 0');
      expect(await canI('view', 'create', 'pods')).toBe('no 1');
      expect(await canI('view', 'get', 'nodes')).toBe("no 1 Warning: resource 'nodes' is not namespace scoped");
      expect(await canI('teamA', 'create', 'pods', '-n', 'team-a')).toBe('yes 0');
      expect(await canI('teamA', 'create', 'pods', '-n', 'default')).toBe('no 1');
      expect(await canI('node', 'delete', 'pods')).toBe('no 1');
      expect(await canI('node', 'update', 'pods', '--subresource', 'status')).toBe('yes 0');
      // Privileged pod fields (hostPath): kubectl warns that the resource isn't served, and answers.
      const psp = " Warning: the server doesn't have a resource type 'podsecuritypolicies' in group 'policy'";
      expect(await canI('edit', 'use', 'podsecuritypolicies.policy/privileged')).toBe(`no 1${psp}`);
      expect(await canI('admin', 'use', 'podsecuritypolicies.policy/privileged')).toBe(`yes 0${psp}`);
      expect(await canI('admin', 'delete', 'nodes')).toBe("yes 0 Warning: resource 'nodes' is not namespace scoped");
    });

    it('prints kube-apiserver\'s Forbidden line for a denied request', async () => {
      expect((await kubectl('view', 'get', 'pods')).stdout).toMatch(/^web\s+0\/1\s+Pending/m);
      const del = await kubectl('view', 'delete', 'pod', 'web');
      expect(del.code).toBe(1);
      expect(del.stderr.trim()).toBe('Error from server (Forbidden): pods "web" is forbidden: User "vera" cannot delete resource "pods" in API group "" in the namespace "default"');
      const nodes = await kubectl('teamA', 'get', 'nodes');
      expect(nodes.stderr.trim()).toBe('Error from server (Forbidden): nodes is forbidden: User "nina" cannot list resource "nodes" in API group "" at the cluster scope');
    });
  });

  it('wharf token create --role, list and delete: API tokens', async () => {
    const created = await wharf('token', 'create', '--role', 'view', '--namespace', 'team-a', '--user', 'cli-user', '--ttl', '1h');
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(created.stderr).toMatch(new RegExp(`^token ${token.slice(0, 6)} for user "cli-user" \\(roles: view@team-a\\), expires \\d{4}-`));

    expect((await wharf('get', 'pods', '-n', 'team-a', '--token', token)).code).toBe(0);
    const other = await wharf('get', 'pods', '-n', 'default', '--token', token);
    expect(other.stderr.trim()).toBe('Error from server (Forbidden): pods is forbidden: User "cli-user" cannot list resource "pods" in API group "" in the namespace "default"');
    expect((await wharf('token', 'list', '--token', token)).stderr.trim()).toMatch(/^Error from server \(Forbidden\): tokens.wharf.io is forbidden: User "cli-user" cannot list resource "tokens"/);

    const list = await wharf('token', 'list');
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]!.split(/\s{2,}/)).toEqual(['TOKEN ID', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS', 'USER', 'ROLES']);
    expect(lines.find((l) => /^[a-z0-9]{6}\s+<forever>\s+<never>\s+api\s+<none>\s+system:masters\s+admin\s+cluster-admin$/.test(l))).toBeDefined();
    const row = lines.find((l) => l.includes('cli-user'))!.split(/\s{2,}/);
    expect(row[0]).toBe(token.slice(0, 6));
    expect(row.slice(3)).toEqual(['api', '<none>', '<none>', 'cli-user', 'view@team-a']);
    expect(list.stdout).not.toContain(token);

    const del = await wharf('token', 'delete', row[0]!);
    expect(del.stdout).toBe(`token "${row[0]}" deleted\n`);
    expect((await wharf('get', 'pods', '-n', 'team-a', '--token', token)).stderr.trim()).toBe('error: You must be logged in to the server (Unauthorized: the bearer token is not valid)');
    expect((await wharf('token', 'delete', row[0]!)).stderr.trim()).toBe(`Error from server (NotFound): tokens.wharf.io "${row[0]}" not found`);
    expect((await wharf('token', 'create', '--namespace', 'x')).stderr.trim()).toBe('error: --namespace is the scope of a role: give --role too');
    expect((await wharf('token', 'create', '--user', 'x')).stderr.trim()).toBe('error: --user and --group are for API tokens: give --role too (without --role the token is a bootstrap token, user system:bootstrap:<id>)');
  });

  it('wharf token create without --role: a bootstrap token, its join command with the CA pin, list and delete', async () => {
    const created = await wharf('token', 'create');
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    const id = token.slice(0, 6);
    expect(token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(created.stderr).toMatch(new RegExp(`^bootstrap token ${id} for user "system:bootstrap:${id}" \\(roles: <none>\\), expires \\d{4}-`));
    // It may only join: kubectl's and wharf's Forbidden lines name its user.
    expect((await wharf('get', 'pods', '--token', token)).stderr.trim()).toBe(`Error from server (Forbidden): pods is forbidden: User "system:bootstrap:${id}" cannot list resource "pods" in API group "" in the namespace "default"`);
    const nodes = await run(KUBECTL, ['--server', api.url, '--token', token, '--certificate-authority', caFile, 'get', 'nodes'], { env: { HOME: mkdtempSync(join(tmpdir(), 'wharf-kubectl-')), KUBECONFIG: '' } });
    // Not even discovery: kubectl stops at /api.
    expect([nodes.code, nodes.stderr.trim().split('\n').at(-1)]).toEqual([1, 'Error from server (Forbidden): unknown']);

    const join_ = await wharf('token', 'create', '--print-join-command', '--ttl', '2h', '--description', 'rack 4');
    expect(join_.code, join_.stderr).toBe(0);
    // kubeadm's pin, computed apart from Wharf: SHA-256 of the CA's DER SubjectPublicKeyInfo.
    const pin = (await run('sh', ['-c', 'openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | sha256sum'], { input: api.ca })).stdout.split(' ')[0];
    const m = /^wharf join --token ([a-z0-9]{6}\.[a-z0-9]{16}) (\S+) --discovery-token-ca-cert-hash sha256:([0-9a-f]{64})\n$/.exec(join_.stdout);
    expect(m, join_.stdout).not.toBeNull();
    expect([m![2], m![3]]).toEqual([new URL(api.url).host, pin]);
    const joinId = m![1]!.slice(0, 6);

    const lines = (await wharf('token', 'list')).stdout.trim().split('\n');
    const row = lines.find((l) => l.startsWith(`${joinId} `))!.split(/\s{2,}/);
    expect(row.slice(3)).toEqual(['join', 'rack 4', 'system:bootstrappers', `system:bootstrap:${joinId}`, '<none>']);
    const json = JSON.parse((await wharf('token', 'list', '-o', 'json')).stdout) as { items: { id: string; type: string; description?: string }[] };
    expect(json.items.find((t) => t.id === joinId)).toMatchObject({ type: 'bootstrap', description: 'rack 4' });

    const del = await wharf('token', 'delete', m![1]!, id);
    expect(del.stdout).toBe(`bootstrap token "${joinId}" deleted\nbootstrap token "${id}" deleted\n`);
    expect((await wharf('get', 'pods', '--token', token)).stderr.trim()).toBe('error: You must be logged in to the server (Unauthorized: the bearer token is not valid)');
    expect((await wharf('token', 'create', '--print-join-command', '--role', 'view')).stderr).toMatch(/^error: --role=view cannot also be provided when using --print-join-command/);
  });
});
