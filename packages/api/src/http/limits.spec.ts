import { describe, expect, it } from 'vitest';
import { BadRequestError, RequestEntityTooLargeError } from '@wharf/model';
import { assertJsonNesting, assertSafeValue, BODY_LIMITS } from './limits.js';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const refusal = (f: () => void) => {
  try {
    f();
  } catch (e) {
    return e instanceof BadRequestError || e instanceof RequestEntityTooLargeError ? `${e.code} ${e.message}` : `unexpected ${String(e)}`;
  }
  return 'accepted';
};

describe('assertJsonNesting', () => {
  it('accepts nesting up to the limit and refuses one level more', () => {
    expect(refusal(() => assertJsonNesting(nested(100)))).toBe('accepted');
    expect(refusal(() => assertJsonNesting(nested(101)))).toBe('400 the request body is nested more than 100 levels deep');
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(refusal(() => assertJsonNesting(JSON.stringify({ s: '['.repeat(500), t: '"\\[{'.repeat(200) }), 3))).toBe('accepted');
  });

  it('refuses a 3 MiB body nested 1.5 million deep at once', () => {
    const t0 = performance.now();
    expect(refusal(() => assertJsonNesting(nested(BODY_LIMITS.bytes / 2)))).toContain('400');
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('assertSafeValue', () => {
  it('accepts an ordinary object', () => {
    expect(refusal(() => assertSafeValue({ metadata: { name: 'a', labels: { 'example.com/prototype': 'x' } }, spec: { containers: [{ name: 'c' }] } }))).toBe('accepted');
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a field named %s at any depth, as JSON.parse makes it', (key) => {
    expect(refusal(() => assertSafeValue(JSON.parse(`{"${key}":{"polluted":1}}`)))).toBe(`400 the request body has a field named "${key}", which no object may have`);
    expect(refusal(() => assertSafeValue(JSON.parse(`{"spec":{"containers":[{"${key}":1}]}}`)))).toBe(`400 the request body's spec.containers[0] has a field named "${key}", which no object may have`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('counts nesting exactly, and treats a cycle as too deep', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(refusal(() => assertSafeValue(deep))).toBe('accepted');
    expect(refusal(() => assertSafeValue([deep]))).toBe('400 the request body is nested more than 100 levels deep');
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(refusal(() => assertSafeValue({ a: cycle }))).toBe('400 the request body is nested more than 100 levels deep');
  });

  it('refuses more members and items than the limit with 413', () => {
    expect(refusal(() => assertSafeValue({ a: Array.from({ length: 60_000 }, () => 0), b: Object.fromEntries(Array.from({ length: 39_998 }, (_, i) => [`k${i}`, 1])) }))).toBe('accepted');
    expect(refusal(() => assertSafeValue({ a: Array.from({ length: 60_000 }, () => 0), b: Object.fromEntries(Array.from({ length: 39_998 }, (_, i) => [`k${i}`, 1])), c: 1 }))).toBe('413 the request body has more than 100000 members and items');
  });

  it('refuses numbers that are not finite and objects that are not plain', () => {
    expect(refusal(() => assertSafeValue({ spec: { replicas: Infinity } }))).toBe("400 the request body's spec.replicas is Infinity; numbers must be finite");
    expect(refusal(() => assertSafeValue([NaN]))).toBe("400 the request body's [0] is NaN; numbers must be finite");
    expect(refusal(() => assertSafeValue({ spec: { containers: [{ ports: [{ containerPort: -Infinity }] }] } }))).toBe("400 the request body's spec.containers[0].ports[0].containerPort is -Infinity; numbers must be finite");
    expect(refusal(() => assertSafeValue({ at: new Date(0) }))).toBe("400 the request body's at is not a JSON value");
    expect(refusal(() => assertSafeValue(Object.create(null) as unknown))).toBe('accepted');
  });
});
