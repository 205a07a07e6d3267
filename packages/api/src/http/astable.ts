/**
 * The meta.k8s.io/v1 Table format that kubectl asks for (`Accept: ...;as=Table`). Columns and
 * cells come from core's printers, so `wharf get` and `kubectl get` print the same thing.
 */
import type { FastifyRequest } from 'fastify';
import { type KindInfo, type KObject, tableColumns, tableRow } from '@wharf/model';

/** True when the client accepts a Table (kubectl get, wharf get). */
export function wantsTable(req: FastifyRequest): boolean {
  const a = req.headers.accept;
  return typeof a === 'string' && a.includes('as=Table');
}

function partial(o: KObject) {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/** A Table of `items`; rows carry the object (includeObject=Object) or its metadata (default). */
export function toTable(info: KindInfo, items: KObject[], resourceVersion: string, req: FastifyRequest) {
  const include = (req.query as Record<string, string | undefined>).includeObject ?? 'Metadata';
  const now = new Date();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: tableColumns(info.kind),
    rows: items.map((o) => ({
      cells: tableRow(info.kind, o, now),
      object: include === 'None' ? undefined : include === 'Object' ? o : partial(o),
    })),
  };
}
