import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryError } from './serve.js';
import { distrustRecorded, distrustRegistry, trustRegistries, trustRegistry, withTrusted } from './trust.js';

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

  it('records only the entries it wrote: one that already held the CA stays after distrustRecorded', () => {
    const d = certsDir();
    const record = join(certsDir(), 'registries.json');
    trustRegistry('mine:5000', 'CA\n', d);
    const t = trustRegistries(['mine:5000', '10.0.0.5:5000', 'other:443'], 'CA\n', record, d);
    expect(t).toEqual({ written: ['10.0.0.5:5000', 'other:443'], already: ['mine:5000'] });
    expect(JSON.parse(readFileSync(record, 'utf8'))).toEqual([{ certsDir: d, registries: ['10.0.0.5:5000', 'other:443'] }]);
    // A second run (a join on a machine that already trusts them) writes nothing and keeps the record.
    expect(trustRegistries(['10.0.0.5:5000'], 'CA\n', record, d)).toEqual({ written: [], already: ['10.0.0.5:5000'] });
    expect(distrustRecorded(record).sort()).toEqual([join(d, '10.0.0.5:5000'), join(d, 'other:443')]);
    expect([existsSync(join(d, '10.0.0.5:5000')), existsSync(join(d, 'other:443')), existsSync(join(d, 'mine:5000', 'ca.crt')), existsSync(record)]).toEqual([false, false, true, false]);
    expect(distrustRecorded(record)).toEqual([]);
  });

  it('replaces an entry that held another CA, and records it', () => {
    const d = certsDir();
    const record = join(certsDir(), 'registries.json');
    trustRegistry('seed:5000', 'OLD\n', d);
    expect(trustRegistries(['seed:5000'], 'NEW\n', record, d).written).toEqual(['seed:5000']);
    expect(readFileSync(join(d, 'seed:5000', 'ca.crt'), 'utf8')).toBe('NEW\n');
  });

  it('checks every address before writing anything', () => {
    const d = certsDir();
    const record = join(certsDir(), 'registries.json');
    expect(() => trustRegistries(['good:5000', 'bad'], 'CA', record, d)).toThrow(RegistryError);
    expect([existsSync(join(d, 'good:5000')), existsSync(record)]).toEqual([false, false]);
  });
});

describe('withTrusted', () => {
  it('adds to the entry of the same certs dir without duplicates, keeping others', () => {
    const before = [{ certsDir: '/a', registries: ['x:1'] }, { certsDir: '/b', registries: ['y:2'] }];
    expect(withTrusted(before, '/a', ['x:1', 'z:3'])).toEqual([{ certsDir: '/b', registries: ['y:2'] }, { certsDir: '/a', registries: ['x:1', 'z:3'] }]);
    expect(withTrusted([], '/a', [])).toEqual([]);
  });
});
