/** Mirrors the keys under one prefix of a KV bucket into memory and keeps them current. */
import type { KV, KvEntry } from '@nats-io/kv';
import { KvFollow } from '@wharf/store';

/** A live copy of `prefix.*` keys: `put` and `remove` are called for each change, suffix first. */
export interface KeyMirror {
  put(suffix: string, e: KvEntry): void;
  remove(suffix: string): void;
}

/**
 * Watches `prefix.>` in `kv`, replaying the current values into `mirror` first; resolves once
 * they are all in, and returns a stop function. Changes arrive for as long as it runs, through
 * the loss of a server (KvFollow).
 */
export async function mirrorKeys(kv: KV, prefix: string, mirror: KeyMirror): Promise<() => void> {
  const filter = `${prefix}.>`;
  // The watch says when the initial values are in (delta 0), but sends nothing when there are
  // none; the key listing tells that case apart (it skips deleted keys, whose markers the watch
  // still sends: then it is ready early, and the markers change nothing).
  let any = false;
  for await (const _ of await kv.keys(filter)) {
    any = true;
    break;
  }
  const it = new KvFollow(kv, { key: filter });
  let ready: () => void = () => undefined;
  const loaded = new Promise<void>((r) => (ready = r));
  if (!any) ready();
  void (async () => {
    for await (const e of it) {
      const suffix = e.key.slice(prefix.length + 1);
      if (e.operation === 'PUT') mirror.put(suffix, e);
      else mirror.remove(suffix);
      if (e.delta === 0) ready();
    }
  })();
  await loaded;
  return () => it.stop();
}
