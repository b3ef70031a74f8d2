// What survives a restart: the last processed event and the ids processed recently. Written atomically (temp file
// + rename in the same directory), so a crash mid-write leaves the previous state, never half a file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFileAtomic } from '../private-file';
import { UsageError } from '../cli/io';

export const DEFAULT_STATE_FILE = join('.posture', 'watch-state.json');
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
}

export function emptyState(url: string, now: Date): WatchState {
  return { schemaVersion: 1, url, lastEventId: null, since: now.toISOString(), recentIds: [] };
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
  let parsed: Partial<WatchState>;
  try {
    parsed = JSON.parse(text) as Partial<WatchState>;
  } catch (err) {
    throw new UsageError(`--state ${file}: not JSON (${(err as Error).message}). Delete it to start without catch-up, or pass another --state file.`);
  }
  const ok =
    parsed.schemaVersion === 1 &&
    typeof parsed.url === 'string' &&
    (parsed.lastEventId === null || Number.isInteger(parsed.lastEventId)) &&
    typeof parsed.since === 'string' &&
    !Number.isNaN(Date.parse(parsed.since)) &&
    Array.isArray(parsed.recentIds) &&
    parsed.recentIds.every((n) => Number.isInteger(n));
  if (!ok) {
    throw new UsageError(
      `--state ${file}: not a gitlab-posture watch state (schemaVersion 1 with url, lastEventId, since, recentIds expected). Delete it to start without catch-up.`,
    );
  }
  return parsed as WatchState;
}

export function saveWatchState(file: string, state: WatchState): void {
  writePrivateFileAtomic(file, JSON.stringify(state, null, 2) + '\n');
}

/** The state after processing one event. */
export function advance(state: WatchState, event: { id: number; created_at: string }): WatchState {
  const recentIds = [...state.recentIds.filter((id) => id !== event.id), event.id];
  const newer = Date.parse(event.created_at) > Date.parse(state.since);
  return {
    ...state,
    lastEventId: state.lastEventId === null ? event.id : Math.max(state.lastEventId, event.id),
    since: newer ? event.created_at : state.since,
    recentIds: recentIds.slice(Math.max(0, recentIds.length - RECENT_IDS_KEPT)),
  };
}
