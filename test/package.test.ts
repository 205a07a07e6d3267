// The installable artifact: scripts/package.sh makes dist/wharf-<version>.tgz, which is installed
// here into a fresh prefix with `npm install -g --prefix DIR --offline` (everything is bundled, so
// no registry is asked) and run from there, outside the checkout, the way a second machine would.
// Set WHARF_ARTIFACT=path/to/wharf-<version>.tgz to test a tarball already built by this run.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './harness/api.js';
import { run, type RunResult } from './harness/exec.js';
import { freePort } from './harness/ports.js';
import { initRangeFlags, testRanges } from './harness/ranges.js';

/** The `wharf` commands the installed CLI must offer; a new command joins this list. */
const CLI_COMMANDS = ['certs', 'cluster', 'cordon', 'create', 'delete', 'describe', 'diff', 'drain', 'events', 'get', 'history', 'init', 'join', 'logs', 'node', 'replace', 'replay', 'reset', 'scale', 'start', 'taint', 'token', 'uncordon', 'why'];

/** Each daemon, with the first line its --help prints. */
const DAEMONS: Record<string, RegExp> = {
  'wharf-api': /^wharf-api: the Kubernetes-shaped REST API/,
  'wharf-reconcilers': /^Runs Wharf reconcilers/,
  'wharf-agent': /^wharf-agent: the node agent \(kubelet\)/,
  'wharf-proxy': /^wharf-proxy: the NodePort proxy/,
};

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const INSTALL_MS = 240_000;

