import { describe, expect, it } from 'vitest';
import type { Pod, Stored } from '@wharf/model';
import { planFeed } from './plan.js';

const pod = (rv: number, nodeName?: string): Stored<Pod> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', resourceVersion: String(rv) },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...(nodeName ? { nodeName } : {}) },
});

describe('planFeed', () => {
  it('given a bound pod not on its feed yet, puts it', () => {
    expect(planFeed(pod(7, 'n1'), [], 9)).toEqual({ put: { node: 'n1', pod: pod(7, 'n1') }, remove: [] });
  });
  it('given the feed already at this version, does nothing (idempotent)', () => {
    expect(planFeed(pod(7, 'n1'), [{ node: 'n1', resourceVersion: 7 }], 9)).toEqual({ remove: [] });
  });
  it('given a newer version, puts it again', () => {
    expect(planFeed(pod(8, 'n1'), [{ node: 'n1', resourceVersion: 7 }], 9).put?.node).toBe('n1');
  });
  it('given a deleted pod, tombstones every copy with the state sequence', () => {
    expect(planFeed(undefined, [{ node: 'n1', resourceVersion: 7 }, { node: 'n2', resourceVersion: 3 }], 12).remove).toEqual([
      { node: 'n1', resourceVersion: 12 },
      { node: 'n2', resourceVersion: 12 },
    ]);
  });
  it('given a pod now on another node, moves it', () => {
    expect(planFeed(pod(9, 'n2'), [{ node: 'n1', resourceVersion: 7 }], 12)).toEqual({ put: { node: 'n2', pod: pod(9, 'n2') }, remove: [{ node: 'n1', resourceVersion: 9 }] });
  });
  it('given a projection behind the feed, never writes an older tombstone', () => {
    expect(planFeed(undefined, [{ node: 'n1', resourceVersion: 20 }], 12).remove).toEqual([]);
  });
  it('given an unbound pod, puts nothing', () => {
    expect(planFeed(pod(3), [], 5)).toEqual({ remove: [] });
  });
});
