#!/usr/bin/env node
// CLI latency (the brief: `wharf get pods` should answer about as fast as kubectl). One
// nats-server and one wharf-api on loopback, `--pods` pods created through the API; then, in
// alternating runs, the wall time of a whole process until it exits:
//   - `node -e 0` (the floor of any Node.js CLI on this machine),
//   - `wharf get pods` (the checkout's packages/cli/bin/wharf.js, built with its oclif manifest),
//   - `wharf get pods -o yaml`,
//   - `wharf describe pod cli-0`,
//   - peers: `kubectl get pods` and `kubectl describe pod cli-0` against the same API server (token and CA in a kubeconfig).
// Prints the median, min and p90 of each. Every process it started is stopped by PID at the end,
// also on failure or Ctrl-C.
//   node bench/cli.mjs [--runs 20] [--pods 20] [--wharf PATH/packages/cli/bin/wharf.js (another build instead)]
//                      [--compare PATH/packages/cli/bin/wharf.js (another build as well, in the same runs)]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fmt, printTable } from './lib/stats.mjs';
import { apiClient, benchPod, ROOT, startApi, startNats } from './lib/servers.mjs';

const { values: o } = parseArgs({ options: { runs: { type: 'string', default: '20' }, pods: { type: 'string', default: '20' }, wharf: { type: 'string' }, compare: { type: 'string' } } });
const RUNS = Number(o.runs);
const started = [];
const stopAll = async () => {
  while (started.length) await started.pop().stop().catch((e) => console.error(`stopping: ${e.message}`));
};
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => stopAll().finally(() => process.exit(130)));

const kubectlFound = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
let failed = false;
const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-cli-'));
try {
  const nats = await startNats();
  started.push(nats);
  const api = await startApi(nats.url, 'clibench');
  started.push(api);
  const { call } = apiClient(api);
  for (let i = 0; i < Number(o.pods); i++) await call('POST', '/api/v1/namespaces/default/pods', benchPod(`cli-${i}`));
  const cfg = JSON.parse((await import('node:fs')).readFileSync(join(api.home, 'config'), 'utf8'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: b\n  cluster:\n    server: ${api.url}\n    certificate-authority-data: ${Buffer.from(cfg.certificateAuthority).toString('base64')}\nusers:\n- name: b\n  user:\n    token: ${api.token}\ncontexts:\n- name: b\n  context:\n    cluster: b\n    user: b\ncurrent-context: b\n`);
  const wharf = o.wharf ?? join(ROOT, 'packages/cli/bin/wharf.js');
  const env = { ...process.env, WHARF_CONFIG: join(api.home, 'config'), KUBECONFIG: kubeconfig, HOME: dir };
  const cases = [
    ['node -e 0 (the floor of a Node.js CLI)', process.execPath, ['-e', '0']],
    ['wharf get pods', process.execPath, [wharf, 'get', 'pods']],
    ['wharf get pods -o yaml', process.execPath, [wharf, 'get', 'pods', '-o', 'yaml']],
    ['wharf describe pod cli-0', process.execPath, [wharf, 'describe', 'pod', 'cli-0']],
    ...(o.compare ? [[`wharf get pods (${o.compare})`, process.execPath, [o.compare, 'get', 'pods']], [`wharf describe pod cli-0 (${o.compare})`, process.execPath, [o.compare, 'describe', 'pod', 'cli-0']]] : []),
    ...(kubectlFound ? [['peer: kubectl get pods', 'kubectl', ['get', 'pods']], ['peer: kubectl describe pod cli-0', 'kubectl', ['describe', 'pod', 'cli-0']]] : []),
  ];
  const times = new Map(cases.map(([what]) => [what, []]));
  for (let r = 0; r < RUNS + 1; r++) {
    for (const [what, cmd, args] of cases) {
      const t0 = process.hrtime.bigint();
      const p = spawnSync(cmd, args, { env, encoding: 'utf8' });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (p.status !== 0) throw new Error(`${what} exited ${p.status}: ${p.stderr}`);
      if (what !== cases[0][0] && !p.stdout.includes('cli-0')) throw new Error(`${what} did not list the pods: ${p.stdout.slice(0, 300)}`);
      if (r > 0) times.get(what).push(ms); // the first round warms the page cache
    }
  }
  const q = (xs, f) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * f))];
  console.log(`\nCLI latency: ${RUNS} runs each, alternating, ${o.pods} pods listed, one wharf-api on loopback\n`);
  printTable([...times].map(([what, xs]) => ({ what, 'median s': fmt(q(xs, 0.5) / 1000, 3), 'min s': fmt(Math.min(...xs) / 1000, 3), 'p90 s': fmt(q(xs, 0.9) / 1000, 3) })));
  if (!kubectlFound) console.log('\nkubectl is not installed: scripts/install-deps.sh installs it (the kubectl tests need it too)');
} catch (e) {
  failed = true;
  console.error(`bench/cli: ${e.stack ?? e}`);
} finally {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
