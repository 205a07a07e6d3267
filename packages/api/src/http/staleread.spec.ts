import { describe, expect, it } from 'vitest';
import { ConflictError, TimeoutError, UnavailableError } from '@wharf/model';
import { staleRead, staleReadWarning } from './staleread.js';

/** An error as the NATS client raises it when no stream leader answers. */
const natsTimeout = () => Object.assign(new Error('TIMEOUT'), { name: 'TimeoutError' });

describe('staleRead', () => {
  it('given a sync that failed with an outage, when the state is loaded, then the read is served with a warning naming its resourceVersion', () => {
    expect(staleRead(natsTimeout(), 42)).toBe(staleReadWarning(42));
    expect(staleRead(new UnavailableError('the event log is temporarily unavailable'), 7)).toMatch(/may be stale: this API server cannot reach a majority of the control plane; .* resourceVersion 7$/);
  });

  it('given an outage before any state was loaded, then the error stands', () => {
    expect(staleRead(natsTimeout(), 0)).toBeUndefined();
  });

  it('given a failure that is not an outage, then the error stands', () => {
    expect(staleRead(new ConflictError('pods', 'p'), 42)).toBeUndefined();
    expect(staleRead(new TimeoutError('the write at sequence 9 was not observed'), 42)).toBeUndefined();
    expect(staleRead(new Error('boom'), 42)).toBeUndefined();
  });
});
