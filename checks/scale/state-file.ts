// Where `check --since-last` keeps the previous snapshot: `<state dir>/last-snapshot.json`, replaced atomically
// (write a temporary file beside it, then rename) so a run killed mid-write never leaves half a snapshot.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Snapshot } from '../../model/snapshot';
import { writePrivateFileAtomic } from '../private-file';

export const DEFAULT_STATE_DIR = '.posture';

export function stateFile(dir: string, shard?: { index: number; total: number }): string {
  return join(dir, shard && shard.total > 1 ? `last-snapshot.shard-${shard.index}-of-${shard.total}.json` : 'last-snapshot.json');
}

export function saveStateAtomic(file: string, snapshot: Snapshot): void {
  writePrivateFileAtomic(file, JSON.stringify(snapshot) + '\n');
}

export type LoadedState = { ok: true; snapshot: Snapshot } | { ok: false; missing: boolean; reason: string };

/** The previous snapshot, or why there is none usable (a missing file is normal on the first run). */
export function loadState(file: string): LoadedState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, missing: code === 'ENOENT', reason: `${file}: ${code === 'ENOENT' ? 'no previous snapshot yet' : `cannot read (${code ?? (err as Error).message})`}` };
  }
  let parsed: Partial<Snapshot>;
  try {
    parsed = JSON.parse(text) as Partial<Snapshot>;
  } catch (err) {
    return { ok: false, missing: false, reason: `${file}: not JSON (${(err as Error).message})` };
  }
  if (parsed.schemaVersion !== 1 || !Array.isArray(parsed.groups) || !Array.isArray(parsed.projects) || !parsed.gitlab || !parsed.takenAt) {
    return { ok: false, missing: false, reason: `${file}: not a gitlab-posture snapshot (schemaVersion 1 with gitlab, takenAt, groups, projects expected)` };
  }
  return { ok: true, snapshot: parsed as Snapshot };
}
