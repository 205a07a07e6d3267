import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAccessReviewProtobuf } from './protobuf.js';

// What kubectl v1.32 sends for `auth can-i create pods/web --subresource status -n team-a` (from its -v=9 dump).
const KUBECTL = Buffer.from(
  [
    '6b 38 73 00 0a 32 0a 17 61 75 74 68 6f 72 69 7a',
    '61 74 69 6f 6e 2e 6b 38 73 2e 69 6f 2f 76 31 12',
    '17 53 65 6c 66 53 75 62 6a 65 63 74 41 63 63 65',
    '73 73 52 65 76 69 65 77 12 47 0a 10 0a 00 12 00',
    '1a 00 22 00 2a 00 32 00 38 00 42 00 12 29 0a 27',
    '0a 06 74 65 61 6d 2d 61 12 06 63 72 65 61 74 65',
    '1a 00 22 00 2a 04 70 6f 64 73 32 06 73 74 61 74',
    '75 73 3a 03 77 65 62 1a 08 08 00 12 00 1a 00 20',
    '00 1a 00 22 00',
  ]
    .join(' ')
    .replace(/ /g, ''),
  'hex',
);

describe('the protobuf SelfSubjectAccessReview kubectl sends', () => {
  it('decodes resource attributes', () => {
    expect(decodeAccessReviewProtobuf(KUBECTL).spec).toEqual({ resourceAttributes: { namespace: 'team-a', verb: 'create', group: '', version: '', resource: 'pods', subresource: 'status', name: 'web' } });
  });

  it('decodes non-resource attributes', () => {
    // spec { nonResourceAttributes { path: "/logs", verb: "get" } }
    const n = Buffer.from('0a052f6c6f67731203676574', 'hex');
    const spec = Buffer.concat([Buffer.from([0x12, n.length]), n]);
    const raw = Buffer.concat([Buffer.from([0x12, spec.length]), spec]);
    const body = Buffer.concat([Buffer.from('6b387300', 'hex'), Buffer.from([0x12, raw.length]), raw]);
    expect(decodeAccessReviewProtobuf(body).spec).toEqual({ nonResourceAttributes: { path: '/logs', verb: 'get' } });
  });

  it('turns any malformed input into a 400, never another error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(KUBECTL.length), (junk, cut) => {
        for (const body of [junk, Buffer.concat([Buffer.from('6b387300', 'hex'), junk]), KUBECTL.subarray(0, cut)]) {
          try {
            decodeAccessReviewProtobuf(body);
          } catch (e) {
            expect((e as { code?: number }).code).toBe(400);
          }
        }
      }),
    );
  });
});