describe('the installable artifact, installed into a fresh prefix', () => {
  const work = mkdtempSync(join(tmpdir(), 'wharf-package-test-'));
  const prefix = join(work, 'prefix');
  const home = join(work, 'home');
  const pkgDir = join(prefix, 'lib', 'node_modules', 'wharf');
  // Only the prefix's bin and the directory of node: nothing of the checkout is reachable.
  const env: NodeJS.ProcessEnv = { PATH: [join(prefix, 'bin'), dirname(process.execPath), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(delimiter), HOME: home, NODE_PATH: '' };
  const installed = (cmd: string, args: string[], timeoutMs = 30_000): Promise<RunResult> => run(join(prefix, 'bin', cmd), args, { env, cwd: work, timeoutMs });

  beforeAll(async () => {
    let artifact = process.env.WHARF_ARTIFACT ? resolve(process.env.WHARF_ARTIFACT) : undefined;
    if (!artifact) {
      const built = await run('bash', [join(ROOT, 'scripts/package.sh')], { timeoutMs: INSTALL_MS });
      expect(built.code, built.stderr).toBe(0);
      artifact = join(ROOT, 'dist', `wharf-${version}.tgz`);
      expect(built.stdout).toContain(`dist/wharf-${version}.tgz (`);
    }
    const install = await run('npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', artifact], { env: { HOME: home }, cwd: work, timeoutMs: INSTALL_MS });
    expect(install.code, install.stderr).toBe(0);
  }, 2 * INSTALL_MS);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('puts the five commands, wharf-install-deps and wharf-build-images on the prefix’s PATH', () => {
    expect(readdirSync(join(prefix, 'bin')).sort()).toEqual(['wharf', 'wharf-agent', 'wharf-api', 'wharf-build-images', 'wharf-install-deps', 'wharf-proxy', 'wharf-reconcilers']);
  });

  it('prints the version', async () => {
    const r = await installed('wharf', ['--version']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`/${version} `);
  });

  it('lists every wharf command, and prints each one’s help', async () => {
    const help = await installed('wharf', ['--help']);
    expect(help.code, help.stderr).toBe(0);
    const listed = [...help.stdout.matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(CLI_COMMANDS);
    for (const cmd of CLI_COMMANDS) {
      const r = await installed('wharf', [cmd, '--help']);
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(0);
      expect(r.stdout, cmd).toMatch(new RegExp(`\\$ wharf ${cmd}( |$)`, 'm'));
    }
  });

  it('loads every command module of the installed CLI (its help comes from oclif.manifest.json without them)', async () => {
    const commands = join(pkgDir, 'node_modules/@wharf/cli/dist/commands');
    const files = readdirSync(commands, { recursive: true }).map(String).filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThanOrEqual(CLI_COMMANDS.length);
    const script = `for (const f of ${JSON.stringify(files.map((f) => join(commands, f)))}) await import(f); console.log('loaded');`;
    const r = await run(process.execPath, ['--input-type=module', '-e', script], { env, cwd: work });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('loaded');
  });

  it('runs a command up to the HTTP request, which says in one line that no API server is there', async () => {
    const port = await freePort();
    const r = await installed('wharf', ['get', 'pods', '--server', `https://127.0.0.1:${port}`, '--token', 'none']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^error: unable to connect to the server at https://127\\.0\\.0\\.1:${port} `))]);
  });

  it('runs each daemon’s --help', async () => {
    for (const [cmd, first] of Object.entries(DAEMONS)) {
      const r = await installed(cmd, ['--help']);
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(0);
      expect(r.stdout.split('\n')[0], cmd).toMatch(first);
      expect(r.stdout, cmd).toContain('--nats');
    }
  });

  it('starts wharf-api with all its modules, which then says in one line that NATS is not there', async () => {
    const r = await installed('wharf-api', ['--nats', 'nats://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^wharf-api: NATS is not reachable at nats:\/\/127\.0\.0\.1:1 \(connection refused\)/)]);
  });

  it('carries the deploy files, and the installed @wharf/cli finds them', async () => {
    for (const unit of ['wharf-agent', 'wharf-api', 'wharf-nats', 'wharf-reconcilers']) expect(existsSync(join(pkgDir, 'deploy/systemd', `${unit}.service`)), unit).toBe(true);
    expect(existsSync(join(pkgDir, 'deploy/nats/wharf.conf'))).toBe(true);
    const cli = join(pkgDir, 'node_modules/@wharf/cli/dist/index.js');
    const r = await run(process.execPath, ['--input-type=module', '-e', `import { findDeployDir } from ${JSON.stringify(cli)}; console.log(findDeployDir());`], { env, cwd: work });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(join(pkgDir, 'deploy'));
  });

  it('carries production code only: no dev dependencies, no source maps or TypeScript', () => {
    const modules = join(pkgDir, 'node_modules');
    for (const dev of ['typescript', 'vitest', 'eslint', 'fast-check']) expect(existsSync(join(modules, dev)), dev).toBe(false);
    const dist = readdirSync(join(modules, '@wharf/api/dist'), { recursive: true }).map(String);
    expect(dist).toContain('server.js');
    expect(dist.filter((f) => /\.(map|ts)$/.test(f))).toEqual([]);
  });

  it('runs wharf-install-deps, which finds this machine’s dependencies in place, with nats-server or without', async () => {
    const all = await installed('wharf-install-deps', [], 120_000);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/^install-deps: ok \(nats-server: v2\.\d+.*, Docker version /m);
    const node = await installed('wharf-install-deps', ['--no-nats'], 120_000);
    expect(node.code, node.stderr).toBe(0);
    expect(node.stdout).toMatch(/^install-deps: ok \(Docker version /m);
  });

  it('runs wharf-build-images, which finds the example images in place', async () => {
    const r = await installed('wharf-build-images', [], 120_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });
  it('joins a machine from the installed prefix: `wharf join` against a control plane that `wharf init` made', async () => {
    const cp = join(work, 'cp');
    const node = join(work, 'node');
    const [apiPort, natsPort] = [await freePort(), await freePort()];
    const admin = join(cp, 'admin', 'config');
    const cpDirs = ['--config-dir', join(cp, 'etc'), '--data-dir', join(cp, 'var')];
    const nodeDirs = ['--config-dir', join(node, 'etc'), '--data-dir', join(node, 'var')];
    try {
      // The control plane from the checkout; the joining node entirely from the installed prefix.
      const init = await run(process.execPath, [join(ROOT, 'packages/cli/bin/wharf.js'), 'init', '--advertise-address', '127.0.0.1', '--node-name', 'pkg-cp', '--api-port', String(apiPort), '--nats-port', String(natsPort), '--config', admin, ...initRangeFlags(testRanges()), ...cpDirs], { timeoutMs: 150_000 });
      expect(init.code, init.stderr).toBe(0);
      const command = init.stdout.split('\n').find((l) => l.trim().startsWith('wharf join'))!.trim().split(/\s+/).slice(2);
      const joined = await installed('wharf', ['join', ...command, '--node-name', 'pkg-node', '--advertise-address', '127.0.0.1', ...nodeDirs], 150_000);
      expect(joined.code, joined.stderr).toBe(0);
      expect(joined.stdout).toContain('joined the cluster as pkg-node');
      // The installed daemons run the node: their command lines name the prefix.
      const pid = readFileSync(join(node, 'var', 'run', 'wharf-agent.pid'), 'utf8').trim();
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain(prefix);
      const nodes = await run(process.execPath, [join(ROOT, 'packages/cli/bin/wharf.js'), 'get', 'nodes', '-o', 'name'], { env: { WHARF_CONFIG: admin } });
      expect(nodes.stdout.split('\n').filter(Boolean).sort()).toEqual(['node/pkg-cp', 'node/pkg-node']);
    } finally {
      await installed('wharf', ['reset', ...nodeDirs], 60_000);
      await run(process.execPath, [join(ROOT, 'packages/cli/bin/wharf.js'), 'reset', ...cpDirs], { timeoutMs: 60_000 });
    }
  }, 400_000);
});
