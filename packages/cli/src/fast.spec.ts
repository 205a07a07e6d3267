import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Parser } from '@oclif/core';
import Describe from './commands/describe.js';
import Get from './commands/get.js';
import { FAST_COMMANDS, parseFast } from './fast.js';
import { type FlagTable, GET_FLAGS, GLOBAL_FLAGS } from './lib/flagspec.js';
import { defaultConfigPath } from './lib/config.js';

const TABLE = { ...GLOBAL_FLAGS, ...GET_FLAGS };
const ENV = ['WHARF_SERVER', 'WHARF_TOKEN', 'WHARF_CONFIG', 'WHARF_CA'];

/** Runs each test of the enclosing describe with none of the CLI's environment variables set. */
function withoutWharfEnv(): void {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const k of ENV) {
      saved[k] = process.env[k];
      delete process.env[k];
    }
  });
  afterEach(() => {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
}

/** The oclif command of each command of the fast path. */
const OCLIF: Record<string, typeof Get | typeof Describe> = { get: Get, describe: Describe };

/** What oclif makes of `args` for `command`: its flags of `table`, and the positionals; undefined when it refuses them. */
async function oclifParse(command: typeof Get | typeof Describe, table: FlagTable, args: string[]) {
  try {
    const out = await Parser.parse(args, { flags: { ...command.baseFlags, ...command.flags }, args: command.args, strict: false, '--': true } as Parameters<typeof Parser.parse>[1]);
    const flags = out.flags as Record<string, unknown>;
    return { positionals: out.argv as string[], flags: Object.fromEntries(Object.entries(table).map(([k, s]) => [k, s.kind === 'boolean' ? Boolean(flags[k]) : flags[k]])) };
  } catch {
    return undefined;
  }
}

describe('the fast path', () => {
  it('takes exactly the commands it has oclif twins for', () => {
    expect(Object.keys(FAST_COMMANDS).sort()).toEqual(Object.keys(OCLIF).sort());
    expect(FAST_COMMANDS.describe!.flags).toEqual(GLOBAL_FLAGS);
    expect(FAST_COMMANDS.get!.flags).toEqual(TABLE);
  });
});

describe('the fast path of `wharf get`', () => {
  withoutWharfEnv();

  it('parses the flags oclif parses, with environment variables and defaults', () => {
    process.env.WHARF_SERVER = 'https://10.0.0.1:6443';
    const p = parseFast(['pods', 'web-1', '-n', 'kube-system', '-owide', '-Aw', '--field-selector=status.phase=Running', '--insecure-skip-tls-verify'], TABLE);
    expect(p?.positionals).toEqual(['pods', 'web-1']);
    expect(p?.flags).toMatchObject({ namespace: 'kube-system', output: 'wide', 'all-namespaces': true, watch: true, 'watch-only': false, 'field-selector': 'status.phase=Running', server: 'https://10.0.0.1:6443', config: defaultConfigPath(), 'insecure-skip-tls-verify': true });
    expect(parseFast(['pods', '--server', 'https://x:1'], TABLE)?.flags.server).toBe('https://x:1');
  });

  it('leaves to oclif what it would answer differently: help, unknown flags, values outside the options, a missing value', () => {
    for (const args of [['pods', '--help'], ['-h'], ['pods', '--bogus'], ['pods', '-o', 'table'], ['pods', '-o=yaml'], ['pods', '-n'], ['pods', '-o', 'json', '-o', 'yaml'], ['pods', '-n', 'a', '--namespace=b']]) {
      expect(parseFast(args, TABLE), args.join(' ')).toBeUndefined();
    }
  });
});

describe.each(Object.keys(OCLIF))('the fast path of `wharf %s` against oclif', (name) => {
  const command = OCLIF[name]!;
  const table = FAST_COMMANDS[name]!.flags;
  withoutWharfEnv();
  it('names the same flags as the oclif command, with the same letters, options and environment variables', () => {
    const all = { ...command.baseFlags, ...command.flags } as Record<string, { type: string; char?: string; options?: readonly string[]; env?: string }>;
    expect(Object.keys(all).sort()).toEqual(Object.keys(table).sort());
    for (const [flag, s] of Object.entries(table)) {
      const o = all[flag]!;
      expect({ type: o.type, char: o.char, options: o.options, env: o.env }, flag).toEqual({ type: s.kind === 'boolean' ? 'boolean' : 'option', char: 'char' in s ? s.char : undefined, options: 'options' in s ? s.options : undefined, env: 'env' in s ? s.env : undefined });
    }
  });

  it('whatever it takes, it reads as oclif does (property)', async () => {
    const value = fc.constantFrom('wide', 'yaml', 'json', 'name', 'table', 'pods', 'a=b', '', '-x', '--y', 'x y');
    const flagWord = fc.oneof(
      ...Object.entries(table).map(([name, s]) =>
        s.kind === 'boolean'
          ? fc.constantFrom(...[`--${name}`, ...('char' in s ? [`-${s.char}`] : [])].map((w) => [w]))
          : fc.tuple(fc.constantFrom('sep', 'eq', 'short', 'shortjoined'), value).map(([form, v]) =>
              form === 'eq' || !('char' in s) ? [`--${name}=${v}`] : form === 'sep' ? [`--${name}`, v] : form === 'short' ? [`-${s.char}`, v] : [`-${s.char}${v}`],
            ),
      ),
      fc.constantFrom(['-Aw'], ['-wA'], ['--bogus'], ['-z'], ['--'], ['-h']),
    );
    const positional = fc.constantFrom('pods', 'po', 'svc/web', 'rc,svc', 'web-1', 'a=b');
    const argv = fc.array(fc.oneof(flagWord, positional.map((p) => [p])), { maxLength: 7 }).map((parts) => parts.flat());
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const fast = parseFast(args, table);
        // oclif reorders a positional that is also another word of the line (`pods po pods` gives
        // pods pods po; `-l a=b pods a=b` gives a=b pods): the fast path keeps the order typed.
        if (!fast || fast.positionals.some((p) => args.filter((a) => a === p).length > 1)) return;
        const oclif = await oclifParse(command, table, args);
        expect(oclif, `oclif refused what the fast path took: ${JSON.stringify(args)}`).toBeDefined();
        expect(fast.flags, JSON.stringify(args)).toEqual(oclif!.flags);
        expect(fast.positionals, JSON.stringify(args)).toEqual(oclif!.positionals);
        compared++;
      }),
      { numRuns: 500 },
    );
    // The fast path took a good share of the generated command lines, so the comparison said something.
    expect(compared).toBeGreaterThan(100);
  });
});
