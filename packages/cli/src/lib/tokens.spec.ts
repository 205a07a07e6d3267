import { describe, expect, it } from 'vitest';
import type { TokenInfo } from '@wharf/model';
import { hostPort, joinCommand, parseTtl, rolesText, shortHumanDuration, tokenTable } from './tokens.js';

const CA = `-----BEGIN CERTIFICATE-----
MIIBiDCCAS2gAwIBAgIUEV7udqwyi5D+fyNAPYUuZfN0aBAwCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNd2hhcmYtY2Etc3BlYzAgFw0yNjExMzAxNTEwMzBaGA8yMTI2
MTEwNjE1MTAzMFowGDEWMBQGA1UEAwwNd2hhcmYtY2Etc3BlYzBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABNG+oZmpus+Mqd/AFMKa7Mz95QMbR72FbE70DzzyXX5c
RVbv/60yYUHQTnVmC97H5Nbw/JKVOzSdfUS8SnjqNEajUzBRMB0GA1UdDgQWBBTr
7jBYhXOYQntrxhK+l1Xj8JC72jAfBgNVHSMEGDAWgBTr7jBYhXOYQntrxhK+l1Xj
8JC72jAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQCnpdOJAzWh
wklqdt+O/X327zneqOGj/Z2hqo8ZCJ7V4wIhAOnLpa1Y/l2OBk6d2gAKC/611ybu
0FZ3Rreq8tuyTg6r
-----END CERTIFICATE-----
`;

describe('wharf token', () => {
  it('reads TTLs as durations, 0 as never', () => {
    expect(parseTtl('24h')).toBe(86400);
    expect(parseTtl('1h30m')).toBe(5400);
    expect(parseTtl('7d')).toBe(7 * 86400);
    expect(parseTtl('45s')).toBe(45);
    expect(parseTtl('0')).toBe(0);
    for (const bad of ['', '24', 'h', '1.5h', '-1h', '0h', '1w']) expect(() => parseTtl(bad), bad).toThrow(/invalid --ttl/);
  });

  it('prints time left as Kubernetes\' ShortHumanDuration', () => {
    const s = 1000;
    expect([-5 * s, -1 * s, 0, 59 * s, 60 * s, 86399 * s, 48 * 3600 * s, 800 * 86400 * s].map(shortHumanDuration)).toEqual(['<invalid>', '0s', '0s', '59s', '1m', '23h', '2d', '2y']);
  });

  it('lists tokens with kubeadm\'s columns, then user and roles, never a secret', () => {
    const now = new Date('2026-01-02T00:00:00Z');
    const tokens: TokenInfo[] = [
      { id: 'aaaaaaaaaaaa', type: 'api', user: 'admin', groups: ['system:masters'], roles: [{ binding: 'cluster-admin', role: 'cluster-admin' }], created: '2026-01-01T00:00:00.000Z' },
      { id: 'bbbbbb', type: 'api', user: 'alice', groups: [], roles: [{ binding: 'token-bbbbbb', role: 'view', namespace: 'team-a' }], created: '2026-01-01T10:00:00.000Z', expires: '2026-01-01T12:00:00.000Z' },
      { id: 'cccccc', type: 'bootstrap', description: 'rack 4', user: 'system:bootstrap:cccccc', groups: ['system:bootstrappers'], roles: [], created: '2026-01-01T11:00:00.000Z', expires: '2026-01-02T23:30:00.000Z' },
    ];
    expect(rolesText(tokens[1]!)).toBe('view@team-a');
    expect(tokenTable(tokens, now).split('\n')).toEqual([
      'TOKEN ID       TTL         EXPIRES                USAGES   DESCRIPTION   EXTRA GROUPS           USER                      ROLES',
      'aaaaaaaaaaaa   <forever>   <never>                api      <none>        system:masters         admin                     cluster-admin',
      'bbbbbb         <invalid>   2026-01-01T12:00:00Z   api      <none>        <none>                 alice                     view@team-a',
      'cccccc         23h         2026-01-02T23:30:00Z   join     rack 4        system:bootstrappers   system:bootstrap:cccccc   <none>',
      '',
    ]);
  });

  it('prints kubeadm\'s join command: token, the API server\'s host:port, the CA pin', () => {
    expect(joinCommand('wharf', 'abcdef.0123456789abcdef', 'https://10.0.0.1:6443', CA)).toBe('wharf join --token abcdef.0123456789abcdef 10.0.0.1:6443 --discovery-token-ca-cert-hash sha256:443f0b87bad0238e6bf9009b0e33b2726d4cef70381565a128fb3df94956ed70');
    expect(hostPort('https://[::1]:7443/')).toBe('[::1]:7443');
    expect(hostPort('https://api.example')).toBe('api.example:443');
    expect(() => joinCommand('wharf', 't', 'https://10.0.0.1:6443', undefined)).toThrow(/without the cluster CA/);
    expect(() => joinCommand('wharf', 't', 'https://10.0.0.1:6443', 'junk')).toThrow(/cannot compute the CA certificate hash: no PEM certificate found/);
    expect(() => hostPort('not a url')).toThrow(/invalid server address/);
  });
});
