import { describe, expect, it } from 'vitest';
import { checkJoinArgs } from './join.js';

const ok = { endpoint: '10.0.0.1:6443', token: 'abcdef.0123456789abcdef', caCertHash: `sha256:${'a'.repeat(64)}` };

describe('checkJoinArgs', () => {
  it('takes kubeadm\'s forms', () => {
    expect(() => checkJoinArgs(ok)).not.toThrow();
    expect(() => checkJoinArgs({ ...ok, caCertHash: undefined })).not.toThrow();
    expect(() => checkJoinArgs({ ...ok, endpoint: 'cp.example:6443' })).not.toThrow();
  });

  it('refuses, in one line each, what is not an address, a token or a pin', () => {
    expect(() => checkJoinArgs({ ...ok, endpoint: '10.0.0.1' })).toThrow(/not ADDRESS:PORT/);
    expect(() => checkJoinArgs({ ...ok, endpoint: 'https://10.0.0.1:6443' })).toThrow(/not ADDRESS:PORT/);
    expect(() => checkJoinArgs({ ...ok, token: 'ABCDEF.0123456789abcdef' })).toThrow(/abcdef\.0123456789abcdef/);
    expect(() => checkJoinArgs({ ...ok, token: 'abcdef0123456789abcdef' })).toThrow(/bootstrap token/);
    expect(() => checkJoinArgs({ ...ok, caCertHash: 'sha1:abc' })).toThrow(/sha256:/);
  });
});
