/** Turning command-line resource arguments ("po a b", "pod/a svc/b", "po,svc") into kinds and names. */
import type { KindInfo } from '@wharf/model';
import { kindOf } from '@wharf/client';
import { CliError } from './errors.js';

/** One kind and the names asked for (empty: all of that kind). */
export interface Target {
  info: KindInfo;
  names: string[];
}

/**
 * Parses kubectl's resource arguments: `KIND[,KIND...] [NAME...]` or `KIND/NAME...`. Throws UnknownKindError for an
 * unknown kind and CliError for mixed forms or a missing kind.
 */
export function parseTargets(args: string[]): Target[] {
  if (args.length === 0) throw new CliError('you must specify the type of resource to get. Use "wharf get --help" for the list of types');
  if (args.some((a) => a.includes('/'))) {
    if (!args.every((a) => a.includes('/'))) throw new CliError('there is no need to specify a resource type as a separate argument when passing arguments in resource/name form');
    const out: Target[] = [];
    for (const a of args) {
      const [kind, name] = splitOnce(a);
      if (!name) throw new CliError(`arguments in resource/name form must have a single resource and name`);
      const info = kindOf(kind);
      const t = out.find((x) => x.info === info);
      if (t) t.names.push(name);
      else out.push({ info, names: [name] });
    }
    return out;
  }
  const [kinds, ...names] = args as [string, ...string[]];
  const infos = [...new Set(kinds.split(',').filter(Boolean).map(kindOf))];
  return infos.map((info) => ({ info, names }));
}

/** Parses exactly one `KIND NAME` or `KIND/NAME` (logs, scale); `defaultKind` allows a bare NAME. */
export function parseSingleTarget(args: string[], defaultKind?: string): { info: KindInfo; name: string } {
  if (args.length === 1 && args[0]!.includes('/')) {
    const [kind, name] = splitOnce(args[0]!);
    if (name) return { info: kindOf(kind), name };
  }
  if (args.length === 2) return { info: kindOf(args[0]!), name: args[1]! };
  if (args.length === 1 && defaultKind) return { info: kindOf(defaultKind), name: args[0]! };
  throw new CliError('expected a resource and a name: KIND NAME or KIND/NAME');
}

function splitOnce(s: string): [string, string] {
  const i = s.indexOf('/');
  return [s.slice(0, i), s.slice(i + 1)];
}
