/** The de-duplication ids and request keys (dedup.ts), as properties. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendId, canonicalJson, DUPLICATE_WINDOW_SECONDS, generatedName, hasRequestTag, isOwnCreation, requestKey, taggedUid, type WriteRequest } from './dedup.js';

const json = fc.jsonValue({ maxDepth: 3 });
const request: fc.Arbitrary<WriteRequest> = fc.record({
  actor: fc.constantFrom('admin', 'alice', 'system:node:n1'),
  verb: fc.constantFrom('create', 'update', 'patch:application/merge-patch+json', 'update/status'),
  kind: fc.constantFrom('Pod', 'Service', 'Namespace'),
  namespace: fc.option(fc.constantFrom('default', 'kube-system'), { nil: undefined }),
  name: fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
  body: json,
  idempotencyKey: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
});

/** The same value with every object's keys in reverse order. */
function reordered(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(reordered);
  return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reordered(x)]));
}

describe('requestKey', () => {
  it('gives equal requests equal keys, whatever the order of the body\'s keys', () => {
    fc.assert(
      fc.property(request, (r) => {
        expect(requestKey({ ...r, body: reordered(r.body) })).toBe(requestKey(structuredClone(r)));
      }),
    );
  });

  it('gives requests with different bodies different keys', () => {
    fc.assert(
      fc.property(request, json, (r, other) => {
        fc.pre(canonicalJson(other) !== canonicalJson(r.body));
        expect(requestKey({ ...r, body: other })).not.toBe(requestKey(r));
      }),
    );
  });

  it('gives the same body from another user, to another object, with another verb or Idempotency-Key, another key', () => {
    fc.assert(
      fc.property(request, (r) => {
        const key = requestKey(r);
        expect(requestKey({ ...r, actor: `${r.actor}-2` })).not.toBe(key);
        expect(requestKey({ ...r, name: `${r.name}-2` })).not.toBe(key);
        expect(requestKey({ ...r, namespace: r.namespace === 'default' ? 'other' : 'default' })).not.toBe(key);
        expect(requestKey({ ...r, verb: `${r.verb}-2` })).not.toBe(key);
        expect(requestKey({ ...r, idempotencyKey: `${r.idempotencyKey ?? ''}x` })).not.toBe(key);
      }),
    );
  });

  it('has no key for a create of a generated name, unless the client names the request', () => {
    expect(requestKey({ actor: 'a', verb: 'create', kind: 'Pod', namespace: 'default', name: undefined, body: { metadata: { generateName: 'web-' } } })).toBeUndefined();
    const key = requestKey({ actor: 'a', verb: 'create', kind: 'Pod', namespace: 'default', name: undefined, body: { metadata: { generateName: 'web-' } }, idempotencyKey: 'k1' })!;
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(generatedName('web-', key)).toBe(`web-${key.slice(0, 5)}`);
  });
});

describe('appendId', () => {
  it('names the request and the expected sequence: a retry of one append has its id, another base another id', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{32}$/), fc.nat(), fc.nat(), (k, a, b) => {
        expect(appendId(k, a) === appendId(k, b)).toBe(a === b);
      }),
    );
  });
});

describe('taggedUid', () => {
  const key = fc.stringMatching(/^[0-9a-f]{32}$/);
  const random = fc.uint8Array({ minLength: 8, maxLength: 8 });

  it('is an RFC 9562 version-8 UUID that carries its request\'s tag and no other', () => {
    fc.assert(
      fc.property(key, key, random, (k, other, r) => {
        const uid = taggedUid(k, r);
        expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(hasRequestTag(uid, k)).toBe(true);
        // 60 bits of the key make the tag (the version digit takes the 13th hex digit's place).
        const tag = (x: string) => x.slice(0, 12) + x.slice(13, 16);
        expect(hasRequestTag(uid, other)).toBe(tag(other) === tag(k));
      }),
    );
  });

  it('gives every incarnation of one request its own uid: 62 random bits (the variant takes two)', () => {
    const bits = (r: Uint8Array) => [r[0]! & 0x3f, ...r.subarray(1)].join(',');
    fc.assert(
      fc.property(key, random, random, (k, a, b) => {
        expect(taggedUid(k, a) === taggedUid(k, b)).toBe(bits(a) === bits(b));
      }),
    );
  });

  it('is not the tag of any random uid', () => {
    expect(hasRequestTag('0b6c7a52-0b1f-4a55-9d3e-2f8e2b1f7c11', 'a'.repeat(32))).toBe(false);
    expect(hasRequestTag(undefined, 'a'.repeat(32))).toBe(false);
  });
});

describe('isOwnCreation', () => {
  const key = requestKey({ actor: 'admin', verb: 'create', kind: 'Pod', namespace: 'default', name: 'web', body: {} })!;
  const created = new Date('2025-01-01T10:00:00Z');
  const object = (uid: string) => ({ metadata: { uid, creationTimestamp: created.toISOString().replace(/\.\d{3}Z$/, 'Z') } });
  const after = (s: number) => new Date(created.getTime() + s * 1000);

  it('given the object its request made, is true within the duplicate window and false after it', () => {
    expect(isOwnCreation(object(taggedUid(key)), key, after(1))).toBe(true);
    expect(isOwnCreation(object(taggedUid(key)), key, after(DUPLICATE_WINDOW_SECONDS))).toBe(true);
    expect(isOwnCreation(object(taggedUid(key)), key, after(DUPLICATE_WINDOW_SECONDS + 1))).toBe(false);
  });

  it('given an object another request made, is false', () => {
    const other = requestKey({ actor: 'alice', verb: 'create', kind: 'Pod', namespace: 'default', name: 'web', body: {} })!;
    expect(isOwnCreation(object(taggedUid(other)), key, after(1))).toBe(false);
    expect(isOwnCreation({ metadata: { uid: taggedUid(key) } }, key, after(1))).toBe(false);
  });
});
