import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPackageDir, DEPLOY_MARKER, deployDirCandidates, DeployFilesNotFoundError, findDeployDir } from './deploy.js';

describe('finding the deploy files', () => {
  const root = mkdtempSync(join(tmpdir(), 'wharf-deploy-spec-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('tries deploy/ in the package directory, then in each directory above it, up to /', () => {
    expect(deployDirCandidates('/a/b')).toEqual(['/a/b/deploy', '/a/deploy', '/deploy']);
  });

  it('finds the deploy/ of the installed wharf package from its bundled @wharf/cli', () => {
    // Given the layout `npm install -g wharf-<version>.tgz` makes
    const pkg = join(root, 'lib/node_modules/wharf');
    const cli = join(pkg, 'node_modules/@wharf/cli');
    mkdirSync(cli, { recursive: true });
    mkdirSync(join(pkg, 'deploy/systemd'), { recursive: true });
    writeFileSync(join(pkg, 'deploy', DEPLOY_MARKER), '[Unit]\n');
    // and an unrelated deploy/ nearer to the cli, without Wharf's units
    mkdirSync(join(pkg, 'node_modules/deploy'), { recursive: true });
    // When / Then
    expect(findDeployDir(cli)).toBe(join(pkg, 'deploy'));
  });

  it('finds the checkout’s deploy/ from packages/cli', () => {
    expect(findDeployDir(cliPackageDir())).toBe(join(cliPackageDir(), '..', '..', 'deploy'));
  });

  it('says what is missing when there is no deploy/ above', () => {
    expect(() => findDeployDir(join(root, 'elsewhere'))).toThrow(DeployFilesNotFoundError);
  });
});
