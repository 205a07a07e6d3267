/**
 * Where Wharf's deploy files (systemd units, nats-server configs) are: `deploy/` at the root of a
 * checkout, or at the root of the installed `wharf` package (`npm install -g wharf-<version>.tgz`
 * puts them at `<prefix>/lib/node_modules/wharf/deploy`, next to `node_modules/@wharf/cli`).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file every deploy directory holds; a `deploy/` without it is someone else's. */
export const DEPLOY_MARKER = join('systemd', 'wharf-agent.service');

/** Raised when neither the checkout nor the installed package around `from` holds Wharf's deploy files. */
export class DeployFilesNotFoundError extends Error {
  override name = 'DeployFilesNotFoundError';
  constructor(from: string) {
    super(`Wharf's deploy files (deploy/${DEPLOY_MARKER}) are not in ${from} or any directory above it: install the wharf package or run from a checkout`);
  }
}

/** Pure: the `deploy` directories to try for a package at `from`, nearest first, up to the filesystem root. */
export function deployDirCandidates(from: string): string[] {
  const out: string[] = [];
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    out.push(join(dir, 'deploy'));
    if (dirname(dir) === dir) return out;
  }
}

/** The directory of this @wharf/cli package (holding its package.json), in a checkout or installed. */
export function cliPackageDir(): string {
  // This module is <package>/dist/lib/deploy.js.
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** The nearest deploy directory at or above `from` (default: this @wharf/cli package) holding the Wharf units; throws DeployFilesNotFoundError. */
export function findDeployDir(from: string = cliPackageDir()): string {
  const found = deployDirCandidates(from).find((d) => existsSync(join(d, DEPLOY_MARKER)));
  if (found === undefined) throw new DeployFilesNotFoundError(from);
  return found;
}
