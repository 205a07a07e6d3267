import { describe, expect, it } from 'vitest';
import { kindOf } from '@wharf/client';
import { gracePeriod, runDelete } from './delete.js';
import { captureIo, routedClient } from './fake.spec-helper.js';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1' } };
const target = { info: kindOf('pod'), namespace: 'default', name: 'web' };
const base = { cascade: 'background' as const, timeoutMs: 2000 };

describe('runDelete', () => {
  it('prints kubectl\'s line and waits until GET answers 404', async () => {
    const { client, calls } = routedClient({
      'DELETE /api/v1/namespaces/default/pods/web?propagationPolicy=Background&gracePeriodSeconds=1': pod,
      'GET /api/v1/namespaces/default/pods/web': (n: number) => (n < 2 ? pod : undefined),
    });
    const io = captureIo();
    expect(await runDelete(client, [target], { ...base, gracePeriodSeconds: 1, wait: true }, io)).toBe(0);
    expect(io.stdout).toBe('pod "web" deleted\n');
    expect(calls.filter((c) => c.startsWith('GET'))).toHaveLength(2);
  });
  it('counts a re-created object (another uid) as deleted', async () => {
    const { client } = routedClient({
      'DELETE /api/v1/namespaces/default/pods/web?propagationPolicy=Background': pod,
      'GET /api/v1/namespaces/default/pods/web': { ...pod, metadata: { ...pod.metadata, uid: 'u2' } },
    });
    expect(await runDelete(client, [target], { ...base, wait: true }, captureIo())).toBe(0);
  });
  it('times out with kubectl\'s message', async () => {
    const { client } = routedClient({ 'DELETE /api/v1/namespaces/default/pods/web?propagationPolicy=Background': pod, 'GET /api/v1/namespaces/default/pods/web': pod });
    const io = captureIo();
    expect(await runDelete(client, [target], { ...base, wait: true, timeoutMs: 10 }, io)).toBe(1);
    expect(io.stderr).toBe('error: timed out waiting for the condition on pods/web\n');
  });
  it('continues past a failed delete and exits 1; --ignore-not-found hides NotFound', async () => {
    const { client } = routedClient({ 'DELETE /api/v1/namespaces/default/pods/b?propagationPolicy=Orphan': { ...pod, metadata: { name: 'b' } } });
    const io = captureIo();
    const targets = [{ ...target, name: 'a' }, { ...target, name: 'b' }];
    expect(await runDelete(client, targets, { ...base, cascade: 'orphan', wait: false }, io)).toBe(1);
    expect(io.stdout).toBe('pod "b" deleted\n');
    expect(io.stderr).toMatch(/^Error from server \(NotFound\)/);
    expect(await runDelete(client, targets, { ...base, cascade: 'orphan', wait: false, ignoreNotFound: true }, captureIo())).toBe(0);
  });
});

describe('gracePeriod', () => {
  it('maps --now and --grace-period', () => {
    expect(gracePeriod({ 'grace-period': -1, now: false })).toBeUndefined();
    expect(gracePeriod({ 'grace-period': 0, now: false })).toBe(0);
    expect(gracePeriod({ 'grace-period': 30, now: true })).toBe(1);
  });
});
