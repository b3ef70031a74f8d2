// What survives a restart: the last processed event and the ids processed recently. Written atomically (temp file
// + rename in the same directory), so a crash mid-write leaves the previous state, never half a file.
import { readFileSync } from 'node:fs';
import { writePrivateFileAtomic } from '../private-file';
import type { GlAuditEvent } from '../../gitlab/types';
import { eventKey } from './seen';
import { UsageError } from '../cli/io';
import { z } from 'zod';
import { shapeProblem } from '../../gitlab/schemas';

/** Ids kept in the file: enough to skip what the stream already delivered when catch-up re-reads a margin. */
export const RECENT_IDS_KEPT = 1_000;

export interface WatchState {
  schemaVersion: 1;
  /** GitLab URL the ids belong to: ids of another server mean nothing here. */
  url: string;
  /** Highest event id processed, null before the first. */
  lastEventId: number | null;
  /** created_at of the newest processed event, or when watching started: catch-up reads from here. */
  since: string;
  /** Recently processed ids, oldest first (events can arrive out of id order). */
  recentIds: number[];
  /** eventKey of the same events (id, time, entity): catch-up skips by these, so a reused id cannot hide an event. */
  recentKeys?: string[];
}

/** What loadWatchState accepts; kept equal to WatchState by test/gitlab/schema-types.test.ts. */
export const watchStateSchema = z.object({
  schemaVersion: z.literal(1),
  url: z.string(),
  lastEventId: z.number().int().nullable(),
  since: z.iso.datetime({ offset: true }),
  recentIds: z.array(z.number().int()),
  recentKeys: z.array(z.string()).optional(),
});

export function emptyState(url: string, now: Date): WatchState {
  return { schemaVersion: 1, url, lastEventId: null, since: now.toISOString(), recentIds: [], recentKeys: [] };
}

/** The saved state, or undefined when there is no file yet (first start). A damaged file is a usage error. */
export function loadWatchState(file: string): WatchState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`--state ${file}: cannot read the watch state (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`--state ${file}: not JSON (${(err as Error).message}). Delete it to start without catch-up, or pass another --state file.`);
  }
  const problem = shapeProblem(watchStateSchema, parsed);
  if (problem) {
    throw new UsageError(
      `--state ${file}: ${problem}: not a usable gitlab-posture watch state (schemaVersion 1 with url, lastEventId, since, recentIds). ` +
        'Delete it to start without catch-up, or pass another --state file.',
    );
  }
  return parsed as WatchState;
}

export function saveWatchState(file: string, state: WatchState): void {
  writePrivateFileAtomic(file, JSON.stringify(state, null, 2) + '\n');
}

/**
 * The state after one event the audit API returned. Only those move it: an event from the stream is whatever its
 * sender wrote (id, created_at), so watch confirms it through the API (catch-up) before it counts here.
 */
export function advance(state: WatchState, event: Pick<GlAuditEvent, 'id' | 'created_at'> & Partial<Pick<GlAuditEvent, 'entity_type' | 'entity_id'>>): WatchState {
  const recentIds = [...state.recentIds.filter((id) => id !== event.id), event.id];
  const newer = Date.parse(event.created_at) > Date.parse(state.since);
  const key = event.entity_type !== undefined && event.entity_id !== undefined ? eventKey(event as GlAuditEvent) : undefined;
  const recentKeys = key === undefined ? state.recentKeys : [...(state.recentKeys ?? []).filter((k) => k !== key), key];
  return {
    ...state,
    lastEventId: state.lastEventId === null ? event.id : Math.max(state.lastEventId, event.id),
    since: newer ? event.created_at : state.since,
    recentIds: recentIds.slice(Math.max(0, recentIds.length - RECENT_IDS_KEPT)),
    ...(recentKeys ? { recentKeys: recentKeys.slice(Math.max(0, recentKeys.length - RECENT_IDS_KEPT)) } : {}),
  };
}
