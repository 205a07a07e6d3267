import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEvent, isCorrupt, MAX_EVENT_DEPTH } from './eventgate.js';
import type { StoredEvent } from './events.js';
import { corruptEntry, matchesAudit } from './history/entry.js';
import { emptyState, evolve, getObject } from './state.js';
import { encodeToken } from './subjects.js';

const enc = new TextEncoder();
const bytes = (v: unknown) => enc.encode(typeof v === 'string' ? v : JSON.stringify(v));
const podSubject = (name: string, ns = 'default') => `wharf.c1.obj.pod.${ns}.${name}`;
const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: 'u-1', labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'wharf.local/busybox:1' }] },
  ...extra,
});
const event = (type: string, data: unknown, metadata: unknown = { actor: 'admin', time: '2025-01-01T10:00:00Z' }) => ({ type, data, metadata });
/** The reason the gate gives, or 'valid'. */
const verdict = (v: unknown, subject = podSubject('web')) => {
  const d = decodeEvent(bytes(v), 7, subject);
  return isCorrupt(d) ? d.reason : 'valid';
};

describe('the gate of the log (decodeEvent)', () => {
  it('given a valid event, when decoded, then it is the parsed event with its sequence and subject', () => {
    const d = decodeEvent(bytes(event('PodCreated', pod('web'))), 7, podSubject('web'));
    expect(isCorrupt(d)).toBe(false);
    expect(d).toMatchObject({ type: 'PodCreated', seq: 7, subject: podSubject('web'), data: { metadata: { name: 'web' } } });
  });

  it('sets aside bytes that are not JSON, and JSON that is not an object, without throwing', () => {
    expect(verdict('\u0000\u00ff{junk')).toMatch(/^not JSON: /);
    expect(decodeEvent(new Uint8Array([0xff, 0xfe, 0x00, 0x7b]), 3, podSubject('web'))).toMatchObject({ type: 'CorruptEvent', seq: 3, subject: podSubject('web') });
    expect(verdict('')).toMatch(/^not JSON/);
    expect(verdict([1, 2])).toBe('not an event: the message is an array, not an object');
    expect(verdict('42')).toBe('not an event: the message is a number, not an object');
    expect(verdict('null')).toBe('not an event: the message is null, not an object');
    expect(verdict('"PodCreated"')).toBe('not an event: the message is a string, not an object');
  });

  it('sets aside JSON nested deeper than a reader can serve, wherever the schema does not bound it', () => {
    const deepText = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const deep = (n: number) => JSON.parse(deepText(n)) as unknown;
    const ok = event('PodCreated', pod('web'));
    // Deep enough to overflow JSON.stringify's stack (so written as text): parsed, then set aside.
    expect(verdict(JSON.stringify(ok).slice(0, -1) + `,"x":${deepText(100_000)}}`)).toBe('not an event: x nests deeper than 64 levels in all');
    expect(verdict({ ...ok, metadata: { actor: 'a', time: 't', note: deep(MAX_EVENT_DEPTH) } })).toMatch(/note nests deeper/);
    expect(verdict(event('PodCreated', pod('web', { futureField: deep(MAX_EVENT_DEPTH) })))).toBe('not an event: data.futureField nests deeper than 64 levels in all');
    expect(verdict(event('PodCreated', { ...pod('web'), spec: { containers: [{ name: 'c', image: 'i', x: deep(70) }] } }))).toMatch(/data.spec.containers\[0\].x nests deeper/);
    expect(verdict(event('PodCreated', { ...pod('web'), metadata: { name: 'web', namespace: 'default', managedFields: [deep(70)] } }))).toMatch(/data.metadata.managedFields nests deeper/);
    // Within the bound, unknown fields are kept (a newer writer's), and strings never count.
    expect(verdict(event('PodCreated', pod('web', { futureField: deep(MAX_EVENT_DEPTH - 3) })))).toBe('valid');
    expect(verdict(event('PodCreated', pod('web', { s: '[[[[{{{{'.repeat(1000) })))).toBe('valid');
  });

  it('sets aside an unknown event type, and a type of another kind', () => {
    expect(verdict(event('PodTeleported', pod('web')))).toBe('unknown event type "PodTeleported" for kind Pod');
    expect(verdict(event('NodeCordoned', pod('web')))).toBe('unknown event type "NodeCordoned" for kind Pod');
    expect(verdict(event('CorruptEvent', pod('web')))).toMatch(/unknown event type "CorruptEvent"/);
    expect(verdict({ data: pod('web'), metadata: { actor: 'a', time: 't' } })).toMatch(/"type" is missing/);
  });

  it('sets aside an envelope without actor and time, or with a cause that is no sequence', () => {
    expect(verdict({ type: 'PodCreated', data: pod('web') })).toMatch(/"metadata" is missing/);
    expect(verdict(event('PodCreated', pod('web'), { time: 't' }))).toBe('metadata.actor is missing or not a string');
    expect(verdict(event('PodCreated', pod('web'), { actor: 'a', time: 5 }))).toBe('metadata.time is missing or not a string');
    expect(verdict(event('PodCreated', pod('web'), { actor: 'a', time: 't', cause: '12' }))).toBe('metadata.cause is not a sequence number');
    expect(verdict(event('PodCreated', pod('web'), { actor: 'a', time: 't', cause: 12, reason: 'scaled' }))).toBe('valid');
  });

  it('sets aside an object that is not the one its subject names', () => {
    expect(verdict(event('PodCreated', 'web'))).toBe('not an event: "data" is a string, not an object');
    expect(verdict(event('PodCreated', { ...pod('web'), kind: 'Service' }))).toMatch(/data.kind "Service" does not match the subject's kind Pod/);
    expect(verdict(event('PodCreated', { ...pod('web'), metadata: { namespace: 'default' } }))).toBe('data.metadata.name is missing or empty');
    expect(verdict(event('PodCreated', { ...pod('web'), metadata: { name: '', namespace: 'default' } }))).toBe('data.metadata.name is missing or empty');
    expect(verdict(event('PodCreated', { ...pod('web'), metadata: { name: 'web' } }))).toBe('data.metadata.namespace must be set for kind Pod');
    expect(verdict(event('PodCreated', pod('other')))).toMatch(/the object Pod default\/other does not belong on subject/);
    expect(verdict(event('PodCreated', pod('web')), podSubject('web', 'kube-system'))).toMatch(/does not belong/);
    expect(verdict(event('PodCreated', pod('web')), 'wharf.c1.obj.gadget.default.web')).toMatch(/names no object of a known kind/);
    expect(verdict(event('PodCreated', pod('web')), 'wharf.c1.obj.pod.web')).toMatch(/names no object of a known kind/);
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', namespace: 'default' } };
    expect(verdict(event('NodeRegistered', node), 'wharf.c1.obj.node._.n1')).toBe('data.metadata.namespace must be empty for kind Node');
    expect(verdict(event('NodeRegistered', { ...node, metadata: { name: 'n1' } }), 'wharf.c1.obj.node._.n1')).toBe('valid');
    // Names are encoded into subject tokens: web.1 lives on web_2e1.
    expect(verdict(event('PodCreated', pod('web.1')), podSubject('web_2e1'))).toBe('valid');
    expect(verdict(event('PodCreated', pod('web.1')), podSubject('web.1'))).toMatch(/names no object|does not belong/);
  });

  it('sets aside data of the wrong shape for its kind, but not data that only breaks admission rules', () => {
    expect(verdict(event('PodCreated', { ...pod('web'), spec: { containers: 'nginx' } }))).toBe('data does not fit the Pod schema: spec.containers: Invalid input: expected array, received string');
    expect(verdict(event('PodCreated', { ...pod('web'), spec: {} }))).toMatch(/spec.containers: Invalid input: expected array, received undefined/);
    const status = { phase: 'Running', containerStatuses: [{ name: 'c', ready: true, restartCount: '3', image: 'i', state: {} }] };
    expect(verdict(event('PodStatusUpdated', { ...pod('web'), status }))).toMatch(/status.containerStatuses\[0\].restartCount/);
    expect(verdict(event('PodCreated', { ...pod('web'), spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: { m: 1 } } } }] } }))).toMatch(/requests.cpu/);
    // Rules tighten over time; the log stays readable: unknown fields, bounds, formats and enums pass.
    expect(verdict(event('PodCreated', pod('web', { futureField: { x: 1 } })))).toBe('valid');
    expect(verdict(event('PodCreated', { ...pod('web'), spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 70_000 }] }] } }))).toBe('valid');
    expect(verdict(event('PodCreated', { ...pod('web'), metadata: { name: 'web', namespace: 'default', labels: { 'not a key!': 'v' } } }))).toBe('valid');
    expect(verdict(event('PodStatusUpdated', { ...pod('web'), status: { phase: 'Teleporting' } }))).toBe('valid');
    expect(verdict(event('PodCreated', { ...pod('web'), spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: 'lots' } } }] } }))).toBe('valid');
  });

  it('keeps reasons to one bounded line', () => {
    const d = decodeEvent(bytes(event('X'.repeat(5000), pod('web'))), 1, podSubject('web'));
    expect(isCorrupt(d) && d.reason.length).toBeLessThanOrEqual(300);
    expect(isCorrupt(d) && d.reason).not.toMatch(/\n/);
    const binary = decodeEvent(new Uint8Array([0x01, 0x1b, 0x5b, 0x32, 0x4a, 0xff]), 1, podSubject('web'));
    expect(isCorrupt(binary) && [...binary.reason].every((ch) => ch >= ' ' && ch !== '\ufffd')).toBe(true);
  });

  it('given decoded messages, when the fold is given the valid ones and the sequence read, then corrupt ones are as if they were not there', () => {
    const good = decodeEvent(bytes(event('PodCreated', pod('web'))), 1, podSubject('web'));
    const bad = decodeEvent(bytes(event('PodReplaced', { ...pod('web'), spec: { containers: 'x' } })), 2, podSubject('web'));
    expect(isCorrupt(good) || !isCorrupt(bad)).toBe(false);
    const { state, changes } = evolve(emptyState(), [good].filter((d) => !isCorrupt(d)) as never, 2);
    expect(state.seq).toBe(2);
    expect(changes).toHaveLength(1);
    expect(getObject(state, 'Pod', 'default', 'web')?.metadata.resourceVersion).toBe('1');
    expect(evolve(state, [], 9).state.seq).toBe(9);
  });

  it('gives a corrupt message an audit entry named after its subject, which audit filters treat by place, not time or actor', () => {
    const c = decodeEvent(bytes('junk'), 12, podSubject('web_2e1', 'team-a'));
    if (!isCorrupt(c)) throw new Error('expected a corrupt message');
    expect(corruptEntry(c)).toMatchObject({ revision: 12, type: 'CorruptEvent', kind: 'Pod', namespace: 'team-a', name: 'web.1', subject: podSubject('web_2e1', 'team-a'), actor: '', time: '' });
    expect(corruptEntry(c).reason).toMatch(/^not JSON/);
    expect(matchesAudit(c, { kind: 'Pod', namespace: 'team-a', sinceTime: 0, untilTime: 1 })).toBe(true);
    expect(matchesAudit(c, { fromRevision: 13 })).toBe(false);
    expect(matchesAudit(c, { actor: 'admin' })).toBe(false);
    expect(matchesAudit(c, { types: ['PodCreated'] })).toBe(false);
    expect(matchesAudit(c, { types: ['CorruptEvent'] })).toBe(true);
  });
});

