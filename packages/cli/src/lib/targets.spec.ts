import { describe, expect, it } from 'vitest';
import { normalizeArgv, parseDuration } from './argv.js';
import { parseSingleTarget, parseTargets } from './targets.js';

const simple = (args: string[]) => parseTargets(args).map((t) => [t.info.kind, t.names]);

describe('parseTargets', () => {
  it('resolves aliases with names', () => {
    expect(simple(['po'])).toEqual([['Pod', []]]);
    expect(simple(['pods', 'a', 'b'])).toEqual([['Pod', ['a', 'b']]]);
    for (const [alias, kind] of [['svc', 'Service'], ['rc', 'ReplicationController'], ['no', 'Node'], ['ep', 'Endpoints'], ['ns', 'Namespace'], ['ev', 'Event'], ['pod', 'Pod']]) {
      expect(simple([alias!])).toEqual([[kind, []]]);
    }
  });
  it('reads the KIND/NAME form, grouping by kind', () => {
    expect(simple(['pod/a', 'svc/s', 'po/b'])).toEqual([['Pod', ['a', 'b']], ['Service', ['s']]]);
  });
  it('reads comma-separated kinds', () => expect(simple(['rc,svc'])).toEqual([['ReplicationController', []], ['Service', []]]));
  it('refuses unknown kinds and mixed forms', () => {
    expect(() => parseTargets(['foo'])).toThrow(`the server doesn't have a resource type "foo"`);
    expect(() => parseTargets(['pod', 'pod/a'])).toThrow(/resource\/name form/);
    expect(() => parseTargets([])).toThrow(/must specify the type/);
  });
});

describe('parseSingleTarget', () => {
  it('accepts KIND NAME, KIND/NAME and a bare name with a default kind', () => {
    expect(parseSingleTarget(['rc', 'ms1']).info.kind).toBe('ReplicationController');
    expect(parseSingleTarget(['rc/ms1'])).toMatchObject({ name: 'ms1' });
    expect(parseSingleTarget(['web'], 'pod')).toMatchObject({ name: 'web' });
    expect(() => parseSingleTarget(['ms1'])).toThrow(/KIND NAME/);
  });
});

describe('normalizeArgv', () => {
  it('moves global flags given before the command to after it, as kubectl accepts them', () => {
    expect(normalizeArgv(['-n', 'kube-system', 'get', 'pods'])).toEqual(['get', '-n', 'kube-system', 'pods']);
    expect(normalizeArgv(['--server=https://127.0.0.1:6443', '--token', 't', '-nkube-system', '--insecure-skip-tls-verify', 'get', 'po', '-o', 'wide'])).toEqual(['get', '--server=https://127.0.0.1:6443', '--token', 't', '-nkube-system', '--insecure-skip-tls-verify', 'po', '-o', 'wide']);
    expect(normalizeArgv(['get', 'pods', '-n', 'x'])).toEqual(['get', 'pods', '-n', 'x']);
    expect(normalizeArgv(['-n', 'x'])).toEqual(['-n', 'x']);
    expect(normalizeArgv(['-n', 'x', '--help'])).toEqual(['-n', 'x', '--help']);
  });
  it('turns kubectl boolean spellings into oclif ones', () => {
    expect(normalizeArgv(['delete', 'po', 'x', '--wait=false', '--now=true', '--all=false'])).toEqual(['delete', 'po', 'x', '--no-wait', '--now']);
    expect(normalizeArgv(['get', '--', '--wait=false'])).toEqual(['get', '--', '--wait=false']);
  });
});

describe('parseDuration', () => {
  it('reads kubectl durations', () => {
    expect(parseDuration('60s')).toBe(60_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2')).toBe(2000);
    expect(parseDuration('soon')).toBeNaN();
  });
});
