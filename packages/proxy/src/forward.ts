/**
 * Forwards one client connection to a backend. Bytes are relayed as they come (no parsing). Until
 * the backend sends its first byte, what the client sent is kept (up to a cap), so that a backend
 * that refuses, times out or closes without answering (a pod that just died) is replaced by the
 * next one in the attempt order and the client never notices. After the first byte the two
 * sockets are piped and the connection is the backend's.
 */
import { connect, type Socket } from 'node:net';
import type { Backend } from './balancer.js';

/** Tuning of the forwarder. */
export interface ForwardOptions {
  /** Give up on one backend's connect after this many ms. */
  connectTimeoutMs: number;
  /** Keep at most this many client bytes for a replay; beyond, the current backend is kept. */
  replayLimit: number;
}

/** Closes a socket at once with a reset where the platform allows it. */
export function reset(s: Socket): void {
  if (s.destroyed) return;
  if (typeof s.resetAndDestroy === 'function' && !s.connecting) s.resetAndDestroy();
  else s.destroy();
}

/**
 * Copies `from` into `to` until `from` ends, then ends `to`; pauses `from` while `to` is full.
 * Chunks read within one turn of the event loop leave in one write (cork until setImmediate):
 * a response read as headers and body goes out as one segment, as HAProxy sends it.
 */
export function relay(from: Socket, to: Socket, first?: Buffer): void {
  let corked = false;
  const flush = () => {
    corked = false;
    to.uncork();
  };
  const onData = (chunk: Buffer) => {
    if (!corked) {
      corked = true;
      to.cork();
      setImmediate(flush);
    }
    if (!to.write(chunk)) from.pause();
  };
  if (first) onData(first);
  from.on('data', onData);
  to.on('drain', () => from.resume());
  from.once('end', () => {
    if (corked) flush();
    to.end();
  });
}

/**
 * Called when a connection to `b` is opened (from the connect on); the function it returns is
 * called once, when that connection closes (the proxy counts each backend's connections with it).
 */
export type OnOpen = (b: Backend) => () => void;

/**
 * Forwards `client` (paused) to the first backend of `order` that answers; calls `onConnected`
 * with the backend that took it, and `onOpen` for every backend connection it opens. Resets the
 * client when none answers.
 */
export function forward(client: Socket, order: readonly Backend[], opts: ForwardOptions, onConnected: (b: Backend) => void, onOpen?: OnOpen): void {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let clientEnded = false;
  let committed = false;
  let attempt = 0;
  let reading = false;
  let upstream: Socket | undefined;

  const onClientData = (chunk: Buffer) => {
    if (keptBytes <= opts.replayLimit) {
      kept.push(chunk);
      keptBytes += chunk.length;
    }
    if (upstream && !upstream.connecting && !upstream.write(chunk)) client.pause();
  };
  const onClientEnd = () => {
    clientEnded = true;
    if (upstream && !upstream.connecting) upstream.end();
  };
  const onClientClose = () => upstream?.destroy();
  client.on('error', () => upstream?.destroy());
  client.on('close', onClientClose);

  const next = () => {
    if (client.destroyed) return;
    if (attempt >= order.length) {
      reset(client);
      return;
    }
    const b = order[attempt++]!;
    const up = connect({ host: b.host, port: b.port, allowHalfOpen: true, noDelay: true });
    if (onOpen) up.once('close', onOpen(b));
    upstream = up;
    up.setTimeout(opts.connectTimeoutMs);
    let answered = false;
    const retry = () => {
      if (answered || committed || up !== upstream) return;
      up.destroy();
      // Replaying is only safe while the client's bytes are all kept.
      if (keptBytes > opts.replayLimit) reset(client);
      else next();
    };
    up.once('timeout', retry);
    up.once('error', () => (answered ? client.destroy() : retry()));
    up.once('end', () => {
      if (!answered) retry();
    });
    up.once('connect', () => {
      up.setTimeout(0);
      up.setNoDelay(true);
      for (const c of kept) up.write(c);
      if (clientEnded) up.end();
      else if (!reading) {
        reading = true;
        client.on('data', onClientData);
        client.once('end', onClientEnd);
        client.resume();
      }
      up.on('drain', () => client.resume());
    });
    up.once('data', (first: Buffer) => {
      answered = true;
      committed = true;
      kept.length = 0;
      onConnected(b);
      // From here on bytes are relayed both ways as they come.
      client.removeListener('data', onClientData);
      client.removeListener('end', onClientEnd);
      up.removeAllListeners('drain');
      if (!clientEnded) relay(client, up);
      relay(up, client, first);
      up.on('error', () => client.destroy());
      up.on('close', () => {
        if (!client.writableEnded) client.end();
      });
      client.resume();
    });
  };
  next();
}
