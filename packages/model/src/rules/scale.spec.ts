import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidError } from '../errors.js';
import { type ScalableController, scaleOf, scaleTo } from './scale.js';

const rc: ScalableController = {
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name: 'web', namespace: 'default', uid: 'u', resourceVersion: '12', generation: 3, creationTimestamp: '2025-01-01T10:00:00Z', labels: { app: 'web' } },
  spec: { replicas: 3, selector: { app: 'web', tier: 'front' } },
  status: { replicas: 2 },
};

describe('the Scale subresource', () => {
  it('given a controller, shows its desired and observed replicas and its selector', () => {
    expect(scaleOf(rc)).toEqual({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'web', namespace: 'default', uid: 'u', resourceVersion: '12', creationTimestamp: '2025-01-01T10:00:00Z' },
      spec: { replicas: 3 },
      status: { replicas: 2, selector: 'app=web,tier=front' },
    });
    expect(scaleOf({ ...rc, spec: {}, status: undefined }).spec.replicas).toBe(0);
  });

  it('given a new count, scales: ReplicationControllerScaled, generation moved on, the change as the reason', () => {
    const d = scaleTo(rc, { replicas: 5 });
    expect(d).toMatchObject({ type: 'ReplicationControllerScaled', reason: 'scaled from 3 to 5', object: { spec: { replicas: 5 }, metadata: { generation: 4 } } });
    expect(d!.object.metadata.labels).toEqual({ app: 'web' });
  });

  it('given the count it has, writes nothing', () => {
    expect(scaleTo(rc, { replicas: 3 })).toBeUndefined();
  });

  it('given a count that is not an int32 of at least 0, refuses with 422 Invalid naming spec.replicas before looking at versions', () => {
    for (const replicas of [-1, 1.5, '3', undefined, null, 2 ** 31, 1e300]) expect(() => scaleTo(rc, { replicas, resourceVersion: '1' })).toThrow(InvalidError);
  });

  it('given a pinned resourceVersion, scales only the version it names', () => {
    expect(() => scaleTo(rc, { replicas: 5, resourceVersion: '11' })).toThrow(ConflictError);
    expect(scaleTo(rc, { replicas: 5, resourceVersion: '12' })?.type).toBe('ReplicationControllerScaled');
  });
});
