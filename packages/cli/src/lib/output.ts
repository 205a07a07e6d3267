/** -o yaml|json|name output of objects, as kubectl prints them. */
import { createRequire } from 'node:module';
import type { KindInfo, KObject } from '@wharf/model';

/** yaml, loaded when -o yaml asks for it (not by every `get`). */
const load = createRequire(import.meta.url);

/** The output formats besides the table. */
export type ObjectFormat = 'yaml' | 'json' | 'name';

/** `pod/web`: kubectl's resource/name form (singular resource name). */
export function resourceName(info: KindInfo, name: string): string {
  return `${info.singular}/${name}`;
}

/** Sets kind and apiVersion on list items that lack them, as kubectl does. */
export function withTypeMeta(info: KindInfo, o: KObject): KObject {
  return { ...o, apiVersion: o.apiVersion || 'v1', kind: o.kind || info.kind };
}

/** kubectl's `kind: List` wrapper for several objects. */
export function asList(items: KObject[]): Record<string, unknown> {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

/** YAML with sorted keys (kubectl's field order). */
export function toYaml(v: unknown): string {
  const { stringify } = load('yaml') as typeof import('yaml');
  return stringify(v, { sortMapEntries: true, lineWidth: 0, indentSeq: false, version: '1.1' });
}

/** JSON with kubectl's 4-space indent and a final newline. */
export function toJson(v: unknown): string {
  return JSON.stringify(v, null, 4) + '\n';
}

/** Prints `items` in `format`: one object alone when `single`, else a List; name prints one resource/name per line. */
export function formatObjects(items: { info: KindInfo; object: KObject }[], format: ObjectFormat, single: boolean): string {
  if (format === 'name') return items.map((i) => resourceName(i.info, i.object.metadata.name) + '\n').join('');
  const objs = items.map((i) => withTypeMeta(i.info, i.object));
  const value = single && objs.length === 1 ? objs[0] : asList(objs);
  return format === 'json' ? toJson(value) : toYaml(value);
}

/** One watched object in `format`; YAML documents after the first (`first` false) are preceded by "---". */
export function formatWatched(info: KindInfo, o: KObject, format: ObjectFormat, first: boolean): string {
  if (format === 'name') return resourceName(info, o.metadata.name) + '\n';
  const obj = withTypeMeta(info, o);
  if (format === 'json') return toJson(obj);
  return (first ? '' : '---\n') + toYaml(obj);
}
