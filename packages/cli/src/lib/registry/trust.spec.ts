import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryError } from './serve.js';
import { distrustRegistry, trustRegistry } from './trust.js';

describe('trustRegistry', () => {
  const dirs: string[] = [];
  const certsDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'wharf-certs-d-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('writes the CA as <certsDir>/<host:port>/ca.crt, readable by the engine, and distrust removes it', () => {
    const d = certsDir();
    const file = trustRegistry('10.0.0.5:5000', 'PEM\n', d);
    expect(file).toBe(join(d, '10.0.0.5:5000', 'ca.crt'));
    expect(readFileSync(file, 'utf8')).toBe('PEM\n');
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(trustRegistry('10.0.0.5:5000', 'NEW\n', d)).toBe(file);
    expect(readFileSync(file, 'utf8')).toBe('NEW\n');
    distrustRegistry('10.0.0.5:5000', d);
    expect(existsSync(join(d, '10.0.0.5:5000'))).toBe(false);
  });

  it('refuses anything but HOST:PORT, so nothing is written outside certsDir', () => {
    const d = certsDir();
    for (const bad of ['../etc:5000', 'seed', 'seed:', 'a/b:5000', '[::1]:5000']) {
      expect(() => trustRegistry(bad, 'PEM', d), bad).toThrow(RegistryError);
    }
  });
});
