/**
 * fast-check arbitraries of valid-looking writes for the fuzz suite's second phase: creates of
 * plausible objects of every kind (many valid, many just past a bound), then patches, updates,
 * scales and deletes of what was created, all confined to one namespace and to cluster-scoped
 * objects named fuzz-*.
 */
import fc from 'fast-check';
import { jsonPatchOps, mergePatchDoc, plausibleObject } from './bodies.js';
import { dnsName, intish, queryValue } from './garbage.js';

/** A write, and the object it is about (the created one, or an index into those created so far). */
export type Write =
  | { op: 'create'; kind: string; body: unknown; yaml: boolean; fieldValidation: string }
  | { op: 'patch'; target: number; type: string; doc: unknown; subresource: '' | '/status' | '/scale' }
  | { op: 'update'; target: number; body: unknown }
  | { op: 'delete'; target: number; query: string };

/** Kinds the second phase creates; cluster-scoped ones get a fuzz- name. */
export const WRITE_KINDS = ['Pod', 'ReplicationController', 'Service', 'Endpoints', 'Event', 'Node', 'Namespace'] as const;
const CLUSTER_SCOPED = new Set(['Node', 'Namespace']);

const patchType = fc.constantFrom('application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json');
const deleteQuery = fc
  .record({ gracePeriodSeconds: fc.oneof(fc.constantFrom('0', '1', '30', '2147483648', '9007199254740991', '99999999999999999999', '-1', 'x'), queryValue), propagationPolicy: fc.constantFrom('Orphan', 'Background', 'Foreground', 'x') }, { requiredKeys: [] })
  .map((q) => Object.entries(q).map(([k, v]) => `${k}=${v}`).join('&'));

/** One write of the second phase. */
export const write: fc.Arbitrary<Write> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(...WRITE_KINDS).chain((kind) =>
      fc.tuple(plausibleObject(kind, CLUSTER_SCOPED.has(kind) ? dnsName.map((n) => `fuzz-${n}`) : dnsName), fc.boolean(), fc.constantFrom('Strict', 'Warn', 'Ignore')).map(([body, yaml, fieldValidation]): Write => ({ op: 'create', kind, body, yaml, fieldValidation })),
    ),
  },
  {
    weight: 4,
    arbitrary: fc.tuple(fc.nat(), patchType, fc.constantFrom('', '', '/status', '/scale') as fc.Arbitrary<'' | '/status' | '/scale'>).chain(([target, type, subresource]) =>
      (type === 'application/json-patch+json' ? jsonPatchOps : fc.oneof(mergePatchDoc, intish.map((replicas) => ({ spec: { replicas } })))).map((doc): Write => ({ op: 'patch', target, type, doc, subresource })),
    ),
  },
  { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...WRITE_KINDS)).chain(([target, kind]) => plausibleObject(kind, fc.constant('')).map((body): Write => ({ op: 'update', target, body }))) },
  { weight: 2, arbitrary: fc.tuple(fc.nat(), deleteQuery).map(([target, query]): Write => ({ op: 'delete', target, query })) },
);
