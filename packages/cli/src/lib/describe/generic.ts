/** `describe` of a kind without its own describer: metadata rows, then spec and status as YAML. */
import type { KObject } from '@wharf/core';
import { toYaml } from '../output.js';
import { DescribeWriter, mapLines } from './writer.js';

/** Renders any object: Name, Namespace, Labels, Annotations, then its other fields. */
export function describeGeneric(o: KObject): string {
  const w = new DescribeWriter();
  w.row('Name', o.metadata.name);
  if (o.metadata.namespace) w.row('Namespace', o.metadata.namespace);
  w.row('Labels', mapLines(o.metadata.labels)).row('Annotations', mapLines(o.metadata.annotations)).row('Kind', o.kind);
  if (o.metadata.creationTimestamp) w.row('Created', o.metadata.creationTimestamp);
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = o as KObject & Record<string, unknown>;
  const body = Object.keys(rest).length ? toYaml(rest) : '';
  return w.render() + body;
}
