/** When a KvFollow takes its watch's consumer for possibly gone (kvfollow.ts). */
import fc from 'fast-check';
import type { KvStatus } from '@nats-io/kv';
import { describe, expect, it } from 'vitest';
import { describePlacement, mayHaveLostConsumer, PEER_GONE_AFTER_MS, type Placement, placementOf } from './kvfollow.js';

type Replica = { name: string; current: boolean; offline?: boolean; active: number };
const status = (cluster?: { leader?: string; replicas?: Replica[] }): Pick<KvStatus, 'streamInfo'> => ({ streamInfo: { cluster } as KvStatus['streamInfo'] });
const ms = (n: number) => n * 1e6;
const live = (name: string): Replica => ({ name, current: true, active: ms(400) });

describe('placementOf', () => {
  it('names the leader and the peers gone: offline, or not current and unheard for longer than PEER_GONE_AFTER_MS', () => {
    expect(placementOf(status())).toEqual({ leader: undefined, gone: [] });
    expect(placementOf(status({ leader: 'n0', replicas: [live('n1'), live('n2')] }))).toEqual({ leader: 'n0', gone: [] });
    // A killed follower: the leader stops hearing it, and much later calls it offline.
    const unheard = { name: 'n2', current: false, active: ms(PEER_GONE_AFTER_MS + 1) };
    const lagging = { name: 'n2', current: false, active: ms(PEER_GONE_AFTER_MS - 1) };
    expect(placementOf(status({ leader: 'n1', replicas: [unheard, { ...live('n0'), offline: true }] }))).toEqual({ leader: 'n1', gone: ['n0', 'n2'] });
    expect(placementOf(status({ leader: 'n1', replicas: [lagging, live('n0')] }))).toEqual({ leader: 'n1', gone: [] });
    expect(describePlacement({ leader: 'n1', gone: ['n0'] })).toBe('leader n1, n0 not answering');
    expect(describePlacement({ leader: undefined, gone: [] })).toBe('no leader');
  });
});

describe('mayHaveLostConsumer', () => {
  const names = ['n0', 'n1', 'n2', 'n3', 'n4'];
  const placement: fc.Arbitrary<Placement> = fc.record({ leader: fc.option(fc.constantFrom(...names), { nil: undefined }), gone: fc.subarray(names) });

  it('is true exactly when the leader changed or a peer went', () => {
    fc.assert(
      fc.property(placement, placement, (a, b) => {
        const went = b.gone.filter((p) => !a.gone.includes(p));
        expect(mayHaveLostConsumer(a, b)).toBe(a.leader !== b.leader || went.length > 0);
      }),
    );
  });

  it('is false for the same placement, and for a peer coming back', () => {
    fc.assert(fc.property(placement, (a) => !mayHaveLostConsumer(a, { ...a, gone: [...a.gone] })));
    expect(mayHaveLostConsumer({ leader: 'n1', gone: ['n0'] }, { leader: 'n1', gone: [] })).toBe(false);
    expect(mayHaveLostConsumer({ leader: 'n1', gone: [] }, { leader: 'n1', gone: ['n0'] })).toBe(true);
    expect(mayHaveLostConsumer({ leader: 'n0', gone: [] }, { leader: 'n1', gone: ['n0'] })).toBe(true);
  });
});
