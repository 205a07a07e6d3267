import { describe, expect, it } from 'vitest';
import { BadRequestError } from '@wharf/model';
import { bool, deleteOptions, dryRun, fieldValidation, int, str } from './query.js';

describe('query readers', () => {
  it('reads the last of repeated values, and strings as given', () => {
    expect(str({ a: ['1', '2'] }, 'a')).toBe('2');
    expect(str({}, 'a')).toBeUndefined();
  });

  it('reads non-negative integers, with empty as not given', () => {
    expect(int({ n: '42' }, 'n')).toBe(42);
    expect(int({ n: '' }, 'n')).toBeUndefined();
    expect(() => int({ n: '-1' }, 'n')).toThrow('invalid value for n: "-1" is not a non-negative integer');
  });

  it('refuses integers past 2^53 - 1, which a number cannot hold exactly', () => {
    expect(int({ n: '9007199254740991' }, 'n')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => int({ n: '9007199254740992' }, 'n')).toThrow('invalid value for n: "9007199254740992" is out of range (at most 9007199254740991)');
    expect(() => int({ n: '99999999999999999999' }, 'n')).toThrow(BadRequestError);
  });

  it('reads booleans as Kubernetes clients send them', () => {
    expect(['true', '1', ''].map((v) => bool({ watch: v }, 'watch'))).toEqual([true, true, true]);
    expect(['false', '0', 'yes'].map((v) => bool({ watch: v }, 'watch'))).toEqual([false, false, false]);
    expect(bool({}, 'watch')).toBe(false);
  });

  it('defaults fieldValidation to Strict and dryRun to off', () => {
    expect(fieldValidation({})).toBe('Strict');
    expect(fieldValidation({ fieldValidation: 'Warn' })).toBe('Warn');
    expect(dryRun({})).toBe(false);
    expect(dryRun({ dryRun: 'All' })).toBe(true);
    expect(() => dryRun({ dryRun: 'Some' })).toThrow(BadRequestError);
  });
});

describe('deleteOptions', () => {
  it('takes the grace period and policy from the query before the body', () => {
    expect(deleteOptions({ gracePeriodSeconds: '5', propagationPolicy: 'Orphan' }, { gracePeriodSeconds: 30, propagationPolicy: 'Background' })).toEqual({ gracePeriodSeconds: 5, propagationPolicy: 'Orphan' });
  });

  it('reads a DeleteOptions body with its preconditions', () => {
    expect(deleteOptions({}, { kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: 'u1' } })).toEqual({ gracePeriodSeconds: 0, preconditions: { uid: 'u1' } });
  });

  it('refuses a grace period in the body that is not a non-negative integer', () => {
    for (const grace of [-1, 1.5, 1e300, '5', true]) expect(() => deleteOptions({}, { gracePeriodSeconds: grace })).toThrow(`gracePeriodSeconds must be a non-negative integer; got ${JSON.stringify(grace)}`);
    expect(deleteOptions({}, { gracePeriodSeconds: null })).toEqual({});
  });

  it('turns orphanDependents into the Orphan policy', () => {
    expect(deleteOptions({ orphanDependents: 'true' }, undefined)).toEqual({ propagationPolicy: 'Orphan' });
    expect(deleteOptions({}, { orphanDependents: true })).toEqual({ propagationPolicy: 'Orphan' });
  });

  it('refuses an unknown policy from the body, which no schema checked', () => {
    expect(() => deleteOptions({}, { propagationPolicy: 'Later' })).toThrow('propagationPolicy must be Orphan, Background or Foreground; got "Later"');
  });
});
