/**
 * Where the daemons' programs are: next to this CLI in the repository (packages/<pkg>/bin), in an
 * installed package tree (node_modules/@wharf/<pkg>/bin), or on PATH.
 */
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The daemons `init` and `join` start. */
export type Daemon = 'wharf-api' | 'wharf-reconcilers' | 'wharf-agent' | 'wharf-proxy';

const PACKAGE: Record<Daemon, string> = { 'wharf-api': 'api', 'wharf-reconcilers': 'reconcilers', 'wharf-agent': 'agent', 'wharf-proxy': 'proxy' };

/** The command that runs a daemon: node and its script, or the program on PATH. */
export function daemonCommand(d: Daemon): { command: string; args: string[] } {
  const cliRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  const pkg = PACKAGE[d];
  const candidates = [join(cliRoot, '..', pkg, 'bin', `${d}.js`), join(cliRoot, 'node_modules', '@wharf', pkg, 'bin', `${d}.js`), join(cliRoot, '..', '..', '@wharf', pkg, 'bin', `${d}.js`)];
  for (const c of candidates) if (existsSync(c)) return { command: process.execPath, args: [c] };
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, d))) return { command: join(dir, d), args: [] };
  throw new Error(`cannot find ${d}: install Wharf's package (see README, "more machines")`);
}
