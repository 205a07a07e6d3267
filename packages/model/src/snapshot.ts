/**
 * The snapshot format: gzip of one header line (JSON: format, cluster, seq, time, count, sha256
 * of the body) and a body (JSON array of every object). The checksum catches corruption that
 * survives gzip; a bad snapshot is refused with CorruptSnapshotError, never half-loaded.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { KObject } from './object.js';
import { allObjects, type State, stateOf } from './state.js';

const gz = promisify(gzip);
const gunz = promisify(gunzip);

/** The format tag of snapshots this code writes and reads. */
export const SNAPSHOT_FORMAT = 'wharf-snapshot/1';

/** What a snapshot says about itself. */
export interface SnapshotHeader {
  format: string;
  cluster: string;
  /** The last sequence folded into the snapshot. */
  seq: number;
  /** Time of the event at `seq` (ISO-8601), '' for an empty log. */
  time: string;
  count: number;
  /** sha256 (hex) of the body. */
  sha256: string;
}

/** A snapshot could not be read: bad gzip, bad header, checksum mismatch or bad JSON. */
export class CorruptSnapshotError extends Error {
  override name = 'CorruptSnapshotError';
}

/** Serializes and compresses `state`. */
export async function encodeSnapshot(state: State, cluster: string, time: string): Promise<{ header: SnapshotHeader; bytes: Buffer }> {
  const objects: KObject[] = [...allObjects(state)];
  const body = JSON.stringify(objects);
  const header: SnapshotHeader = { format: SNAPSHOT_FORMAT, cluster, seq: state.seq, time, count: objects.length, sha256: createHash('sha256').update(body).digest('hex') };
  const bytes = await gz(Buffer.from(JSON.stringify(header) + '\n' + body), { level: 3 });
  return { header, bytes };
}

/** Decompresses, checks and rebuilds a snapshot's state; throws CorruptSnapshotError. */
export async function decodeSnapshot(bytes: Uint8Array, cluster?: string): Promise<{ header: SnapshotHeader; state: State }> {
  let raw: Buffer;
  try {
    raw = await gunz(bytes);
  } catch (e) {
    throw new CorruptSnapshotError(`snapshot does not decompress: ${(e as Error).message}`);
  }
  const nl = raw.indexOf(10);
  let header: SnapshotHeader;
  try {
    header = JSON.parse(raw.toString('utf8', 0, nl)) as SnapshotHeader;
  } catch {
    throw new CorruptSnapshotError('snapshot header is not JSON');
  }
  if (header.format !== SNAPSHOT_FORMAT) throw new CorruptSnapshotError(`unknown snapshot format "${header.format}"`);
  if (cluster !== undefined && header.cluster !== cluster) throw new CorruptSnapshotError(`snapshot of cluster "${header.cluster}", not "${cluster}"`);
  // The checksum is over the body's UTF-8 bytes: hashed as they are, not re-encoded from a string.
  if (createHash('sha256').update(raw.subarray(nl + 1)).digest('hex') !== header.sha256) throw new CorruptSnapshotError(`snapshot at ${header.seq}: checksum mismatch`);
  let objects: KObject[];
  try {
    objects = JSON.parse(raw.toString('utf8', nl + 1)) as KObject[];
  } catch {
    throw new CorruptSnapshotError(`snapshot at ${header.seq}: body is not JSON`);
  }
  if (objects.length !== header.count) throw new CorruptSnapshotError(`snapshot at ${header.seq}: ${objects.length} objects, header says ${header.count}`);
  return { header, state: stateOf(header.seq, objects) };
}

/** What the bucket lists about one snapshot, without reading it. */
export interface SnapshotInfo {
  name: string;
  seq: number;
  /** Time of the event at `seq` (ISO-8601). */
  time: string;
  size: number;
}
