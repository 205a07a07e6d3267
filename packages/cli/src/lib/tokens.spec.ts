import { describe, expect, it } from 'vitest';
import type { TokenInfo } from '@wharf/model';
import { parseTtl, rolesText, tokenTable } from './tokens.js';

describe('wharf token', () => {
  it('reads TTLs as durations, 0 as never', () => {
    expect(parseTtl('24h')).toBe(86400);
    expect(parseTtl('1h30m')).toBe(5400);
    expect(parseTtl('7d')).toBe(7 * 86400);
    expect(parseTtl('45s')).toBe(45);
    expect(parseTtl('0')).toBe(0);
    for (const bad of ['', '24', 'h', '1.5h', '-1h', '0h', '1w']) expect(() => parseTtl(bad), bad).toThrow(/invalid --ttl/);
  });

  it('lists tokens with their roles and expiry, never a secret', () => {
    const now = new Date('2026-01-02T00:00:00Z');
    const tokens: TokenInfo[] = [
      { id: 'aaaaaaaaaaaa', user: 'admin', groups: ['system:masters'], roles: [{ binding: 'cluster-admin', role: 'cluster-admin' }], created: '2026-01-01T00:00:00.000Z' },
      { id: 'bbbbbbbbbbbb', user: 'alice', groups: [], roles: [{ binding: 'token-bbbbbbbbbbbb', role: 'view', namespace: 'team-a' }], created: '2026-01-01T10:00:00.000Z', expires: '2026-01-01T12:00:00.000Z' },
      { id: 'cccccccccccc', user: 'token-cccccccccccc', groups: ['viewer'], roles: [], created: '2026-01-01T11:00:00.000Z', expires: '2026-01-03T11:00:00.000Z' },
    ];
    expect(rolesText(tokens[1]!)).toBe('view@team-a');
    expect(tokenTable(tokens, now).split('\n')).toEqual([
      'ID             USER                 GROUPS           ROLES           EXPIRES                         CREATED',
      'aaaaaaaaaaaa   admin                system:masters   cluster-admin   <never>                         2026-01-01 00:00:00',
      'bbbbbbbbbbbb   alice                <none>           view@team-a     2026-01-01 12:00:00 (expired)   2026-01-01 10:00:00',
      'cccccccccccc   token-cccccccccccc   viewer           <none>          2026-01-03 11:00:00             2026-01-01 11:00:00',
      '',
    ]);
  });
});
