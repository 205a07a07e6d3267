import { describe, expect, it } from 'vitest';
import { parseBody } from '../decode.js';
import { reviewAttributes, SelfSubjectAccessReview } from './review.js';

const review = (spec: unknown) => parseBody(SelfSubjectAccessReview, 'SelfSubjectAccessReview', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec });

describe('SelfSubjectAccessReview', () => {
  it('asks about the resource attributes kubectl auth can-i sends', () => {
    const a = reviewAttributes(review({ resourceAttributes: { namespace: 'team-a', verb: 'update', resource: 'pods', subresource: 'status', name: 'web' } }));
    expect(a).toEqual({ verb: 'update', resourceRequest: true, path: '', apiGroup: '', apiVersion: '', resource: 'pods', subresource: 'status', namespace: 'team-a', name: 'web' });
  });

  it('asks about a non-resource path', () => {
    expect(reviewAttributes(review({ nonResourceAttributes: { path: '/wharf/v1/audit', verb: 'get' } }))).toMatchObject({ verb: 'get', resourceRequest: false, path: '/wharf/v1/audit' });
  });

  it('refuses a review with neither or both attribute sets, or a bad field, with 422', () => {
    for (const spec of [{}, { resourceAttributes: {}, nonResourceAttributes: {} }, { resourceAttributes: { verb: 7 } }]) {
      expect(() => review(spec)).toThrow(expect.objectContaining({ code: 422, reason: 'Invalid' }));
    }
    expect(() => review({ resourceAttributes: { verb: 7 } })).toThrow(/spec\.resourceAttributes\.verb/);
  });
});
