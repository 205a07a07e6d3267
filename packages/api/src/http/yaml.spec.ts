import { describe, expect, it } from 'vitest';
import { BadRequestError } from '@wharf/model';
import { assertSafeValue, BODY_LIMITS } from './limits.js';
import { parseYamlBody } from './yaml.js';

/** The message of the 400 a YAML body gets, parsed and checked as body.ts does. */
const refusal = (text: string) => {
  try {
    assertSafeValue(parseYamlBody(text));
  } catch (e) {
    return e instanceof BadRequestError ? e.message : `unexpected ${String(e)}`;
  }
  return 'accepted';
};
const size = BODY_LIMITS.bytes;

describe('parseYamlBody', () => {
  it('parses one document in the YAML 1.2 core schema', () => {
    expect(parseYamlBody('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels: {app: web}\nspec:\n  containers:\n  - name: c\n    image: i\n')).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'a', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    });
    expect(parseYamlBody('%YAML 1.1\n---\na: !!binary aGVsbG8=\nb: 2001-12-14\nc: yes\n')).toEqual({ a: 'aGVsbG8=', b: '2001-12-14', c: 'yes' });
    expect(parseYamlBody('')).toBeUndefined();
  });

  it('refuses what is not one YAML document', () => {
    expect(refusal('a: [b')).toMatch(/^the body of the request was in an unknown format: /);
    expect(refusal('a: 1\na: 2\n')).toMatch(/^the body of the request was in an unknown format: Map keys must be unique/);
    expect(refusal('- 1\n---\n- 2\n')).toBe('the request body holds 2 YAML documents; send one');
  });

  it.each([
    ['flow sequences', (d: number) => '['.repeat(d) + ']'.repeat(d)],
    ['flow mappings', (d: number) => '{a: '.repeat(d) + '1' + '}'.repeat(d)],
    ['compact sequences', (d: number) => '- '.repeat(d) + 'x\n'],
    ['indented mappings', (d: number) => Array.from({ length: d }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n'],
  ])('accepts %s 100 deep and refuses them 101 deep', (_shape, body) => {
    expect(refusal(body(100))).toBe('accepted');
    expect(refusal(body(101))).toBe('the request body is nested more than 100 levels deep');
  });

  it.each([
    ['flow sequences', '['.repeat(size / 2) + ']'.repeat(size / 2)],
    ['compact sequences', '- '.repeat(size / 2)],
    ['explicit keys', '? '.repeat(size / 2)],
    ['indented mappings', Array.from({ length: 2400 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')],
  ])('refuses 3 MiB of nested %s within half a second', (_shape, body) => {
    const t0 = performance.now();
    expect(refusal(body)).toBe('the request body is nested more than 100 levels deep');
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('refuses billion laughs: too many aliases, or too many expansions of few', () => {
    const names = 'abcdefghijkl';
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...names.slice(1).split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${names[i]}`).join(', ')}]`)].join('\n');
    expect(refusal(laughs)).toBe('the YAML body has more than 100 aliases');
    const few = 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n';
    expect(refusal(few)).toMatch(/^the body of the request was in an unknown format: Excessive alias count/);
    expect(parseYamlBody('a: &a {x: 1}\nb: *a\n')).toEqual({ a: { x: 1 }, b: { x: 1 } });
  });
});
