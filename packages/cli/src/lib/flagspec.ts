/**
 * Flags as data, for the two parsers of the command line: oclif (every command, with help) builds
 * its flags from these (`oclifFlags`), and the fast path (`../fast.ts`, node:util's parseArgs)
 * reads the same table for the commands it answers without loading oclif. No oclif import here.
 */
import { defaultConfigPath } from './config.js';

type Letter = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i' | 'j' | 'k' | 'l' | 'm' | 'n' | 'o' | 'p' | 'q' | 'r' | 's' | 't' | 'u' | 'v' | 'w' | 'x' | 'y' | 'z';

/** One flag: a string (`--name value`, `--name=value`) or a boolean (`--name`). */
export interface FlagSpec {
  readonly kind: 'string' | 'boolean';
  readonly description: string;
  readonly char?: Letter | Uppercase<Letter>;
  /** The environment variable that sets it when the flag is absent. */
  readonly env?: string;
  /** The only values it takes. */
  readonly options?: readonly string[];
  readonly default?: string;
  readonly helpGroup?: string;
}

export type FlagTable = Readonly<Record<string, FlagSpec>>;

/** The connection flags every command takes, before or after the command (kubectl's globals). */
export const GLOBAL_FLAGS = {
  server: { kind: 'string', description: 'Address of the Wharf API server (default http://127.0.0.1:6443, or the config file\'s).', env: 'WHARF_SERVER', helpGroup: 'GLOBAL' },
  token: { kind: 'string', description: 'Bearer token for authentication to the API server.', env: 'WHARF_TOKEN', helpGroup: 'GLOBAL' },
  namespace: { kind: 'string', char: 'n', description: 'Namespace for this request (default: the config file\'s, else "default").', helpGroup: 'GLOBAL' },
  config: { kind: 'string', description: 'Path of the JSON config file ({"server", "token", "namespace", "certificateAuthority"}).', env: 'WHARF_CONFIG', default: defaultConfigPath(), helpGroup: 'GLOBAL' },
  'certificate-authority': { kind: 'string', description: 'Path to a CA certificate (PEM) to verify the server with (default: the config file\'s).', env: 'WHARF_CA', helpGroup: 'GLOBAL' },
  'insecure-skip-tls-verify': { kind: 'boolean', description: 'Do not verify the server\'s certificate (insecure).', helpGroup: 'GLOBAL' },
} as const satisfies FlagTable;

/** `wharf get`'s own flags. */
export const GET_FLAGS = {
  output: { kind: 'string', char: 'o', description: 'Output format.', options: ['wide', 'yaml', 'json', 'name'] },
  selector: { kind: 'string', char: 'l', description: 'Label selector to filter on, e.g. -l app=ms1,tier!=db (=, ==, !=, in, notin, exists).' },
  'field-selector': { kind: 'string', description: 'Field selector to filter on, e.g. --field-selector status.phase=Running.' },
  'all-namespaces': { kind: 'boolean', char: 'A', description: 'List across all namespaces; adds a NAMESPACE column.' },
  watch: { kind: 'boolean', char: 'w', description: 'After listing, watch for changes and print each changed object.' },
  'watch-only': { kind: 'boolean', description: 'Watch for changes without listing first.' },
  'no-headers': { kind: 'boolean', description: 'Do not print the table headers.' },
  at: { kind: 'string', description: 'Show the state at a past time (RFC 3339) or revision (resourceVersion), passed to the server as ?at=.' },
} as const satisfies FlagTable;

/** The values `table` says a parse gives: strings (or undefined), booleans, and the defaults. */
export type FlagValues<T extends FlagTable> = {
  [K in keyof T]: T[K] extends { kind: 'boolean' } ? boolean : T[K] extends { default: string } ? string : string | undefined;
};
