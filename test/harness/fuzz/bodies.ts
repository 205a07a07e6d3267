/**
 * fast-check arbitraries of request bodies: hostile ones that no parser may choke on (deep
 * nesting, alias bombs, prototype keys, oversized, malformed), patch documents of every type,
 * and plausible objects of every kind with fields at and past their bounds.
 */
import fc from 'fast-check';
import { dnsName, intish, PROTO_NAMES, text } from './garbage.js';

const MiB = 1024 * 1024;

/** A body as sent: its text and the Content-Type it is sent with. */
export interface Body {
  text: string;
  type: string;
}

/** The media types a body may be parsed as (JSON family, YAML family). */
export const JSON_TYPES = ['application/json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json'] as const;
/** The YAML media types. */
export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'] as const;
/** Content-Type headers that name no parser, or name one oddly. */
export const ODD_TYPES = ['text/plain', 'application/apply-patch+yaml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/vnd.kubernetes.protobuf', '*/*', 'application/', ';', 'APPLICATION/JSON', 'application/json; charset=utf-16', 'application/json;;x', 'application/yaml; charset=latin1', 'application/json, application/yaml'] as const;

const depth = fc.oneof(fc.integer({ min: 101, max: 3000 }), fc.integer({ min: 3000, max: 1_500_000 }));

/** Text of a JSON body nested past the limit, in one of several shapes. */
const deepJson = fc.tuple(depth, fc.constantFrom('array', 'object', 'mixed', 'strings')).map(([d, shape]) => {
  if (shape === 'array') return '['.repeat(d) + ']'.repeat(d);
  if (shape === 'object') return '{"a":'.repeat(d) + '1' + '}'.repeat(d);
  if (shape === 'strings') return '[" [{\\"",'.repeat(Math.min(d, 200_000)) + '1' + ']'.repeat(Math.min(d, 200_000));
  return '{"a":['.repeat(d >> 1) + '0' + ']}'.repeat(d >> 1);
});

