import { describe, expect, it } from 'vitest';
import type { KObject } from '@wharf/model';
import { applyManifests, prepare } from './apply.js';
import { CliError } from './errors.js';
import { captureIo, routedClient } from './fake.spec-helper.js';

const obj = (kind: string, name: string, namespace?: string): KObject => ({ apiVersion: 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) } });

describe('prepare', () => {
  it('uses the object namespace, else the current one; drops it for cluster-scoped kinds', () => {
    expect(prepare({ source: 'f', object: obj('Pod', 'a', 'prod') }, 'default', undefined).namespace).toBe('prod');
    expect(prepare({ source: 'f', object: obj('Pod', 'a') }, 'dev', undefined).object.metadata.namespace).toBe('dev');
    expect(prepare({ source: 'f', object: obj('Node', 'n', 'x') }, 'dev', undefined).object.metadata).toEqual({ name: 'n' });
  });
  it('refuses an object whose namespace differs from -n, in kubectl\'s words', () => {
    expect(() => prepare({ source: 'f', object: obj('Pod', 'a', 'prod') }, 'dev', 'dev')).toThrow(`the namespace from the provided object "prod" does not match the namespace "dev". You must pass '--namespace=prod' to perform this operation.`);
  });
  it('refuses kinds Wharf does not serve', () => {
    expect(() => prepare({ source: 'd.yaml', object: { ...obj('Deployment', 'd'), apiVersion: 'apps/v1' } }, 'default', undefined)).toThrow(CliError);
  });
});

describe('applyManifests', () => {
  it('creates each object, continues past a failure and exits 1', async () => {
    const { client, calls } = routedClient({ 'POST /api/v1/namespaces/default/services': obj('Service', 's', 'default') });
    const io = captureIo();
    const batch = { manifests: [{ source: 'p.yaml', object: obj('Pod', 'p') }, { source: 's.yaml', object: obj('Service', 's') }], errors: [] };
    expect(await applyManifests(client, batch, 'create', { current: 'default', explicit: undefined }, io)).toBe(1);
    expect(calls).toEqual(['POST /api/v1/namespaces/default/pods', 'POST /api/v1/namespaces/default/services']);
    expect(io.stdout).toBe('service/s created\n');
    expect(io.stderr).toBe('Error from server (NotFound): error when creating "p.yaml": not found: POST /api/v1/namespaces/default/pods\n');
  });
  it('replaces with PUT on the object path', async () => {
    const { client } = routedClient({ 'PUT /api/v1/namespaces/default/replicationcontrollers/ms1': obj('ReplicationController', 'ms1') });
    const io = captureIo();
    expect(await applyManifests(client, { manifests: [{ source: 'rc.yaml', object: obj('ReplicationController', 'ms1') }], errors: [] }, 'replace', { current: 'default', explicit: undefined }, io)).toBe(0);
    expect(io.stdout).toBe('replicationcontroller/ms1 replaced\n');
  });
});
