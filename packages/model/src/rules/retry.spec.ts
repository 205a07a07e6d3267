import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidError, NotFoundError } from '../errors.js';
import { backoffDelay, DEFAULT_RETRY, retryOnConflict, type RetryOptions } from './retry.js';

/** A step that fails with `errors` in turn, then returns 'done'; and the pauses it was given. */
function scripted(errors: unknown[]) {
  const attempts: number[] = [];
  const pauses: number[] = [];
  const step = async (attempt: number) => {
    attempts.push(attempt);
    if (attempt < errors.length) throw errors[attempt];
    return 'done';
  };
  const opts: RetryOptions = { sleep: async (ms) => void pauses.push(ms), random: () => 0 };
  return { step, attempts, pauses, opts };
}

const conflict = () => new ConflictError('pods', 'p');

describe('retryOnConflict', () => {
  it('given a step that succeeds, runs it once and never pauses', async () => {
    const s = scripted([]);
    await expect(retryOnConflict(s.step, s.opts)).resolves.toBe('done');
    expect(s.attempts).toEqual([0]);
    expect(s.pauses).toEqual([]);
  });

  it('given two lost races, reads again each time and succeeds on the third attempt after growing pauses', async () => {
    const s = scripted([conflict(), conflict()]);
    await expect(retryOnConflict(s.step, s.opts)).resolves.toBe('done');
    expect(s.attempts).toEqual([0, 1, 2]);
    expect(s.pauses).toEqual([5, 10]);
  });

  it('given a step that always conflicts, gives up after DEFAULT_RETRY.steps attempts with the last error', async () => {
    const errors = Array.from({ length: 20 }, conflict);
    const s = scripted(errors);
    await expect(retryOnConflict(s.step, s.opts)).rejects.toBe(errors[DEFAULT_RETRY.steps - 1]);
    expect(s.attempts).toHaveLength(DEFAULT_RETRY.steps);
    expect(s.pauses).toEqual([5, 10, 20, 40, 80, 100, 100]);
  });

  it('given an error that is not a conflict, throws it at once', async () => {
    for (const e of [new NotFoundError('pods', 'p'), new InvalidError('Pod', 'p', []), new TypeError('bug')]) {
      const s = scripted([e]);
      await expect(retryOnConflict(s.step, s.opts)).rejects.toBe(e);
      expect(s.attempts).toEqual([0]);
    }
  });

  it('given a caller that says which errors are races, retries only those: a failed precondition (ConflictError) is final', async () => {
    class Race extends Error {}
    const precondition = new ConflictError('pods', 'p', 'Precondition failed');
    const s = scripted([new Race(), precondition]);
    await expect(retryOnConflict(s.step, { ...s.opts, retriable: (e) => e instanceof Race })).rejects.toBe(precondition);
    expect(s.attempts).toEqual([0, 1]);
  });

  it('given its own backoff, uses its steps and pauses', async () => {
    const s = scripted([conflict(), conflict(), conflict()]);
    await expect(retryOnConflict(s.step, { ...s.opts, backoff: { steps: 2, delayMs: 1, factor: 1, jitter: 0, capMs: 1 } })).rejects.toBeInstanceOf(ConflictError);
    expect(s.attempts).toEqual([0, 1]);
    expect(s.pauses).toEqual([1]);
  });

  it('jitters each pause by up to its fraction and never past the cap', () => {
    expect(backoffDelay(DEFAULT_RETRY, 1, 0)).toBe(5);
    expect(backoffDelay(DEFAULT_RETRY, 1, 0.999)).toBeCloseTo(7.5, 1);
    expect(backoffDelay(DEFAULT_RETRY, 5, 0.999)).toBe(100);
    expect(backoffDelay(DEFAULT_RETRY, 12, 0.5)).toBe(100);
  });
});
