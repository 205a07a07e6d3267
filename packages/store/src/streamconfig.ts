/** The event log stream's configuration (pure): what is created, and what settings change on an existing stream. */
import { DiscardPolicy, RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import type { Subjects } from '@wharf/model';
import { DUPLICATE_WINDOW_SECONDS } from './dedup.js';

/** Settings of the event log stream. */
export interface StreamSettings {
  /** 1 on a single server; 3 on an R3 cluster for HA. */
  replicas?: number;
  /** Maximum age of events in seconds; 0 keeps them forever; undefined leaves an existing stream's setting alone. */
  maxAgeSeconds?: number;
  /** Maximum size of the log in bytes; -1 is unlimited; undefined leaves an existing stream's setting alone. */
  maxBytes?: number;
}

/**
 * The stream of `subjects`: file storage, no deletes or purges, direct gets for reads, and the
 * de-duplication window of dedup.ts (never longer than the retention).
 */
export function eventStreamConfig(subjects: Subjects, settings: StreamSettings): Partial<StreamConfig> & { name: string } {
  return {
    name: subjects.stream,
    subjects: [subjects.allObjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: settings.replicas ?? 1,
    max_age: (settings.maxAgeSeconds ?? 0) * 1e9,
    max_bytes: settings.maxBytes ?? -1,
    discard: DiscardPolicy.Old,
    duplicate_window: Math.min(DUPLICATE_WINDOW_SECONDS, settings.maxAgeSeconds || DUPLICATE_WINDOW_SECONDS) * 1e9,
    allow_direct: true,
    deny_delete: true,
    deny_purge: true,
    description: `Wharf event log of cluster ${subjects.cluster}`,
  };
}

/**
 * What an existing stream must change to follow `settings` (undefined: nothing). Only settings
 * given explicitly change it, so a component that does not manage retention (reconcilers,
 * agents) never resets what wharf-api configured; the de-duplication window always follows
 * DUPLICATE_WINDOW_SECONDS.
 */
export function settingsChanges(current: StreamConfig, settings: StreamSettings, wanted: Partial<StreamConfig>): Partial<StreamConfig> | undefined {
  const want: Partial<StreamConfig> = {};
  if (settings.maxAgeSeconds !== undefined) want.max_age = wanted.max_age!;
  if (settings.maxBytes !== undefined) want.max_bytes = wanted.max_bytes!;
  if (settings.maxAgeSeconds !== undefined || !current.max_age || current.max_age >= wanted.duplicate_window!) want.duplicate_window = wanted.duplicate_window!;
  const changed = (Object.keys(want) as (keyof StreamConfig)[]).some((k) => current[k] !== want[k]);
  return changed ? want : undefined;
}
