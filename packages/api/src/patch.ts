/**
 * Patches: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and a strategic merge patch that
 * merges lists of named items (containers, ports, env, volumes...) by their key, as Kubernetes does.
 */
import jsonpatch, { type Operation } from 'fast-json-patch';
import { visit } from 'jsonc-parser';
import { BadRequestError, UnprocessablePatch } from './patch-errors.js';
import type { PatchType } from './http/body.js';
import { assertSafeValue } from './http/limits.js';

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

/**
 * Keys Kubernetes merges lists of objects by, for strategic merge patch. Lists not named here are
 * atomic and replaced whole, as Node's taints and PodSpec's tolerations are in Kubernetes
 * (`kubectl taint` sends the whole list that should remain).
 */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  env: 'name',
  ports: 'containerPort',
  conditions: 'type',
  ownerReferences: 'uid',
  imagePullSecrets: 'name',
};

/** Strategic merge: like a merge patch, but lists with a merge key merge item by item. */
export function strategicMergePatch(target: Json, patch: Json, field = ''): Json {
  if (Array.isArray(patch)) {
    const key = Object.hasOwn(MERGE_KEYS, field) ? MERGE_KEYS[field] : undefined;
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

/** The operations RFC 6902 defines (fast-json-patch would also take an inherited name like "toString"). */
const OPERATIONS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Path segments no JSON patch may name: they reach Object.prototype or a member every object inherits. */
const FORBIDDEN_SEGMENTS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * fast-json-patch's error names in our words (its own messages carry the whole document). The
 * first group says the document is not a JSON patch (400), the second that it does not fit (422).
 */
const MALFORMED: Record<string, string> = {
  OPERATION_NOT_AN_OBJECT: 'an operation must be an object',
  OPERATION_OP_INVALID: `"op" must be one of ${[...OPERATIONS].join(', ')}`,
  OPERATION_PATH_INVALID: '"path" must be a JSON pointer: empty, or starting with "/"',
  OPERATION_FROM_REQUIRED: 'move and copy need "from"',
  OPERATION_VALUE_REQUIRED: 'add, replace and test need "value"',
  OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED: 'add, replace and test need "value"',
};
const FAILED: Record<string, string> = {
  OPERATION_PATH_UNRESOLVABLE: 'the path does not exist',
  OPERATION_FROM_UNRESOLVABLE: 'the path does not exist',
  OPERATION_PATH_CANNOT_ADD: 'the parent of the path does not exist',
  OPERATION_PATH_ILLEGAL_ARRAY_INDEX: 'an array index must be a non-negative integer (or "-" to add at the end)',
  OPERATION_VALUE_OUT_OF_BOUNDS: 'the index is past the end of the array',
  TEST_OPERATION_FAILED: 'the value there is not the one given',
};
const reason = (e: InstanceType<typeof jsonpatch.JsonPatchError>, words: Record<string, string>): string => words[e.name] ?? e.message.split('\n')[0] ?? e.name;

/** The operations of a JSON patch document, or a 400 saying why it is not one. */
function operations(ops: Json): Operation[] {
  if (!Array.isArray(ops)) throw new BadRequestError('a JSON patch must be an array of operations');
  const malformed = jsonpatch.validate(ops as Operation[]);
  if (malformed) throw new BadRequestError(`JSON patch operation ${malformed.index}: ${reason(malformed, MALFORMED)}`);
  return (ops as Operation[]).map((op, i) => {
    if (!OPERATIONS.has(op.op)) throw new BadRequestError(`JSON patch operation ${i}: ${MALFORMED.OPERATION_OP_INVALID}`);
    const pointers = op.op === 'move' || op.op === 'copy' ? [op.path, op.from] : [op.path];
    for (const p of pointers) {
      if (p !== '' && !p.startsWith('/')) throw new BadRequestError(`JSON patch operation ${i}: "${p}" is not a JSON pointer: empty, or starting with "/"`);
      const bad = p.split('/').slice(1).map(jsonpatch.unescapePathComponent).find((s) => FORBIDDEN_SEGMENTS.has(s));
      if (bad !== undefined) throw new BadRequestError(`JSON patch operation ${i}: "${p}" names "${bad}", which a JSON patch may not; use a merge patch to change a field of that name`);
    }
    if (op.op === 'move' && op.path.startsWith(op.from + '/')) throw new UnprocessablePatch(`operation ${i} (move "${op.from}" to "${op.path}"): a value cannot be moved into itself`);
    return op;
  });
}

/** Applies one checked operation to `doc` in place; returns the document (a new one at the root). */
function applyOperation(doc: Json, op: Operation, index: number): Json {
  if (op.op === 'remove' && op.path === '') throw new UnprocessablePatch(`operation ${index} (remove ""): the whole document cannot be removed`);
  const at = (pointer: string, o: Operation): Json => {
    // Below the root only of an object or an array: an earlier operation may have made the document a scalar.
    if (pointer !== '' && (typeof doc !== 'object' || doc === null)) throw new UnprocessablePatch(`operation ${index} (${op.op} "${pointer}"): ${FAILED.OPERATION_PATH_UNRESOLVABLE}`);
    try {
      return jsonpatch.applyOperation(doc, o, true, true, true, index).newDocument;
    } catch (e) {
      if (!(e instanceof jsonpatch.JsonPatchError)) throw e;
      throw new UnprocessablePatch(`operation ${index} (${op.op} "${pointer}"): ${reason(e, FAILED)}`);
    }
  };
  if (op.op !== 'move' && op.op !== 'copy') return at(op.path, op);
  // fast-json-patch checks array bounds only for add, so copy and move run as the add (after a
  // remove, for move) that RFC 6902 defines them as.
  const read: Operation = { op: '_get', path: op.from, value: undefined };
  at(op.from, read);
  if (op.op === 'move') {
    if (op.from === op.path) return doc;
    doc = at(op.from, { op: 'remove', path: op.from });
  }
  return at(op.path, { op: 'add', path: op.path, value: op.op === 'copy' ? structuredClone(read.value) : read.value });
}

/**
 * RFC 6902 on a copy of `doc`, all operations or none. A malformed patch is a 400
 * (BadRequestError); one that does not fit `doc` (a missing path, an index out of bounds, a failed
 * test) is a 422 (UnprocessablePatch).
 */
export function jsonPatch(doc: Json, ops: Json): Json {
  // A copy of the operations too: added values must not alias the patch, which a retry reapplies.
  return operations(structuredClone(ops)).reduce<Json>((out, op, i) => applyOperation(out, op, i), structuredClone(doc));
}

/** Throws a 400 when an object in the JSON text names a member twice: RFC 6902 A.13 calls such a patch ambiguous. */
export function assertUniqueMembers(text: string): void {
  const names: Set<string>[] = [];
  visit(text, {
    onObjectBegin: () => void names.push(new Set()),
    onObjectEnd: () => void names.pop(),
    onObjectProperty: (name) => {
      const seen = names[names.length - 1];
      if (seen?.has(name)) throw new BadRequestError(`the JSON patch is ambiguous: an object names "${name}" twice`);
      seen?.add(name);
    },
  });
}

/**
 * Applies a patch of the given media type. The patch is held to the body limits first, whoever
 * parsed it: no member named __proto__, constructor or prototype at any depth (400).
 */
export function applyPatch(type: PatchType, doc: Json, patch: Json): Json {
  assertSafeValue(patch);
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