/** Text of a YAML body nested past the limit: flow, compact, explicit-key and indented shapes. */
const deepYaml = fc.tuple(fc.integer({ min: 101, max: 3000 }), fc.constantFrom('flow', 'flowmap', 'compact', 'explicit', 'indented', 'seqmap')).map(([d, shape]) => {
  switch (shape) {
    case 'flow':
      return '['.repeat(d) + ']'.repeat(d);
    case 'flowmap':
      return '{a: '.repeat(d) + '1' + '}'.repeat(d);
    case 'compact':
      return '- '.repeat(d) + 'x\n';
    case 'explicit':
      return '? '.repeat(d) + 'x\n';
    case 'indented':
      return Array.from({ length: Math.min(d, 2400) }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n';
    default:
      return Array.from({ length: Math.min(d, 1200) }, (_, i) => `${' '.repeat(i * 2)}- a:`).join('\n') + ' 1\n';
  }
});

/** Billion laughs and its relatives: many aliases, few aliases that expand a lot, a cycle. */
const aliasBomb = fc.tuple(fc.integer({ min: 4, max: 12 }), fc.integer({ min: 5, max: 12 })).chain(([levels, width]) =>
  fc.constantFrom(
    ['a: &a [x, y, z]', ...Array.from({ length: levels }, (_, i) => `l${i}: &l${i} [${Array(width).fill(i ? `*l${i - 1}` : '*a').join(', ')}]`)].join('\n'),
    'a: &a [*a]\n',
    `${Array.from({ length: 150 }, (_, i) => `k${i}: *a`).join('\n')}\na: &a x\n`,
    'a: &a {b: &b {c: *a}}\n',
  ),
);

/** JSON text of an object with a forbidden key somewhere inside. */
const protoKey = fc.tuple(fc.constantFrom(...PROTO_NAMES.slice(0, 3)), fc.constantFrom('', 'metadata', 'metadata.labels', 'spec', 'spec.containers.0', 'status')).map(([key, at]) => {
  let body = `{"${key}":{"polluted":true}}`;
  for (const part of at.split('.').filter(Boolean).reverse()) body = /^\d+$/.test(part) ? `[${body}]` : `{"${part}":${body}}`;
  return body;
});

/** Bodies the body limits must refuse, with a Content-Type that gets them parsed. */
export const limitBreaking: fc.Arbitrary<Body> = fc.oneof(
  fc.tuple(deepJson, fc.constantFrom(...JSON_TYPES)).map(([t, type]) => ({ text: t, type })),
  fc.tuple(deepYaml, fc.constantFrom(...YAML_TYPES)).map(([t, type]) => ({ text: t, type })),
  fc.tuple(aliasBomb, fc.constantFrom(...YAML_TYPES)).map(([t, type]) => ({ text: t, type })),
  fc.tuple(protoKey, fc.constantFrom(...JSON_TYPES)).map(([t, type]) => ({ text: t, type })),
  fc.tuple(fc.constantFrom(...PROTO_NAMES.slice(0, 3)), fc.constantFrom(...YAML_TYPES)).map(([k, type]) => ({ text: `metadata:\n  labels:\n    ${k}: x\n`, type })),
  fc.constantFrom<Body>(
    { text: `{"a":"${'x'.repeat(3 * MiB)}"}`, type: 'application/json' },
    { text: `[${Array(100_001).fill(0).join(',')}]`, type: 'application/json' },
    { text: 'a: .inf\n', type: 'application/yaml' },
    { text: 'spec: {replicas: .nan}\n', type: 'application/yaml' },
    { text: '- 1\n---\n- 2\n', type: 'application/yaml' },
    { text: 'a: 1\na: 2\n', type: 'application/yaml' },
    { text: '{"kind": "Pod", ', type: 'application/json' },
    { text: 'a: [b', type: 'application/yaml' },
  ),
);

/** Any JSON value, from fast-check's generator, or one of the odd ones. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof({ weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(null, [], {}, '', 0, -1, [null], { metadata: null }, { metadata: [] }, { spec: 'x' }) });

/** Text that is no JSON or YAML object: random strings, scalars, a BOM, NULs. */
export const junkText: fc.Arbitrary<string> = fc.oneof(text, fc.constantFrom('\ufeff{}', '{}\u0000', '\u0000', '[]', '1', '"x"', 'null', 'true', '---', '...', '%YAML 1.1\n---\na: !!binary aGVsbG8=\n', '? [a, b]\n: c\n', '!!js/function x', '{"a":1}{"b":2}'));

/** A JSON patch (RFC 6902) document: operations with odd ops, pointers and values. */
export const jsonPatchOps: fc.Arbitrary<unknown> = fc.array(
  fc.record(
    {
      op: fc.oneof(fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'), fc.constantFrom('_get', 'toString', 'constructor', '', 'ADD'), text),
      path: fc.oneof(fc.constantFrom('', '/', '/metadata/labels/a', '/metadata/labels/~1x', '/spec/containers/-', '/spec/containers/0/image', '/spec/containers/999999999999', '/spec/containers/01', '/spec/replicas', '/metadata/name', '/status', '/a/b/c', '/__proto__/polluted', '/constructor/prototype/x', '/metadata/~0'), text),
      from: fc.constantFrom('/metadata/labels', '/spec', '/metadata', '', '/x', '/spec/containers/0'),
      value: anyJson,
    },
    { requiredKeys: ['op', 'path'] },
  ),
  { maxLength: 4 },
);

/** A merge or strategic merge patch: a random object, null deletions, and strategic directives. */
export const mergePatchDoc: fc.Arbitrary<unknown> = fc.oneof(
  anyJson,
  fc.record({ metadata: fc.option(fc.record({ labels: fc.dictionary(text, fc.oneof(text, fc.constant(null)), { maxKeys: 3 }) }), { nil: undefined }), spec: fc.option(anyJson, { nil: undefined }) }, { requiredKeys: [] }),
  fc.constantFrom(
    { spec: { containers: [{ name: 'c', $patch: 'delete' }] } },
    { spec: { containers: [{ $patch: 'replace' }] } },
    { spec: { $setElementOrder: { containers: [{ name: 'x' }] } } },
    { spec: { containers: [{ name: 'c' }, { name: 'c' }] } },
    { spec: { ports: [{ port: 'x' }] } },
    { spec: { replicas: -1 } },
    { status: { replicas: 1e300 } },
    { metadata: { resourceVersion: '1' } },
    { metadata: { uid: 'other' } },
    { metadata: { name: 'renamed' } },
    { $patch: 'delete' },
  ),
);

/** Usually a value from `valid`, sometimes one from `odd`: most objects pass, many fail on one field. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, odd: fc.Arbitrary<U>): fc.Arbitrary<T | U> => fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: odd });
const small = fc.integer({ min: 0, max: 5 });
const portNumber = mostly(fc.integer({ min: 1, max: 65535 }), intish);

const labels = fc.dictionary(mostly(dnsName, text), mostly(dnsName, text), { maxKeys: 3 });
const port = fc.record({ containerPort: portNumber, hostPort: mostly(fc.constantFrom(0, 8080), intish), protocol: mostly(fc.constantFrom('TCP', 'UDP'), fc.constantFrom('tcp', '', 'SCTP')), name: mostly(dnsName, text) }, { requiredKeys: ['containerPort'] });
const probe = fc.record({ tcpSocket: fc.record({ port: mostly(fc.constantFrom(80, 'http'), intish) }), periodSeconds: mostly(fc.integer({ min: 1, max: 60 }), intish), initialDelaySeconds: mostly(small, intish), failureThreshold: mostly(fc.integer({ min: 1, max: 5 }), intish) }, { requiredKeys: ['tcpSocket'] });
const quantity = mostly(fc.constantFrom('100m', '1', '0.5', '128Mi', '1Gi', 2), fc.oneof(fc.constantFrom('1e400', '-1', 'x', ''), intish));
const container = fc.record(
  {
    name: mostly(dnsName, text),
    image: mostly(fc.constant('wharf.local/busybox:1'), text),
    ports: fc.array(port, { maxLength: 2 }),
    env: fc.array(fc.record({ name: mostly(fc.constantFrom('A', 'B_C', 'd.e'), text), value: text }), { maxLength: 2 }),
    resources: fc.record({ requests: fc.dictionary(mostly(fc.constantFrom('cpu', 'memory'), text), quantity, { maxKeys: 2 }) }),
    livenessProbe: probe,
    command: fc.array(text, { maxLength: 2 }),
  },
  { requiredKeys: ['name', 'image'] },
);
const podSpec = fc.record(
  {
    containers: fc.array(container, { minLength: 1, maxLength: 2 }),
    nodeName: fc.constantFrom('node-1', 'node-1', 'missing-node', 'constructor'),
    terminationGracePeriodSeconds: mostly(fc.constantFrom(0, 1, 30), intish),
    restartPolicy: mostly(fc.constantFrom('Always', 'Never', 'OnFailure'), text),
    volumes: fc.array(fc.oneof(fc.record({ name: dnsName, emptyDir: fc.constant({}) }), fc.record({ name: dnsName, hostPath: fc.record({ path: mostly(fc.constantFrom('/tmp', '/'), text) }) })), { maxLength: 2 }),
    nodeSelector: labels,
    priority: mostly(small, intish),
  },
  { requiredKeys: ['containers'] },
);
const servicePort = fc.record({ port: portNumber, targetPort: mostly(fc.constantFrom(80, 8080, 'http'), intish), nodePort: mostly(fc.integer({ min: 30000, max: 32767 }), intish), name: dnsName, protocol: mostly(fc.constantFrom('TCP', 'UDP'), text) }, { requiredKeys: ['port'] });
const podTemplateRC = fc.tuple(mostly(small, intish), dnsName, podSpec, mostly(fc.constant(true), fc.constant(false)));

/** Plausible specs of each kind (the part after metadata), often valid, often just past a bound. */
const specs: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  Pod: podSpec.map((spec) => ({ spec })),
  ReplicationController: podTemplateRC.map(([replicas, sel, spec, match]) => ({ spec: { replicas, selector: { app: sel }, template: { metadata: { labels: { app: match ? sel : `${sel}x` } }, spec: { ...spec, restartPolicy: 'Always' } } } })),
  Service: fc.record({ type: mostly(fc.constantFrom('ClusterIP', 'NodePort'), text), selector: labels, ports: fc.array(servicePort, { maxLength: 2 }) }, { requiredKeys: [] }).map((spec) => ({ spec })),
  Endpoints: fc.array(fc.record({ addresses: fc.array(fc.record({ ip: mostly(fc.constant('10.0.0.1'), text) }), { maxLength: 2 }), ports: fc.array(fc.record({ port: portNumber }), { maxLength: 2 }) }), { maxLength: 2 }).map((subsets) => ({ subsets })),
  Event: fc.record({ involvedObject: fc.record({ kind: fc.constantFrom('Pod', 'x'), name: dnsName }), reason: text, message: text, count: mostly(small, intish), type: mostly(fc.constantFrom('Normal', 'Warning'), text) }, { requiredKeys: ['involvedObject'] }),
  Node: fc.record({ spec: fc.record({ unschedulable: fc.boolean(), taints: fc.array(fc.record({ key: dnsName, effect: mostly(fc.constantFrom('NoSchedule', 'NoExecute'), text) }), { maxLength: 2 }) }, { requiredKeys: [] }), status: fc.record({ capacity: fc.record({ cpu: quantity, pods: quantity }) }) }, { requiredKeys: [] }),
  Namespace: fc.constant({}),
};

/** A plausible object of `kind` named from `name`, with labels and annotations that may be odd or large. */
export function plausibleObject(kind: string, name: fc.Arbitrary<string>): fc.Arbitrary<Record<string, unknown>> {
  const annotations = fc.oneof({ weight: 20, arbitrary: fc.dictionary(dnsName, text, { maxKeys: 2 }) }, { weight: 1, arbitrary: fc.constantFrom({ big: 'x'.repeat(300 * 1024) }, { 'a\nb': 'x' }, { a: 'x\r\n' }) });
  const unknown = fc.option(fc.tuple(fc.constantFrom('', 'metadata', 'spec'), fc.oneof(dnsName, text, fc.constantFrom('a\nb', 'x"y', 'é', 'a\u0000'))), { freq: 4, nil: undefined });
  return fc.tuple(name, labels, annotations, specs[kind] ?? fc.constant({}), unknown).map(([n, l, a, rest, extra]) => {
    const o: Record<string, unknown> = { apiVersion: 'v1', kind, metadata: { name: n, labels: l, annotations: a }, ...rest };
    // An unknown field, which fieldValidation=Warn reports in a Warning header.
    if (extra) {
      const [at, key] = extra;
      const into = at ? (o[at] as Record<string, unknown> | undefined) : o;
      if (into && typeof into === 'object') into[key] = 1;
    }
    return o;
  });
}
