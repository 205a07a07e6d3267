/**
 * Patches: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and a strategic merge patch that
 * merges lists of named items (containers, ports, env, volumes...) by their key, as Kubernetes does.
 */
import { BadRequestError, UnprocessablePatch } from './patch-errors.js';
import type { PatchType } from './http/body.js';

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386: objects merge recursively, null deletes, everything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Keys Kubernetes merges lists of objects by, for strategic merge patch. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  env: 'name',
  ports: 'containerPort',
  tolerations: 'key',
  taints: 'key',
  conditions: 'type',
  ownerReferences: 'uid',
  imagePullSecrets: 'name',
};

/** Strategic merge: like a merge patch, but lists with a merge key merge item by item. */
export function strategicMergePatch(target: Json, patch: Json, field = ''): Json {
  if (Array.isArray(patch)) {
    const key = MERGE_KEYS[field];
    if (!key || !Array.isArray(target) || !patch.every(isObject)) return structuredClone(patch);
    // Service ports merge by port, container ports by containerPort.
    const k = field === 'ports' && patch.some((p) => isObject(p) && 'port' in p && !('containerPort' in p)) ? 'port' : key;
    const out = [...target];
    for (const item of patch as Record<string, Json>[]) {
      const directive = item['$patch'];
      const i = out.findIndex((t) => isObject(t) && t[k] === item[k]);
      if (directive === 'delete') {
        if (i >= 0) out.splice(i, 1);
      } else if (i >= 0) out[i] = strategicMergePatch(out[i], item);
      else out.push(strategicMergePatch(undefined, item));
    }
    return out;
  }
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k.startsWith('$setElementOrder') || k.startsWith('$retainKeys') || k.startsWith('$deleteFromPrimitiveList')) continue;
    if (v === null) delete out[k];
    else out[k] = strategicMergePatch(out[k], v, k);
  }
  return out;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new UnprocessablePatch(`invalid JSON pointer "${path}"`);
  return path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, parts: string[]): { parent: Json; key: string } {
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
    if (cur === undefined) throw new UnprocessablePatch(`path "/${parts.join('/')}" does not exist`);
  }
  return { parent: cur, key: parts[parts.length - 1] ?? '' };
}

function getAt(doc: Json, path: string): Json {
  let cur = doc;
  for (const p of pointer(path)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
    if (cur === undefined) throw new UnprocessablePatch(`path "${path}" does not exist`);
  }
  return cur;
}

/** RFC 6902 operations on a copy of `doc`. */
export function jsonPatch(doc: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw new BadRequestError('a JSON patch must be an array of operations');
  const out = structuredClone(doc);
  for (const raw of ops) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') throw new BadRequestError('each JSON patch operation needs "op" and "path"');
    const parts = pointer(raw.path);
    if (raw.op === 'test') {
      if (JSON.stringify(getAt(out, raw.path)) !== JSON.stringify(raw.value)) throw new UnprocessablePatch(`test operation failed at "${raw.path}"`);
      continue;
    }
    const value = raw.op === 'copy' || raw.op === 'move' ? structuredClone(getAt(out, String(raw.from))) : raw.value;
    if (raw.op === 'move' || raw.op === 'remove') {
      const at = raw.op === 'move' ? pointer(String(raw.from)) : parts;
      const { parent, key } = parentOf(out, at);
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else if (isObject(parent) && key in parent) delete parent[key];
      else throw new UnprocessablePatch(`path "${raw.op === 'move' ? String(raw.from) : raw.path}" does not exist`);
      if (raw.op === 'remove') continue;
    }
    if (!['add', 'replace', 'move', 'copy'].includes(raw.op)) throw new BadRequestError(`unknown JSON patch operation "${raw.op}"`);
    const { parent, key } = parentOf(out, parts);
    if (Array.isArray(parent)) {
      const i = key === '-' ? parent.length : Number(key);
      if (raw.op === 'replace') parent[i] = value;
      else parent.splice(i, 0, value);
    } else if (isObject(parent)) {
      if (raw.op === 'replace' && !(key in parent)) throw new UnprocessablePatch(`path "${raw.path}" does not exist`);
      parent[key] = value;
    } else throw new UnprocessablePatch(`path "${raw.path}" does not exist`);
  }
  return out;
}

/** Applies a patch of the given media type. */
export function applyPatch(type: PatchType, doc: Json, patch: Json): Json {
  switch (type) {
    case 'application/merge-patch+json':
      if (!isObject(patch)) throw new BadRequestError('a merge patch must be a JSON object');
      return mergePatch(doc, patch);
    case 'application/strategic-merge-patch+json':
      if (!isObject(patch)) throw new BadRequestError('a strategic merge patch must be a JSON object');
      return strategicMergePatch(doc, patch);
    case 'application/json-patch+json':
      return jsonPatch(doc, patch);
  }
}
