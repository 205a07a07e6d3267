/** Which append failures the write path rides out (outage.ts). */
import fc from 'fast-check';
import { JetStreamApiError } from '@nats-io/jetstream';
import { jserrors } from '@nats-io/jetstream/internal';
import { NoRespondersError, RequestError, TimeoutError } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';
import { DuplicateAppendError, StaleSequenceError } from './appenderrors.js';
import { isOutage, outagePause, ridingOutages } from './outage.js';

const apiError = (err_code: number, code: number) => new JetStreamApiError({ err_code, code, description: 'x' });

describe('isOutage', () => {
  it('takes an unknown outcome or a log that cannot answer now for an outage', () => {
    for (const e of [new TimeoutError(), new NoRespondersError('s'), new RequestError('lost'), new jserrors.JetStreamNotEnabled('no'), apiError(10008, 503), apiError(10164, 400), new DuplicateAppendError('s', 0, 0)]) expect(isOutage(e), e.name).toBe(true);
  });

  it('takes an answer for an answer: stale, stored already, refused, or anything else', () => {
    for (const e of [new StaleSequenceError('s', 1), new DuplicateAppendError('s', 0, 7), apiError(10071, 400), apiError(10059, 404), new Error('boom')]) expect(isOutage(e), e.name).toBe(false);
  });
});

describe('outagePause', () => {
  it('starts near 25-50 ms, doubles, and never passes 500 ms', () => {
    fc.assert(
      fc.property(fc.nat(40), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const p = outagePause(attempt, r);
        expect(p).toBeGreaterThanOrEqual(25);
        expect(p).toBeLessThanOrEqual(500);
        expect(outagePause(attempt + 1, r)).toBeGreaterThanOrEqual(p);
      }),
    );
  });
});

describe('ridingOutages', () => {
  it('asks again through outages until an answer, and lets any other error through at once', async () => {
    let calls = 0;
    await expect(ridingOutages(async () => (++calls < 3 ? Promise.reject(new TimeoutError()) : 'answer'))).resolves.toBe('answer');
    expect(calls).toBe(3);
    await expect(ridingOutages(() => Promise.reject(new StaleSequenceError('s', 1)))).rejects.toBeInstanceOf(StaleSequenceError);
  });

  it('gives up with the outage once the budget is spent', async () => {
    await expect(ridingOutages(() => Promise.reject(new TimeoutError()), 0)).rejects.toBeInstanceOf(TimeoutError);
  });
});
