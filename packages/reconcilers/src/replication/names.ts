/**
 * Deterministic pod names: slot `i` of a controller is `<rc>-<5 chars of sha256(uid/i)>`. Every
 * instance derives the same name for the same slot, so two instances creating "the same" pod
 * race on one subject and the create-if-absent append lets exactly one through.
 */
import { createHash } from 'node:crypto';

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The name of slot `slot` of the controller named `rc` with uid `uid`. */
export function slotName(rc: string, uid: string, slot: number): string {
  const h = createHash('sha256').update(`${uid}/${slot}`).digest();
  let s = '';
  for (let i = 0; i < 5; i++) s += ALPHABET[h[i]! % ALPHABET.length];
  const prefix = rc.length > 57 ? rc.slice(0, 57) : rc;
  return `${prefix}-${s}`;
}

