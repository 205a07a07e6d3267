/** What the API routes need: the store, the projection, the write path, the token table and how to authorize. */
import type { EventStore, Objects, Projection, SnapshotStore, TimeTravel } from '@wharf/store';
import type { AuthorizationMode } from './auth/authorizer.js';
import type { Tokens } from './auth/tokens.js';
import type { Resources } from './resources.js';

/** Shared dependencies of every route. */
export interface ApiContext {
  store: EventStore;
  projection: Projection;
  objects: Objects;
  resources: Resources;
  tokens: Tokens;
  /** The snapshot bucket, unless snapshots are off. */
  snapshots?: SnapshotStore | undefined;
  /** Rebuilds past states for `?at=` and diffs. */
  timeTravel: TimeTravel;
  /** How requests are authorized (wharf-api --authorization-mode); RBAC when unset. */
  authorizationMode?: AuthorizationMode | undefined;
}
