import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GenericChange, isCreation, isDeletion, parseEvent, type SpecificEventType, type StoredEvent, watchType } from './events.js';
import { KINDS } from './kinds.js';

const changes: GenericChange[] = ['Created', 'Replaced', 'StatusUpdated', 'DeletionRequested', 'Deleted'];
const specific: SpecificEventType[] = ['PodBound', 'PodScheduleFailed', 'PodAdopted', 'PodReleased', 'ReplicationControllerScaled', 'NodeRegistered', 'NodeCordoned', 'NodeUncordoned', 'NodeReadinessChanged', 'EndpointsUpdated'];
const expected: Record<GenericChange, 'ADDED' | 'MODIFIED' | 'DELETED'> = { Created: 'ADDED', Replaced: 'MODIFIED', StatusUpdated: 'MODIFIED', DeletionRequested: 'MODIFIED', Deleted: 'DELETED' };

describe('event types', () => {
  for (const { kind } of KINDS) {
    it(`given each generic change of a ${kind}, creates on Created, deletes on Deleted and modifies otherwise`, () => {
      for (const change of changes) {
        const type = `${kind}${change}`;
        expect({ type, created: isCreation(type), deleted: isDeletion(type), watch: watchType(type) }).toEqual({
          type,
          created: change === 'Created',
          deleted: change === 'Deleted',
          watch: expected[change],
        });
      }
    });
  }

  it('given a deletion that was only requested (graceful), neither removes the object nor creates it', () => {
    expect(isDeletion('PodDeletionRequested')).toBe(false);
    expect(isCreation('PodDeletionRequested')).toBe(false);
    expect(watchType('PodDeletionRequested')).toBe('MODIFIED');
  });

  it('given NodeRegistered, counts it as the node\'s creation (ADDED)', () => {
    expect(isCreation('NodeRegistered')).toBe(true);
    expect(watchType('NodeRegistered')).toBe('ADDED');
  });

  it.each(specific.filter((t) => t !== 'NodeRegistered'))('given the decision %s, reports a MODIFIED object', (type) => {
    expect(isCreation(type)).toBe(false);
    expect(isDeletion(type)).toBe(false);
    expect(watchType(type)).toBe('MODIFIED');
  });

  it('property: no event type both creates and deletes, and watchType agrees with the two', () => {
    const type = fc.oneof(fc.string(), fc.tuple(fc.string(), fc.constantFrom(...changes)).map(([k, c]) => k + c), fc.constantFrom(...specific));
    fc.assert(
      fc.property(type, (t) => {
        expect(isCreation(t) && isDeletion(t)).toBe(false);
        expect(watchType(t)).toBe(isCreation(t) ? 'ADDED' : isDeletion(t) ? 'DELETED' : 'MODIFIED');
      }),
      { numRuns: 300 },
    );
  });
});

const bytes = (s: string) => new TextEncoder().encode(s);

describe('parseEvent', () => {
  const event: StoredEvent = {
    type: 'PodBound',
    data: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', resourceVersion: '7' }, spec: { nodeName: 'node-1' } },
    metadata: { actor: 'system:scheduler', time: '2025-01-01T00:00:00Z', cause: 6, reason: 'fits node-1' },
  };

  it('given the bytes of an appended event, returns it with its sequence and subject', () => {
    expect(parseEvent(bytes(JSON.stringify(event)), 7, 'wharf.dev.obj.pod.default.web')).toEqual({ ...event, seq: 7, subject: 'wharf.dev.obj.pod.default.web' });
  });

  it('given UTF-8 text in the object, decodes it', () => {
    const e = { ...event, metadata: { ...event.metadata, reason: 'détruit — 削除' } };
    expect(parseEvent(bytes(JSON.stringify(e)), 1, 's').metadata.reason).toBe('détruit — 削除');
  });

  it.each(['', '{', '{"type":"PodCreated",', 'not json', '\u0000'])('given the malformed message %j, throws a SyntaxError', (text) => {
    expect(() => parseEvent(bytes(text), 1, 's')).toThrow(SyntaxError);
  });

  it.each(['null', '42', '"PodCreated"', 'true'])('given JSON that is no object (%s), throws', (text) => {
    expect(() => parseEvent(bytes(text), 1, 's')).toThrow(TypeError);
  });

  it('property: parsing what was appended gives the event back, plus where it was read', () => {
    const stored = fc.record({
      type: fc.constantFrom('PodCreated', 'PodBound', 'ServiceDeleted'),
      data: fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Pod'), metadata: fc.record({ name: fc.string(), labels: fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), fc.string(), { maxKeys: 3 }) }) }),
      metadata: fc.record({ actor: fc.string(), time: fc.constant('2025-01-01T00:00:00Z'), cause: fc.nat() }, { requiredKeys: ['actor', 'time'] }),
    });
    fc.assert(
      fc.property(stored, fc.nat(), fc.string(), (e, seq, subject) => {
        expect(parseEvent(bytes(JSON.stringify(e)), seq, subject)).toEqual({ ...e, seq, subject });
      }),
      { numRuns: 100 },
    );
  });
});
