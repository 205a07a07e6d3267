/**
 * Just enough of Kubernetes' protobuf encoding to read a SelfSubjectAccessReview, which kubectl
 * sends as `application/vnd.kubernetes.protobuf` (the `k8s\0` magic, then a runtime.Unknown whose
 * `raw` field holds the object). Every length is checked against the buffer: hostile bytes give a
 * 400, never a crash or a read past the end.
 */
import { BadRequestError } from '../errors.js';
import type { SelfSubjectAccessReview } from './review.js';

const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"
const bad = (why: string) => new BadRequestError(`the protobuf body is malformed: ${why}`);

/** The length-delimited (wire type 2) fields of one message, by field number; other wire types are skipped. */
function fields(buf: Uint8Array): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  let i = 0;
  const varint = (): number => {
    let v = 0;
    for (let shift = 0; shift < 49; shift += 7) {
      if (i >= buf.length) throw bad('a varint runs past the end');
      const b = buf[i++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
    throw bad('a varint is too long');
  };
  while (i < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) varint();
    else if (wire === 1 || wire === 5) i += wire === 1 ? 8 : 4;
    else if (wire === 2) {
      const len = varint();
      if (i + len > buf.length) throw bad('a field runs past the end');
      out.set(field, buf.subarray(i, i + len));
      i += len;
    } else throw bad(`wire type ${wire} is not supported`);
    if (i > buf.length) throw bad('a field runs past the end');
  }
  return out;
}

const text = (b: Uint8Array | undefined) => (b ? new TextDecoder('utf-8', { fatal: false }).decode(b) : undefined);

/** Decodes a protobuf-encoded SelfSubjectAccessReview (resource or non-resource attributes). */
export function decodeAccessReviewProtobuf(body: Uint8Array): SelfSubjectAccessReview {
  if (body.length < 4 || MAGIC.some((m, i) => body[i] !== m)) throw bad('it does not start with the k8s\\0 magic');
  const raw = fields(body.subarray(4)).get(2);
  if (!raw) throw bad('it has no object');
  const spec = fields(fields(raw).get(2) ?? new Uint8Array());
  const r = spec.get(1);
  const n = spec.get(2);
  const out: SelfSubjectAccessReview = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: {} };
  if (r) {
    const f = fields(r);
    const names = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'] as const;
    out.spec.resourceAttributes = Object.fromEntries(names.flatMap((k, i) => (f.has(i + 1) ? [[k, text(f.get(i + 1))]] : [])));
  }
  if (n) {
    const f = fields(n);
    out.spec.nonResourceAttributes = { ...(f.has(1) ? { path: text(f.get(1))! } : {}), ...(f.has(2) ? { verb: text(f.get(2))! } : {}) };
  }
  return out;
}
