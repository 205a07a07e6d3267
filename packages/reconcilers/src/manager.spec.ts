/** A manager's start through outages of JetStream (manager.ts). */
import { JetStreamApiError } from '@nats-io/jetstream';
import { jserrors } from '@nats-io/jetstream/internal';
import type { Logger } from '@wharf/store';
import { describe, expect, it } from 'vitest';
import { type Manager, type ManagerOptions, startManagerThroughOutages } from './manager.js';

function options(): { opts: ManagerOptions; warned: string[] } {
  const warned: string[] = [];
  const log = { warn: (_o: unknown, msg: string) => warned.push(msg) } as unknown as Logger;
  return { opts: { natsUrl: 'nats://unused', cluster: 'c', controllers: [], log }, warned };
}

/** A start that fails with `failures` in turn, then answers a manager. */
function failing(failures: Error[]): { start: (o: ManagerOptions) => Promise<Manager>; calls: () => number } {
  let calls = 0;
  const manager = {} as Manager;
  return {
    start: () => {
      const e = failures[calls++];
      return e ? Promise.reject(e) : Promise.resolve(manager);
    },
    calls: () => calls,
  };
}

/** JetStream's 503 "temporarily unavailable", as during an election. */
const unavailable = () => new JetStreamApiError({ err_code: 10008, code: 503, description: 'JetStream system temporarily unavailable' });

describe('startManagerThroughOutages', () => {
  it('starts again after JetStream unavailable or not enabled (no leader yet), saying so each time', async () => {
    const { opts, warned } = options();
    const f = failing([unavailable(), new jserrors.JetStreamNotEnabled('jetstream is not enabled')]);
    await expect(startManagerThroughOutages(opts, f.start, 10_000, 1)).resolves.toBeDefined();
    expect(f.calls()).toBe(3);
    expect(warned).toHaveLength(2);
    expect(warned[0]).toMatch(/starting again/);
  });

  it('ends at once on a failure that is an answer, not an outage', async () => {
    const { opts, warned } = options();
    const f = failing([new Error('cluster-cidr 10.96.0.0/16 overlaps the service range')]);
    await expect(startManagerThroughOutages(opts, f.start, 10_000, 1)).rejects.toThrow(/overlaps/);
    expect(f.calls()).toBe(1);
    expect(warned).toEqual([]);
  });

  it('gives up with the outage once its budget is spent', async () => {
    const { opts } = options();
    const f = failing(Array.from({ length: 1000 }, unavailable));
    await expect(startManagerThroughOutages(opts, f.start, 30, 5)).rejects.toBeInstanceOf(JetStreamApiError);
    expect(f.calls()).toBeGreaterThan(1);
    expect(f.calls()).toBeLessThan(1000);
  });
});
