/**
 * Label selectors (equality- and set-based) and field selectors, parsed from the strings
 * Kubernetes clients send: `app=demo,tier!=db`, `env in (a,b)`, `!canary`, `status.phase=Running`.
 */
import { BadRequestError } from './errors.js';
import type { KObject } from './object.js';

/** One requirement of a label selector. */
export interface Requirement {
  key: string;
  op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!exists';
  values: string[];
}

/** A parsed label selector; the empty selector matches everything. */
export type LabelSelector = Requirement[];

/** Splits on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() || out.length) out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

const keyRe = /^([A-Za-z0-9][-A-Za-z0-9_.]*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valueRe = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Parses a labelSelector string; throws BadRequestError on a malformed one. */
export function parseLabelSelector(s: string | undefined): LabelSelector {
  if (!s) return [];
  return splitTop(s).map((term) => {
    let m: RegExpExecArray | null;
    let r: Requirement;
    if ((m = /^!\s*(\S+)$/.exec(term))) r = { key: m[1]!, op: '!exists', values: [] };
    else if ((m = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(term))) {
      r = { key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()) };
    } else if ((m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term))) r = { key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!] };
    else if ((m = /^([^=!\s()]+)$/.exec(term))) r = { key: m[1]!, op: 'exists', values: [] };
    else throw new BadRequestError(`unable to parse requirement: "${term}": found unexpected token in label selector "${s}"`);
    if (!keyRe.test(r.key)) throw new BadRequestError(`unable to parse requirement: invalid label key "${r.key}" in label selector "${s}"`);
    for (const v of r.values) if (!valueRe.test(v) || v.length > 63) throw new BadRequestError(`unable to parse requirement: invalid label value "${v}" in label selector "${s}"`);
    return r;
  });
}

/** True when `labels` satisfy every requirement. */
export function matchesLabels(sel: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  const l = labels ?? {};
  for (const r of sel) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = has ? l[r.key] : undefined;
    switch (r.op) {
      case '=':
        if (v !== r.values[0]) return false;
        break;
      case '!=':
        if (v === r.values[0]) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** A selector map (as in Service.spec.selector) as a LabelSelector. */
export function selectorFromMap(m: Readonly<Record<string, string>> | undefined): LabelSelector {
  return Object.entries(m ?? {}).map(([key, v]) => ({ key, op: '=' as const, values: [v] }));
}

/** Formats a selector map the way kubectl prints it: `a=b,c=d`. */
export function formatSelectorMap(m: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(m ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
}

/** One field selector requirement. */
export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Fields each kind can be selected on, beyond metadata.name and metadata.namespace. */
const FIELDS: Record<string, string[]> = {
  Pod: ['spec.nodeName', 'status.phase', 'spec.restartPolicy', 'spec.schedulerName', 'status.podIP'],
  Event: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  Node: ['spec.unschedulable'],
  Namespace: ['status.phase'],
  ReplicationController: ['status.replicas'],
  Service: [],
  Endpoints: [],
};

/** Parses a fieldSelector for `kind`; throws BadRequestError for unknown fields or syntax. */
export function parseFieldSelector(kind: string, s: string | undefined): FieldRequirement[] {
  if (!s) return [];
  return s.split(',').map((term) => {
    const m = /^\s*([A-Za-z.]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (!m) throw new BadRequestError(`invalid selector: '${s}'; can't understand '${term}'`);
    const field = m[1]!;
    if (field !== 'metadata.name' && field !== 'metadata.namespace' && !(FIELDS[kind] ?? []).includes(field)) {
      throw new BadRequestError(`"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"${(FIELDS[kind] ?? []).map((f) => `, "${f}"`).join('')}`);
    }
    return { field, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
  });
}

function fieldValue(o: KObject, path: string): string {
  let cur: unknown = o;
  for (const p of path.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[p];
  if (path === 'source' && cur && typeof cur === 'object') cur = (cur as { component?: string }).component;
  // A boolean field reads "false" when unset, as Kubernetes' selectable fields do (Go's zero value).
  if (path === 'spec.unschedulable') cur = cur === true;
  return cur === undefined || cur === null ? '' : String(cur);
}

/** True when the object satisfies every field requirement. */
export function matchesFields(reqs: readonly FieldRequirement[], o: KObject): boolean {
  for (const r of reqs) {
    const v = fieldValue(o, r.field);
    if (r.op === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
