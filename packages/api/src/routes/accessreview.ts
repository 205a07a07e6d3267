/**
 * authorization.k8s.io/v1: SelfSubjectAccessReview, which `kubectl auth can-i` posts, and the
 * group's discovery documents. Every authenticated user may ask about itself (system:basic-user).
 * kubectl sends the review as protobuf; it is read here (and answered in JSON, which kubectl
 * also accepts), in a child context so that no other route takes protobuf bodies.
 */
import type { FastifyInstance } from 'fastify';
import { AUTHORIZATION_GROUP, decodeAccessReviewProtobuf, parseBody, reviewAttributes, SelfSubjectAccessReview } from '@wharf/model';
import type { ApiContext } from '../context.js';
import { authorizerOf, userInfoOf } from '../auth/authorizer.js';

const GROUP_VERSION = `${AUTHORIZATION_GROUP}/v1`;
const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** The authorization.k8s.io entry of /apis (APIGroup). */
export const AUTHORIZATION_API_GROUP = {
  name: AUTHORIZATION_GROUP,
  versions: [{ groupVersion: GROUP_VERSION, version: 'v1' }],
  preferredVersion: { groupVersion: GROUP_VERSION, version: 'v1' },
};

const RESOURCES = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: GROUP_VERSION,
  resources: [{ name: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', namespaced: false, kind: 'SelfSubjectAccessReview', verbs: ['create'] }],
};

/** Registers the access review and its discovery. */
export async function accessReviewRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const authorizer = authorizerOf(ctx);
  app.get(`/apis/${AUTHORIZATION_GROUP}`, async () => ({ kind: 'APIGroup', apiVersion: 'v1', ...AUTHORIZATION_API_GROUP }));
  app.get(`/apis/${GROUP_VERSION}`, async () => RESOURCES);
  await app.register(async (scope) => {
    scope.addContentTypeParser(PROTOBUF, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post(`/apis/${GROUP_VERSION}/selfsubjectaccessreviews`, async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? decodeAccessReviewProtobuf(req.body) : req.body;
      const review = parseBody(SelfSubjectAccessReview, 'SelfSubjectAccessReview', body);
      const d = authorizer.authorize(reviewAttributes(review), userInfoOf(req));
      const status = { allowed: d.allowed, ...(d.reason ? { reason: d.reason } : {}) };
      return reply.code(201).type('application/json').send({ kind: 'SelfSubjectAccessReview', apiVersion: GROUP_VERSION, metadata: { creationTimestamp: null }, spec: review.spec, status });
    });
  });
}
