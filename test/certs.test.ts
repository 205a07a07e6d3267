/**
 * A control plane made by `wharf init` on loopback: a component's credentials renewed with
 * `wharf certs renew`, after which the old creds file is refused and the component works on the
 * new one; `wharf start` after `wharf reset --keep-files` brings the same cluster back; and
 * `wharf reset` leaves nothing of the node: pod containers, pod network, files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectNats } from '@wharf/store';
import { run } from './harness/exec.js';
import { eventually, freePort } from './harness/ports.js';
import { initRangeFlags, testRanges } from './harness/ranges.js';

const WHARF = join(import.meta.dirname, '../packages/cli/bin/wharf.js');
const work = mkdtempSync(join(tmpdir(), 'wharf-certs-'));
const dirs = ['--config-dir', join(work, 'etc'), '--data-dir', join(work, 'var')];
const admin = join(work, 'admin', 'config');
let natsPort = 0;
const wharf = (...args: string[]) => run(process.execPath, [WHARF, ...args], { env: { WHARF_CONFIG: admin }, timeoutMs: 150_000 });
const creds = (who: string, cert: string) => ({ credsFile: join(work, 'etc', `${who}.creds`), caFile: join(work, 'etc', 'ca.crt'), certFile: join(work, 'etc', `${cert}.crt`), keyFile: join(work, 'etc', `${cert}.key`) });

beforeAll(async () => {
  natsPort = await freePort();
  const r = await wharf('init', '--advertise-address', '127.0.0.1', '--node-name', 'certs-cp', '--schedulable', '--api-port', String(await freePort()), '--nats-port', String(natsPort), '--config', admin, ...initRangeFlags(testRanges()), ...dirs);
  expect(r.code, r.stderr).toBe(0);
}, 180_000);

afterAll(async () => {
  await wharf('reset', ...dirs);
  const ids = (await run('docker', ['ps', '-aq', '--filter', 'label=wharf.node=certs-cp'])).stdout.split('\n').filter(Boolean);
  if (ids.length) await run('docker', ['rm', '-f', ...ids]);
}, 120_000);

describe('secrets', () => {
  it('keeps the CA key out of NATS (a root-only file of the control plane), and token hashes readable by the API server alone', async () => {
    const { Kvm } = await import('@nats-io/kv');
    const { statSync } = await import('node:fs');
    expect(statSync(join(work, 'etc', 'pki', 'ca.key')).mode & 0o077).toBe(0);
    const url = `tls://127.0.0.1:${natsPort}`;
    const api = await connectNats(url, 'test as api', creds('api', 'api'));
    try {
      const auth = await new Kvm(api).open('wharf_DEFAULT_auth', { allow_direct: true });
      expect(await auth.get('pki.ca')).toBeNull();
      const keys: string[] = [];
      for await (const k of await auth.keys()) keys.push(k);
      expect(keys.some((k) => k.startsWith('token.'))).toBe(true);
      expect(keys.every((k) => !/key|seed|secret/i.test(k))).toBe(true);
    } finally {
      await api.close();
    }
    const rec = await connectNats(url, 'test as reconcilers', creds('reconcilers', 'reconcilers'));
    try {
      const auth = await new Kvm(rec).open('wharf_DEFAULT_auth', { allow_direct: true });
      await expect(auth.get('token.x')).rejects.toThrow(/permission|timeout/i);
    } finally {
      await rec.close();
    }
  });
});

describe('logs on a secured cluster', () => {
  it('ships a container\'s lines with the node\'s own credentials, and wharf logs reads them', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'talker' }, spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:1', command: ['sh', '-c', 'echo hello-from-talker; exec sleep 3600'] }] } };
    expect((await run(process.execPath, [WHARF, 'create', '-f', '-'], { env: { WHARF_CONFIG: admin }, input: JSON.stringify(pod) })).code).toBe(0);
    const out = await eventually(async () => {
      const r = await wharf('logs', 'talker');
      return r.stdout.includes('hello-from-talker') ? r.stdout : undefined;
    }, 60_000, 500);
    expect(out).toContain('hello-from-talker');
    await wharf('delete', 'pod', 'talker', '--grace-period', '0');
  }, 90_000);
});

describe('wharf certs renew', () => {
  it('gives the reconcilers new credentials, revokes the old ones, and the cluster keeps scheduling', async () => {
    const oldCopy = join(work, 'old-reconcilers.creds');
    copyFileSync(join(work, 'etc', 'reconcilers.creds'), oldCopy);
    const r = await wharf('certs', 'renew', 'reconcilers', ...dirs);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/old NATS user U[A-Z0-9]+ is revoked/);
    await expect(connectNats(`tls://127.0.0.1:${natsPort}`, 'old reconcilers', { ...creds('reconcilers', 'reconcilers'), credsFile: oldCopy })).rejects.toThrow(/refused|authoriz/i);
    const fresh = await connectNats(`tls://127.0.0.1:${natsPort}`, 'new reconcilers', creds('reconcilers', 'reconcilers'));
    await fresh.close();
    // The restarted reconcilers schedule a new pod.
    expect((await wharf('create', '-f', join(import.meta.dirname, '../examples/microservice1-pod.yaml'))).code).toBe(0);
    await eventually(async () => (JSON.parse((await wharf('get', 'pod', 'microservice1', '-o', 'json')).stdout) as { spec: { nodeName?: string } }).spec.nodeName === 'certs-cp', 60_000, 500);
  }, 180_000);

  it('stops with reset --keep-files and comes back with start, the same cluster', async () => {
    expect((await wharf('reset', '--keep-files', ...dirs)).code).toBe(0);
    expect((await wharf('get', 'pods')).code).not.toBe(0);
    const s = await wharf('start', '--data-dir', join(work, 'var'));
    expect(s.code, s.stderr).toBe(0);
    await eventually(async () => (await wharf('get', 'pod', 'microservice1', '-o', 'json')).code === 0, 60_000, 500);
  }, 180_000);

  it('leaves nothing of the node behind after reset: its pod containers, pod network and files go', async () => {
    await eventually(async () => (await run('docker', ['ps', '-q', '--filter', 'label=wharf.node=certs-cp'])).stdout.trim() !== '', 60_000, 500);
    const r = await wharf('reset', ...dirs);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[reset\] removed \d+ container\(s\) of the pods of certs-cp/);
    expect(r.stderr).toMatch(/\[reset\] removed the pod network of certs-cp: wharf-default-certs-cp/);
    expect((await run('docker', ['ps', '-aq', '--filter', 'label=wharf.node=certs-cp'])).stdout.trim()).toBe('');
    expect((await run('docker', ['network', 'ls', '-q', '--filter', 'label=wharf.node=certs-cp'])).stdout.trim()).toBe('');
    expect(existsSync(join(work, 'etc'))).toBe(false);
  }, 120_000);
});
