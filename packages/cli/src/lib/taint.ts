/**
 * The logic of `wharf taint`, as kubectl taint has it (k8s.io/kubectl/pkg/cmd/taint): which
 * arguments are resources and which are taint specs, how `KEY[=VALUE]:EFFECT` and `KEY[:EFFECT]-`
 * read, and what a node's taints become. Pure; the command reads the node and patches it.
 */
import { LabelKey, LabelValue, type Taint } from '@wharf/model';
import { CliError } from './errors.js';

/** The effects a taint may have. */
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
type Effect = Taint['effect'];

/** A taint to remove: by key and effect, or by key alone (every effect). */
export interface TaintRemoval {
  key: string;
  effect?: Effect;
}

/** What a command changes: taints to add (or replace) and taints to remove. */
export interface TaintChange {
  add: Taint[];
  remove: TaintRemoval[];
}

/** What happened to a node, in kubectl's words (`node/n1 tainted`). */
export type TaintOperation = 'tainted' | 'untainted' | 'modified';

/** A taint as kubectl prints it: `key=value:effect`, `key:effect`, `key=value` or `key`. */
export function taintString(t: { key: string; value?: string | undefined; effect?: string | undefined }): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}${t.effect ? `:${t.effect}` : ''}`;
}

/** Splits `nodes n1 n2 k=v:NoSchedule k2-` into resources and taint specs; every resource comes first. */
export function splitTaintArgs(args: readonly string[]): { resources: string[]; specs: string[] } {
  const resources: string[] = [];
  const specs: string[] = [];
  for (const s of args) {
    const isTaint = s.includes('=') || s.includes(':') || s.endsWith('-');
    if (isTaint) specs.push(s);
    else if (specs.length) throw new CliError(`all resources must be specified before taint changes: ${s}`);
    else resources.push(s);
  }
  if (resources.length < 1) throw new CliError('one or more resources must be specified as <resource> <name>');
  if (specs.length < 1) throw new CliError('at least one taint update is required');
  return { resources, specs };
}

function effectOf(text: string): Effect {
  if (!(TAINT_EFFECTS as readonly string[]).includes(text)) throw new CliError(`invalid taint effect: ${text}, unsupported taint effect`);
  return text as Effect;
}

const firstIssue = (r: { success: boolean; error?: { issues: { message: string }[] } }) => r.error?.issues[0]?.message ?? '';

/** `KEY[=VALUE]:EFFECT`, checked as kubectl checks it (a qualified name, a label value, a known effect). */
function parseTaint(spec: string): Taint {
  const parts = spec.split(':');
  if (parts.length > 2) throw new CliError(`invalid taint spec: ${spec}`);
  let key = parts[0]!;
  let value: string | undefined;
  let effect: Effect | undefined;
  if (parts.length === 2) {
    effect = effectOf(parts[1]!);
    const kv = parts[0]!.split('=');
    if (kv.length > 2) throw new CliError(`invalid taint spec: ${spec}`);
    key = kv[0]!;
    if (kv.length === 2) {
      value = kv[1]!;
      const v = LabelValue.safeParse(value);
      if (!v.success) throw new CliError(`invalid taint spec: ${spec}, ${firstIssue(v)}`);
    }
  }
  const k = LabelKey.safeParse(key);
  if (key === '' || !k.success) throw new CliError(`invalid taint spec: ${spec}, ${key === '' ? 'name part must be non-empty' : firstIssue(k)}`);
  // Adding needs an effect: `KEY=VALUE` alone is no taint.
  if (!effect) throw new CliError(`invalid taint spec: ${spec}`);
  return { key, ...(value ? { value } : {}), effect };
}

/** Reads the taint specs; refuses two additions of one key and effect, and a change and removal of one taint. */
export function parseTaintSpecs(specs: readonly string[]): TaintChange {
  const add: Taint[] = [];
  const remove: TaintRemoval[] = [];
  for (const spec of specs) {
    if (spec.endsWith('-')) {
      const [key = '', effect] = spec.slice(0, -1).split(':');
      remove.push({ key, ...(effect ? { effect: effectOf(effect) } : {}) });
      continue;
    }
    const t = parseTaint(spec);
    if (add.some((a) => a.key === t.key && a.effect === t.effect)) throw new CliError(`duplicated taints with the same key and effect: ${taintString(t)}`);
    add.push(t);
  }
  const conflicts = remove.filter((r) => add.some((a) => a.key === r.key && (!r.effect || r.effect === a.effect))).map((r) => `${r.key}=${r.effect ?? ''}`);
  if (conflicts.length) throw new CliError(`can not both modify and remove the following taint(s) in the same command: ${conflicts.join(', ')}`);
  return { add, remove };
}

/** The node names a command names: `nodes n1 n2` (or `node`, `no`), none with --all or a selector. */
export function taintTargets(resources: readonly string[], selecting: boolean): string[] {
  const [type = '', ...names] = resources;
  if (!['nodes', 'node', 'no'].includes(type.toLowerCase())) throw new CliError(`invalid resource type ${type}, only node types are supported`);
  if (!selecting && names.length === 0) throw new CliError("at least one resource name must be specified since 'all' parameter is not set");
  if (selecting && names.length > 0) throw new CliError('node names cannot be given with --all or --selector');
  return names;
}

const sameTaint = (a: { key: string; effect?: string | undefined }, b: { key: string; effect?: string | undefined }) => a.key === b.key && a.effect === b.effect;

/**
 * A node's new taints: the added ones first, then the current ones they don't replace, less the
 * removed ones. Without `overwrite` a taint whose key and effect the node already has is refused,
 * and a removal that finds nothing fails, as kubectl's messages say.
 */
export function reorganizeTaints(node: string, current: readonly Taint[], change: TaintChange, overwrite: boolean): { operation: TaintOperation; taints: Taint[] } {
  if (!overwrite) {
    const existing = change.add.filter((t) => current.some((c) => sameTaint(c, t))).map((t) => t.key);
    if (existing.length) throw new CliError(`node ${node} already has ${existing.join(',')} taint(s) with same effect(s) and --overwrite is false`);
  }
  let taints = [...change.add, ...current.filter((c) => !change.add.some((t) => sameTaint(t, c)))];
  const added = taints.length !== current.length;
  let removed = false;
  for (const r of change.remove) {
    const kept = taints.filter((t) => (r.effect ? !sameTaint(t, r) : t.key !== r.key));
    removed = kept.length !== taints.length;
    if (!removed) throw new CliError(`taint ${JSON.stringify(taintString(r))} not found`);
    taints = kept;
  }
  const operation: TaintOperation = (added && removed) || overwrite ? 'modified' : added ? 'tainted' : 'untainted';
  return { operation, taints };
}
