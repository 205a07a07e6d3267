/** `wharf delete`: resolving what to delete, deleting it, and waiting until it is gone. */
import { type KindInfo, type KObject, WharfError } from '@wharf/model';
import type { WharfClient } from '@wharf/client';
import type { Io } from './base.js';
import { formatError } from './errors.js';

/** One object to delete. */
export interface DeleteTarget {
  info: KindInfo;
  namespace: string | undefined;
  name: string;
}

/** How to delete and whether to wait. */
export interface DeleteOptions {
  cascade: 'background' | 'orphan' | 'foreground';
  gracePeriodSeconds?: number;
  wait: boolean;
  timeoutMs: number;
  ignoreNotFound?: boolean;
}

/** kubectl's confirmation line: `pod "web" deleted`. */
export function deletedMessage(t: DeleteTarget): string {
  return `${t.info.singular} "${t.name}" deleted\n`;
}

/** The grace period to send: --now is 1 second, a negative --grace-period means the server's default. */
export function gracePeriod(flags: { 'grace-period': number; now: boolean }): number | undefined {
  if (flags.now) return 1;
  return flags['grace-period'] >= 0 ? flags['grace-period'] : undefined;
}

const isNotFound = (e: unknown) => e instanceof WharfError && e.code === 404;

/** Polls GET until the object is gone (404, or replaced by one with another uid); false on timeout. */
export async function waitForDeletion(client: WharfClient, t: DeleteTarget, uid: string | undefined, deadline: number, pollMs = 250): Promise<boolean> {
  for (;;) {
    try {
      const o = await client.get(t.info.kind, t.namespace, t.name);
      if (uid && o.metadata.uid && o.metadata.uid !== uid) return true;
    } catch (e) {
      if (isNotFound(e)) return true;
      throw e;
    }
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
  }
}

/** Deletes every target (continuing past failures), then waits for them if asked; returns the exit code. */
export async function runDelete(client: WharfClient, targets: DeleteTarget[], o: DeleteOptions, io: Io): Promise<number> {
  let code = 0;
  const pending: { t: DeleteTarget; uid: string | undefined }[] = [];
  for (const t of targets) {
    try {
      const res = await client.delete<KObject | { kind: 'Status'; details?: { uid?: string } }>(t.info.kind, t.namespace, t.name, {
        cascade: o.cascade,
        ...(o.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: o.gracePeriodSeconds } : {}),
      });
      io.out(deletedMessage(t));
      const uid = res && 'metadata' in res ? res.metadata.uid : res?.details?.uid;
      pending.push({ t, uid });
    } catch (e) {
      if (o.ignoreNotFound && isNotFound(e)) continue;
      io.err(formatError(e) + '\n');
      code = 1;
    }
  }
  if (!o.wait) return code;
  const deadline = Date.now() + o.timeoutMs;
  for (const { t, uid } of pending) {
    if (!(await waitForDeletion(client, t, uid, deadline))) {
      io.err(`error: timed out waiting for the condition on ${t.info.resource}/${t.name}\n`);
      code = 1;
    }
  }
  return code;
}
