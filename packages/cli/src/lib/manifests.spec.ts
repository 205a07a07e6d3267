import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliError } from './errors.js';
import { parseManifests, readManifests } from './manifests.js';

const podYaml = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: web\n    image: ms1\n`;

describe('parseManifests', () => {
  it('reads every document of a multi-document YAML, skipping empty ones', () => {
    const ms = parseManifests(`---\n${podYaml('a')}---\n---\n${podYaml('b')}`, 'f.yaml');
    expect(ms.map((m) => [m.source, m.object.metadata.name])).toEqual([['f.yaml', 'a'], ['f.yaml', 'b']]);
  });
  it('reads JSON', () => {
    const ms = parseManifests(JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: {} }), 's.json');
    expect(ms[0]!.object.kind).toBe('Service');
  });
  it('expands a kind: List', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } }, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' } }] };
    expect(parseManifests(JSON.stringify(list), 'l.json').map((m) => m.object.metadata.name)).toEqual(['a', 'b']);
  });
  it('rejects bad YAML and documents without kind or name', () => {
    expect(() => parseManifests('a: [1', 'bad.yaml')).toThrow(/error parsing bad.yaml/);
    expect(() => parseManifests('apiVersion: v1\nmetadata: {name: x}', 'k.yaml')).toThrow('kind not set');
    expect(() => parseManifests('apiVersion: v1\nkind: Pod\nmetadata: {}', 'n.yaml')).toThrow('metadata.name not set');
    expect(() => parseManifests('- 1\n- 2', 'arr.yaml')).toThrow(CliError);
  });
});

describe('readManifests', () => {
  it('reads files, directories (yaml, yml, json only, sorted) and stdin, and reports bad paths', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wharf-mf-'));
    await writeFile(join(dir, 'b.yml'), podYaml('b'));
    await writeFile(join(dir, 'a.yaml'), podYaml('a'));
    await writeFile(join(dir, 'c.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'c' } }));
    await writeFile(join(dir, 'notes.txt'), 'not a manifest');
    const batch = await readManifests([dir, '-', join(dir, 'missing.yaml')], Readable.from([podYaml('stdin')]));
    expect(batch.manifests.map((m) => m.object.metadata.name)).toEqual(['a', 'b', 'c', 'stdin']);
    expect(batch.manifests[3]!.source).toBe('STDIN');
    expect(batch.errors.map((e) => e.message)).toEqual([`the path "${join(dir, 'missing.yaml')}" does not exist`]);
  });
});