describe('decodeEvent round trip', () => {
  const event: StoredEvent = {
    type: 'PodBound',
    data: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', resourceVersion: '7' }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'i' }] } },
    metadata: { actor: 'system:scheduler', time: '2025-01-01T00:00:00Z', cause: 6, reason: 'fits node-1' },
  };

  it('given the bytes of an appended event, returns it with its sequence and subject', () => {
    expect(decodeEvent(bytes(event), 7, 'wharf.dev.obj.pod.default.web')).toEqual({ ...event, seq: 7, subject: 'wharf.dev.obj.pod.default.web' });
  });

  it('given UTF-8 text in the object, decodes it', () => {
    const e = { ...event, metadata: { ...event.metadata, reason: 'détruit — 削除' } };
    const d = decodeEvent(bytes(e), 1, 'wharf.dev.obj.pod.default.web');
    expect(!isCorrupt(d) && d.metadata.reason).toBe('détruit — 削除');
  });

  it.each(['', '{', '{"type":"PodCreated",', 'not json', '\u0000'])('given the malformed message %j, sets it aside instead of throwing', (text) => {
    expect(decodeEvent(bytes(text), 1, 's')).toMatchObject({ type: 'CorruptEvent', seq: 1, subject: 's', reason: expect.stringMatching(/^not JSON/) });
  });

  it.each(['null', '42', '"PodCreated"', 'true'])('given JSON that is no object (%s), sets it aside', (text) => {
    expect(decodeEvent(bytes(text), 1, 's')).toMatchObject({ type: 'CorruptEvent', reason: expect.stringMatching(/^not an event/) });
  });

  it('property: decoding what was appended on the subject of its object gives the event back, plus where it was read', () => {
    const stored = fc.record({
      type: fc.constantFrom('PodCreated', 'PodBound', 'PodDeleted'),
      name: fc.string({ minLength: 1 }),
      namespace: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
      labels: fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
      metadata: fc.record({ actor: fc.string(), time: fc.constant('2025-01-01T00:00:00Z'), cause: fc.integer({ min: 1 }) }, { requiredKeys: ['actor', 'time'] }),
    });
    fc.assert(
      fc.property(stored, fc.nat(), (g, seq) => {
        const e = { type: g.type, data: { apiVersion: 'v1', kind: 'Pod', metadata: { name: g.name, namespace: g.namespace, labels: g.labels }, spec: { containers: [{ name: 'c', image: 'i' }] } }, metadata: g.metadata };
        const subject = `wharf.dev.obj.pod.${encodeToken(g.namespace)}.${encodeToken(g.name)}`;
        expect(decodeEvent(bytes(e), seq, subject)).toEqual({ ...e, seq, subject });
      }),
      { numRuns: 200 },
    );
  });
});
