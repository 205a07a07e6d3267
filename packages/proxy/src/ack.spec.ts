import { describe, expect, it } from 'vitest';
import type { Logger, ProxyAck, ProxyAcks } from '@wharf/store';
import { AckWriter } from './ack.js';

/** A bucket whose puts wait until the test lets them finish. */
function bucket() {
  const puts: ProxyAck[] = [];
  const removed: string[] = [];
  const pending: (() => void)[] = [];
  const acks = {
    put: (a: ProxyAck) => {
      puts.push(a);
      return new Promise<void>((r) => pending.push(r));
    },
    remove: async (node: string) => void removed.push(node),
  } as unknown as ProxyAcks;
  return { acks, puts, removed, finish: () => pending.shift()!() };
}
const log = { warn: () => undefined } as unknown as Logger;
const id = { node: 'node-a', instance: 'i-1', address: '127.0.0.2', intervalMs: 60_000 };
const settle = () => new Promise((r) => setImmediate(r));

describe('AckWriter', () => {
  it('given changes during a write, writes once more afterwards with the newest values', async () => {
    const b = bucket();
    let seq = 1;
    const w = new AckWriter(b.acks, id, () => ({ seq, draining: [] }), log);
    w.request();
    seq = 2;
    w.request();
    seq = 3;
    w.request();
    expect(b.puts.map((a) => a.seq)).toEqual([1]);
    b.finish();
    await settle();
    expect(b.puts.map((a) => a.seq)).toEqual([1, 3]);
    expect(b.puts[1]).toMatchObject({ node: 'node-a', instance: 'i-1', address: '127.0.0.2', intervalMs: 60_000, draining: [] });
    b.finish();
    await settle();
    expect(b.puts).toHaveLength(2);
  });

  it('on stop, waits for the write under way, deletes its key and writes no more', async () => {
    const b = bucket();
    const w = new AckWriter(b.acks, id, () => ({ seq: 7, draining: [{ ip: '127.0.0.1', port: 32001 }] }), log);
    w.start();
    const stopped = w.stop();
    w.request();
    b.finish();
    await stopped;
    expect(b.puts.map((a) => a.draining)).toEqual([[{ ip: '127.0.0.1', port: 32001 }]]);
    expect(b.removed).toEqual(['node-a']);
  });
});
