import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVER, defaultConfigPath, readConfigFile, resolveConfig } from './config.js';
import { CliError } from './errors.js';

describe('resolveConfig precedence: flag > env > file > default', () => {
  const file = { server: 'http://file:1', token: 'file-token', namespace: 'file-ns' };
  const env = { WHARF_SERVER: 'http://env:2', WHARF_TOKEN: 'env-token' };

  it('takes flags first', () => {
    expect(resolveConfig({ server: 'http://flag:3', token: 'flag-token', namespace: 'flag-ns' }, env, file)).toEqual({ server: 'http://flag:3', servers: ['http://flag:3'], token: 'flag-token', namespace: 'flag-ns' });
  });
  it('takes the environment over the file', () => {
    expect(resolveConfig({}, env, file)).toEqual({ server: 'http://env:2', servers: ['http://env:2'], token: 'env-token', namespace: 'file-ns' });
  });
  it('takes the file over the defaults', () => {
    expect(resolveConfig({}, {}, file)).toEqual({ ...file, servers: [file.server] });
  });
  it('falls back to the default server, no token and the default namespace', () => {
    expect(resolveConfig({}, {}, undefined)).toEqual({ server: DEFAULT_SERVER, servers: [DEFAULT_SERVER], namespace: 'default' });
  });
  it('lists the file\'s servers after its server, and only with the file\'s server', () => {
    const several = { ...file, servers: ['http://file:1', 'http://other:1'] };
    expect(resolveConfig({}, {}, several).servers).toEqual(['http://file:1', 'http://other:1']);
    expect(resolveConfig({ server: 'http://flag:3' }, {}, several).servers).toEqual(['http://flag:3']);
  });
  it('treats empty values as unset', () => {
    expect(resolveConfig({ server: '' }, { WHARF_SERVER: '' }, { server: 'http://file:1' }).server).toBe('http://file:1');
  });
});

describe('readConfigFile', () => {
  it('reads the JSON the API server writes, ignoring unknown fields', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wharf-cfg-'));
    const p = join(dir, 'config');
    await writeFile(p, JSON.stringify({ server: 'http://127.0.0.1:7000', token: 't', namespace: 'prod', extra: 1 }));
    expect(await readConfigFile(p)).toEqual({ server: 'http://127.0.0.1:7000', token: 't', namespace: 'prod' });
  });
  it('is undefined when the file does not exist', async () => {
    expect(await readConfigFile('/nonexistent/wharf/config')).toBeUndefined();
  });
  it('rejects a file that is not a JSON object', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wharf-cfg-'));
    await mkdir(join(dir, 'x'));
    await writeFile(join(dir, 'bad'), 'server: yaml');
    await expect(readConfigFile(join(dir, 'bad'))).rejects.toThrow(CliError);
    await writeFile(join(dir, 'arr'), '[]');
    await expect(readConfigFile(join(dir, 'arr'))).rejects.toThrow(/invalid config file/);
  });
  it('defaults to ~/.wharf/config', () => expect(defaultConfigPath('/home/u')).toBe('/home/u/.wharf/config'));
});
