/** Rows and whole `meta.k8s.io/v1` Tables built from stored objects. */
import type { KindMap, KindName } from '../kinds.js';
import type { KObject } from '../object.js';
import { tableColumns, type TableColumn } from './columns.js';
import { podRow } from './pod.js';
import { endpointsRow, eventRow, namespaceRow, nodeRow, replicationControllerRow, serviceRow } from './rows.js';

/** Each kind's row printer. */
const ROWS: { readonly [K in KindName]: (o: KindMap[K], now: Date) => unknown[] } = {
  Namespace: namespaceRow,
  Node: nodeRow,
  Pod: podRow,
  Service: serviceRow,
  Endpoints: endpointsRow,
  ReplicationController: replicationControllerRow,
  Event: eventRow,
};

/**
 * The cells of one object's row, one per tableColumns(kind) entry (wide columns included). `obj`
 * is an object of `kind`, which comes apart because the items of a List may leave theirs out.
 */
export function tableRow(kind: KindName, obj: KObject, now: Date): unknown[] {
  // The one place a listed object is read as its kind's type: the caller lists objects of `kind`.
  const row = ROWS[kind] as (o: KObject, now: Date) => unknown[];
  return row(obj, now);
}

/** A row of a Table: its cells and the object's metadata (PartialObjectMetadata, as includeObject=Metadata). */
export interface TableRow {
  cells: unknown[];
  object: { kind: 'PartialObjectMetadata'; apiVersion: 'meta.k8s.io/v1'; metadata: KObject['metadata'] };
}

/** A `meta.k8s.io/v1` Table, as kube-apiserver returns for `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. */
export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string };
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}

/** Builds the Table of `objects` of one kind at `now`; managedFields are left out of each row's metadata. */
export function buildTable(kind: KindName, objects: readonly KObject[], now: Date, resourceVersion?: string): Table {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: resourceVersion === undefined ? {} : { resourceVersion },
    columnDefinitions: tableColumns(kind),
    rows: objects.map((o) => {
      const { managedFields: _omit, ...metadata } = o.metadata;
      return { cells: tableRow(kind, o, now), object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata } };
    }),
  };
}

// What `wharf describe` prints with, for a CLI that loads this module alone (not the schemas).
export { ageSince } from './age.js';
export { formatEndpoints } from './rows.js';
