/** Rows and whole `meta.k8s.io/v1` Tables built from stored objects. */
import type { KindName } from '../kinds.js';
import type { KObject } from '../object.js';
import type { Namespace, Node } from '../schemas/cluster.js';
import type { ReplicationController } from '../schemas/controller.js';
import type { Event } from '../schemas/event.js';
import type { Pod } from '../schemas/pod.js';
import type { Endpoints, Service } from '../schemas/service.js';
import { tableColumns, type TableColumn } from './columns.js';
import { podRow } from './pod.js';
import { endpointsRow, eventRow, namespaceRow, nodeRow, replicationControllerRow, serviceRow } from './rows.js';

/** The cells of one object's row, one per tableColumns(kind) entry (wide columns included). */
export function tableRow(kind: KindName, obj: KObject, now: Date): unknown[] {
  switch (kind) {
    case 'Pod':
      return podRow(obj as unknown as Pod, now);
    case 'Service':
      return serviceRow(obj as unknown as Service, now);
    case 'ReplicationController':
      return replicationControllerRow(obj as unknown as ReplicationController, now);
    case 'Node':
      return nodeRow(obj as unknown as Node, now);
    case 'Endpoints':
      return endpointsRow(obj as unknown as Endpoints, now);
    case 'Namespace':
      return namespaceRow(obj as unknown as Namespace, now);
    case 'Event':
      return eventRow(obj as unknown as Event, now);
  }
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
