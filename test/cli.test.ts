import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNats, type NatsHandle } from './harness/nats.js';
import { BIN, ROOT, startApi, type ApiHandle } from './harness/api.js';
import { run } from './harness/exec.js';
import { eventually } from './harness/ports.js';

const podYaml = (name: string, labels = 'app: web') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {${labels}}
spec:
  containers:
  - name: c
    image: wharf.local/busybox:1
`;

describe('the wharf CLI against a real API server', () => {
  let nats: NatsHandle;
  let api: ApiHandle;
  let env: NodeJS.ProcessEnv;
  const wharf = (args: string[], input?: string) => run(process.execPath, [BIN.cli, ...args], { env, ...(input !== undefined ? { input } : {}) });

  beforeAll(async () => {
    nats = await startNats();
    api = await startApi({ natsUrl: nats.url, cluster: 'clitest' });
    env = { HOME: api.home, WHARF_CONFIG: api.configPath };
  });
  afterAll(async () => {
    await api?.stop();
    await nats?.stop();
  });

  it('creates from multi-document YAML, from a directory and from stdin, and reports each object', async () => {
    const r = await wharf(['create', '-f', join(ROOT, 'examples')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(['pod/client created', 'pod/microservice1 created', 'replicationcontroller/microservice1 created', 'service/microservice1 created']);
    const multi = await wharf(['create', '-f', '-'], `${podYaml('a1')}---\n${podYaml('a2', 'app: db')}`);
    expect(multi.stdout).toBe('pod/a1 created\npod/a2 created\n');
    // A live name with another body (the same manifest again within two minutes is taken for a retry of the create, and answered with the pod).
    const again = await wharf(['create', '-f', '-'], podYaml('a1', 'app: other'));
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toMatch(/^Error from server \(AlreadyExists\): .*pods "a1" already exists$/);
  });

  it('prints a validation failure the way kubectl does and exits 1', async () => {
    const r = await wharf(['create', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n  - name: c\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The Pod "bad" is invalid');
    expect(r.stderr).toContain('spec.containers[0].image: Required value');
    const yaml = await wharf(['create', '-f', '-'], 'kind: Pod\n  bad: [');
    expect(yaml.code).toBe(1);
    expect(yaml.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('gets in kubectl’s formats, with selectors, all namespaces, aliases and kind/name', async () => {
    const table = await wharf(['get', 'pods']);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(table.stdout).toMatch(/^a1\s+0\/1\s+Pending\s+0\s+\d+s$/m);
    const sel = await wharf(['get', 'po', '-l', 'app=db', '--no-headers']);
    expect(sel.stdout.trim().split(/\s+/)[0]).toBe('a2');
    const all = await wharf(['get', 'pods', '-A']);
    expect(all.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY/);
    const names = await wharf(['get', 'pods', '-o', 'name']);
    expect(names.stdout.split('\n').filter(Boolean).sort()).toEqual(['pod/a1', 'pod/a2', 'pod/client', 'pod/microservice1']);
    const one = await wharf(['get', 'pod/a1', '-o', 'json']);
    expect(JSON.parse(one.stdout)).toMatchObject({ kind: 'Pod', metadata: { name: 'a1', namespace: 'default' } });
    const list = await wharf(['get', 'pods', '-o', 'yaml']);
    expect(list.stdout).toMatch(/^apiVersion: v1\nitems:/);
    expect(list.stdout).toContain('kind: List');
    const multi = await wharf(['get', 'rc,svc']);
    expect(multi.stdout).toMatch(/replicationcontroller\/microservice1\s+5\s+0\s+0/);
    expect(multi.stdout).toMatch(/service\/microservice1\s+NodePort/);
    const wide = await wharf(['get', 'rc', '-o', 'wide']);
    expect(wide.stdout.split('\n')[0]).toMatch(/CONTAINERS\s+IMAGES\s+SELECTOR/);
    const empty = await wharf(['get', 'pods', '-n', 'kube-system']);
    expect(empty.stderr.trim()).toBe('No resources found in kube-system namespace.');
    const unknown = await wharf(['get', 'gizmos']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('error: the server doesn\'t have a resource type "gizmos"');
  });

  it('replaces with the current resourceVersion, and a stale one gets Conflict', async () => {
    const cur = JSON.parse((await wharf(['get', 'pod', 'a1', '-o', 'json'])).stdout) as { metadata: { labels: Record<string, string>; resourceVersion: string } };
    cur.metadata.labels.tier = 'one';
    expect((await wharf(['replace', '-f', '-'], JSON.stringify(cur))).stdout.trim()).toBe('pod/a1 replaced');
    cur.metadata.labels.tier = 'two';
    const stale = await wharf(['replace', '-f', '-'], JSON.stringify(cur));
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/Error from server \(Conflict\)/);
  });

  it('scales a replication controller', async () => {
    expect((await wharf(['scale', 'rc', 'microservice1', '--replicas=3'])).stdout.trim()).toBe('replicationcontroller/microservice1 scaled');
    expect((await wharf(['scale', 'rc/microservice1', '--replicas', '4'])).code).toBe(0);
    expect((await wharf(['get', 'rc', 'microservice1'])).stdout).toMatch(/microservice1\s+4\s+/);
  });

  it('watches: prints the table, then a row per change', async () => {
    const child = spawn(process.execPath, [BIN.cli, 'get', 'pods', '-w', '-l', 'app=watch'], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    await eventually(() => out.includes('No resources found') || out.includes('NAME'), 10_000);
    await wharf(['create', '-f', '-'], podYaml('w1', 'app: watch'));
    await eventually(() => /^w1\s+0\/1\s+Pending/m.test(out), 10_000);
    child.kill('SIGINT');
  });

  it('deletes by name, by label and by file, waiting until the objects are gone', async () => {
    expect((await wharf(['delete', 'pod', 'a1'])).stdout.trim()).toBe('pod "a1" deleted');
    expect((await wharf(['delete', 'pods', '-l', 'app=db'])).stdout.trim()).toBe('pod "a2" deleted');
    const byFile = await wharf(['delete', '-f', join(ROOT, 'examples/microservice1-svc.yaml')]);
    expect(byFile.stdout.trim()).toBe('service "microservice1" deleted');
    const missing = await wharf(['delete', 'pod', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');
  });

  it('reads the server and token from flags, environment or config, and says clearly what is wrong', async () => {
    const badToken = await wharf(['get', 'pods', '--token', 'wrong']);
    expect(badToken.code).toBe(1);
    expect(badToken.stderr.trim()).toMatch(/Unauthorized/);
    expect(badToken.stderr.trim().split('\n')).toHaveLength(1);
    const viaEnv = await run(process.execPath, [BIN.cli, 'get', 'ns', '--config', '/nonexistent', '--insecure-skip-tls-verify'], { env: { HOME: api.home, WHARF_SERVER: api.url, WHARF_TOKEN: api.token } });
    expect(viaEnv.stdout).toMatch(/^default\s+Active/m);
    const down = await run(process.execPath, [BIN.cli, 'get', 'pods', '--server', 'https://127.0.0.1:1'], { env });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/unable to connect to the server at https:\/\/127\.0\.0\.1:1/);
  });
  it('loads no NATS module, no store and no reconcilers: the CLI depends on the model and the client only; get loads no other command, no schema, no undici, no yaml', async () => {
    const traced = (args: string[]) => run(process.execPath, ['--import', join(ROOT, 'test/tools/load-trace.mjs'), BIN.cli, ...args], { env });
    for (const args of [['get', 'pods'], ['replay', '--reconciler', 'scheduler', '--to', '1'], ['history', 'pod/nope']]) {
      const r = await traced(args);
      const loaded = r.stderr.split('\n').filter((l) => l.startsWith('load: '));
      expect(loaded.length, `${args.join(' ')}: ${r.stderr}`).toBeGreaterThan(20);
      expect(loaded.filter((l) => /@nats-io|packages\/(store|reconcilers|api|agent|proxy)\//.test(l)), args.join(' ')).toEqual([]);
      expect(loaded.some((l) => l.includes('packages/model/')), args.join(' ')).toBe(true);
    }
    // `get pods` and `describe pods` answer without what they do not use: oclif and the commands
    // (bin/wharf.js takes them on its fast path), the kinds' zod schemas, undici, yaml.
    for (const args of [['get', 'pods'], ['describe', 'pods']]) {
      const r = await traced(args);
      expect(r.code, r.stderr).toBe(0);
      const loaded = r.stderr.split('\n').filter((l) => l.startsWith('load: '));
      expect(loaded.filter((l) => /cli\/dist\/commands\/|@oclif\//.test(l)), args.join(' ')).toEqual([]);
      expect(loaded.filter((l) => /node_modules\/(zod|undici|yaml)\/|^load: (zod|undici|yaml)$/.test(l)), args.join(' ')).toEqual([]);
    }
    // What the fast path does not take goes to oclif, which loads that command alone (from the manifest the build writes).
    const logs = (await traced(['logs', 'nope'])).stderr.split('\n').filter((l) => l.startsWith('load: '));
    expect(logs.filter((l) => /cli\/dist\/commands\//.test(l)).map((l) => l.replace(/.*cli\/dist\//, ''))).toEqual(['commands/logs.js']);
  });

  it('stops quietly when its reader closes the pipe early (`wharf get pods -o yaml | head`), as kubectl does', async () => {
    const ns = await api.fetch('/api/v1/namespaces', { method: 'POST', json: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pipe' } } });
    expect(ns.status).toBe(201);
    // More YAML than a pipe holds (64 KiB), so the CLI is still writing when `head` has gone.
    for (let i = 0; i < 160; i += 40) {
      const res = await Promise.all(Array.from({ length: 40 }, (_, j) => api.fetch('/api/v1/namespaces/pipe/pods', { method: 'POST', json: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `pipe-${i + j}`, labels: { note: 'x'.repeat(60) } }, spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:1' }] } } })));
      expect(res.map((r) => r.status)).toEqual(Array(40).fill(201));
    }
    for (const args of ['get pods -n pipe -o yaml', 'get pods -n pipe -o json', 'describe pods -n pipe']) {
      const r = await run('bash', ['-c', `"${process.execPath}" "${BIN.cli}" ${args} | head -c 10 >/dev/null; echo "exit \${PIPESTATUS[0]}" >&2`], { env });
      expect(r.stderr, args).toBe('exit 0\n');
    }
  });

  it('answers `get` and `describe` on its fast path as oclif would, and leaves help and bad flags to oclif', async () => {
    const help = await wharf(['get', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^USAGE\n\s+\$ wharf get KIND/m);
    expect(help.stdout).toContain('--field-selector');
    const bogus = await wharf(['get', 'pods', '--bogus']);
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toMatch(/Nonexistent flag: --bogus/);
    const badOutput = await wharf(['get', 'pods', '-o', 'table']);
    expect(badOutput.code).toBe(1);
    expect(badOutput.stderr).toMatch(/Expected --output=table to be one of: wide, yaml, json, name/);
    const twice = await wharf(['get', 'pods', '-n', 'a', '-n', 'b']);
    expect(twice.stderr).toMatch(/can only be specified once/);
    const noKind = await wharf(['get']);
    expect(noKind.code).toBe(1);
    expect(noKind.stderr.trim()).toBe('error: you must specify the type of resource to get. Use "wharf get --help" for the list of types');
    const unknown = await wharf(['get', 'frobs']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe(`error: the server doesn't have a resource type "frobs"`);
    const describeHelp = await wharf(['describe', '--help']);
    expect(describeHelp.code).toBe(0);
    expect(describeHelp.stdout).toMatch(/^USAGE\n\s+\$ wharf describe/m);
    const describeBogus = await wharf(['describe', 'pods', '-o', 'yaml']);
    expect(describeBogus.code).toBe(1);
    expect(describeBogus.stderr).toMatch(/Nonexistent flag: -o/);
    const describeTwo = await wharf(['describe', 'pods', 'a', 'b']);
    expect(describeTwo.code).toBe(1);
    expect(describeTwo.stderr.trim()).toBe('error: describe takes one kind and at most one name');
  });
});
