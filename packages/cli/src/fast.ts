/**
 * The commands the CLI answers without loading oclif: `wharf get`, the one people type most, and
 * `wharf describe`, whose answers should come as fast as kubectl's. oclif (about 150 ms of loading
 * and reading its config here) stays for everything else, and for any line of theirs this parser
 * does not take exactly as oclif would: help, an unknown or misspelled flag, a value outside a
 * flag's options. oclif then parses it and says what is wrong, so both paths give the same answers.
 */
import { parseArgs } from 'node:util';
import { type Io, processIo } from './lib/connect.js';
import { formatError } from './lib/errors.js';
import { type FlagTable, type FlagValues, GET_FLAGS, GLOBAL_FLAGS } from './lib/flagspec.js';

/** A command of the fast path: its flags, and its code (loaded when it runs). */
interface FastCommand<T extends FlagTable> {
  flags: T;
  load(): Promise<(args: string[], flags: FlagValues<T>, io: Io) => Promise<number>>;
}

const fast = <T extends FlagTable>(c: FastCommand<T>) => c as unknown as FastCommand<FlagTable>;

/** The commands answered without oclif, by name. */
export const FAST_COMMANDS: Readonly<Record<string, FastCommand<FlagTable>>> = {
  get: fast({ flags: { ...GLOBAL_FLAGS, ...GET_FLAGS }, load: async () => (await import('./lib/get.js')).getCommand }),
  describe: fast({ flags: GLOBAL_FLAGS, load: async () => (await import('./lib/describe/command.js')).describeCommand }),
};

/**
 * `args` (after `normalizeArgv`) parsed against `table` as oclif would: each flag's environment
 * variable and default applied. Undefined when this parser would not take it exactly as oclif does.
 */
export function parseFast<T extends FlagTable>(args: string[], table: T): { positionals: string[]; flags: FlagValues<T> } | undefined {
  const rest = args.slice(0, args.includes('--') ? args.indexOf('--') : args.length);
  // Help, and `-o=yaml` (parseArgs reads the value as "=yaml"): oclif's.
  if (rest.some((a) => a === '-h' || a === '--help' || /^-[^-]=/.test(a))) return undefined;
  const options = Object.fromEntries(Object.entries(table).map(([name, s]) => [name, { type: s.kind, ...(s.char ? { short: s.char } : {}) }]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true, tokens: true });
  } catch {
    return undefined;
  }
  // oclif refuses a value flag given twice (parseArgs keeps the last).
  const given = (parsed.tokens ?? []).flatMap((t) => (t.kind === 'option' && table[t.name]?.kind === 'string' ? [t.name] : []));
  if (new Set(given).size !== given.length) return undefined;
  const flags: Record<string, string | boolean | undefined> = {};
  for (const [name, s] of Object.entries(table)) {
    const v = parsed.values[name];
    if (s.kind === 'boolean') {
      flags[name] = v === true;
      continue;
    }
    const value = (v as string | undefined) ?? (s.env ? process.env[s.env] || undefined : undefined) ?? s.default;
    if (value !== undefined && s.options && !s.options.includes(value)) return undefined;
    flags[name] = value;
  }
  return { positionals: parsed.positionals, flags: flags as FlagValues<T> };
}

/** Runs `args` when it is a command this path answers; false when oclif should. */
export async function runFast(args: string[]): Promise<boolean> {
  const command = Object.hasOwn(FAST_COMMANDS, args[0] ?? '') ? FAST_COMMANDS[args[0]!] : undefined;
  if (!command) return false;
  const parsed = parseFast(args.slice(1), command.flags);
  if (!parsed) return false;
  try {
    const run = await command.load();
    const code = await run(parsed.positionals, parsed.flags, processIo);
    if (code !== 0) process.exitCode = code;
  } catch (e) {
    processIo.err(formatError(e) + '\n');
    process.exitCode = 1;
  }
  return true;
}
