import { describe, expect, it } from 'vitest';
import { decode, fieldPath } from './decode.js';
import { InvalidError, type StatusCause } from './errors.js';
import { mustKind } from './kinds.js';
import type { Pod } from './schemas/pod.js';

const Pod_ = mustKind('Pod');
const podBody = (container: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web' },
  spec: { containers: [{ name: 'app', image: 'nginx', ...container }] },
  ...extra,
});

/** The InvalidError a decode throws. */
function invalid(f: () => unknown): InvalidError {
  try {
    f();
  } catch (e) {
    if (e instanceof InvalidError) return e;
    throw e;
  }
  throw new Error('expected an InvalidError');
}

const causes = (f: () => unknown): StatusCause[] => invalid(f).causes;

describe('fieldPath', () => {
  it.each<[PropertyKey[], string]>([
    [[], ''],
    [['spec'], 'spec'],
    [['spec', 'containers', 0, 'image'], 'spec.containers[0].image'],
    [['spec', 'ports', 1], 'spec.ports[1]'],
    [['a', 0, 1, 'b'], 'a[0][1].b'],
    [[0, 'name'], '[0].name'],
  ])('given the path %j, names the field %j as Kubernetes does', (path, field) => {
    expect(fieldPath(path)).toBe(field);
  });
});

describe('decode', () => {
  it('given a valid pod, returns it typed and without warnings', () => {
    const { object, warnings } = decode<Pod>(Pod_, podBody({}));
    expect(object.spec.containers[0]!.image).toBe('nginx');
    expect(warnings).toEqual([]);
  });

  it('given a container without an image, throws a 422 Invalid naming spec.containers[0].image as required', () => {
    const e = invalid(() => decode(Pod_, podBody({ image: undefined })));
    expect(e.code).toBe(422);
    expect(e.reason).toBe('Invalid');
    expect(e.details).toMatchObject({ kind: 'Pod', name: 'web' });
    expect(e.causes).toEqual([{ reason: 'FieldValueRequired', field: 'spec.containers[0].image', message: 'Required value' }]);
    expect(e.message).toBe('Pod "web" is invalid: spec.containers[0].image: Required value');
  });

  it('given a value of the wrong type, reports FieldValueTypeInvalid at its path', () => {
    expect(causes(() => decode(Pod_, podBody({ ports: [{ containerPort: '80' }] })))).toEqual([
      { reason: 'FieldValueTypeInvalid', field: 'spec.containers[0].ports[0].containerPort', message: expect.stringContaining('expected number') },
    ]);
  });

  it('given several bad fields, reports every one of them, in one error', () => {
    const e = invalid(() => decode(Pod_, podBody({ name: 'App_1', ports: [{ containerPort: 0 }] })));
    expect(e.causes.map((c) => c.field)).toEqual(['spec.containers[0].name', 'spec.containers[0].ports[0].containerPort']);
    expect(e.message).toMatch(/^Pod "web" is invalid: spec\.containers\[0\]\.name: .*, spec\.containers\[0\]\.ports\[0\]\.containerPort: must be between 1 and 65535, inclusive$/);
  });

  it('given a malformed quantity, reports it at its resource', () => {
    expect(causes(() => decode(Pod_, podBody({ resources: { requests: { cpu: 'lots' } } })))).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.containers[0].resources.requests.cpu', message: expect.stringContaining('quantities must be') }]);
  });

  it('given a negative quantity, reports it at its resource: a negative request would make room on a full node', () => {
    expect(causes(() => decode(Pod_, podBody({ resources: { requests: { cpu: '-4', memory: '-1Gi' } } }))).map((c) => c.field)).toEqual(['spec.containers[0].resources.requests.cpu', 'spec.containers[0].resources.requests.memory']);
  });

  it('given a probe with two handlers, reports the probe itself', () => {
    expect(causes(() => decode(Pod_, podBody({ livenessProbe: { httpGet: { port: 80 }, exec: { command: ['true'] } } })))).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.containers[0].livenessProbe', message: 'must specify exactly one of httpGet, tcpSocket or exec' },
    ]);
  });

  it('given a value no branch of a union accepts, names the field inside the union', () => {
    expect(causes(() => decode(Pod_, podBody({ livenessProbe: { tcpSocket: { port: '' } } })))[0]!.field).toBe('spec.containers[0].livenessProbe.tcpSocket.port');
  });

  it('given a wrong apiVersion or no body at all, reports it at the root', () => {
    expect(causes(() => decode(Pod_, podBody({}, { apiVersion: 'v2' })))).toEqual([{ reason: 'FieldValueInvalid', field: 'apiVersion', message: 'apiVersion must be "v1" for kind Pod' }]);
    const e = invalid(() => decode(Pod_, null));
    expect(e.causes[0]).toMatchObject({ reason: 'FieldValueTypeInvalid', field: '<root>' });
    expect(e.details?.name).toBe('');
  });
});

describe('decode with fieldValidation', () => {
  const typo = podBody({ imagee: 'nginx:2' }, { extra: true });

  it('given Strict (the default), rejects unknown fields as FieldValueNotSupported', () => {
    const found = causes(() => decode(Pod_, typo));
    expect(found).toHaveLength(2);
    expect(found).toEqual(
      expect.arrayContaining([
        { reason: 'FieldValueNotSupported', field: 'extra', message: 'unknown field "extra"' },
        { reason: 'FieldValueNotSupported', field: 'spec.containers[0].imagee', message: 'unknown field "spec.containers[0].imagee"' },
      ]),
    );
  });

  it('given Warn, drops unknown fields at any depth and warns about each one', () => {
    const { object, warnings } = decode<Pod>(Pod_, typo, 'Warn');
    expect(object).not.toHaveProperty('extra');
    expect(object.spec.containers[0]).toEqual({ name: 'app', image: 'nginx' });
    expect([...warnings].sort()).toEqual(['unknown field "extra"', 'unknown field "spec.containers[0].imagee"']);
  });

  it('given Warn, leaves the caller\'s body as it was', () => {
    const body = structuredClone(typo);
    decode(Pod_, body, 'Warn');
    expect(body).toEqual(typo);
  });

  it('given Warn and a field that is invalid, not just unknown, still rejects the object and names both', () => {
    expect(causes(() => decode(Pod_, podBody({ imagee: 'x', name: 'App' }), 'Warn')).map((c) => c.reason).sort()).toEqual(['FieldValueInvalid', 'FieldValueNotSupported']);
  });

  it('given Ignore, drops unknown fields silently, as Kubernetes does', () => {
    const { object, warnings } = decode<Pod>(Pod_, typo, 'Ignore');
    expect(object.spec.containers[0]).toEqual({ name: 'app', image: 'nginx' });
    expect(warnings).toEqual([]);
  });
});
