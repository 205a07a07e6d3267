import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GenericChange, isCreation, isDeletion, type SpecificEventType, watchType } from './events.js';
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
