// Where `check --since-last` keeps the previous snapshot: `<state dir>/last-snapshot.json`, replaced atomically
// (write a temporary file beside it, then rename) so a run killed mid-write never leaves half a snapshot.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Snapshot } from '../../model/snapshot';
import { validateSnapshot } from '../../model/snapshot-schema';
import { writePrivateFileAtomic } from '../private-file';

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
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (err) {
    return { ok: false, missing: false, reason: `${file}: not JSON (${(err as Error).message})` };
  }
  // A corrupt previous snapshot is not reused at all: reused reads would be judged without being read again, and a
  // full check reads everything live, so nothing is lost but time.
  try {
    const { snapshot, problems } = validateSnapshot(parsed, file);
    if (problems.length > 0) return { ok: false, missing: false, reason: problems[0]! + (problems.length > 1 ? ` (and ${problems.length - 1} more)` : '') };
    return { ok: true, snapshot };
  } catch (err) {
    return { ok: false, missing: false, reason: (err as Error).message };
  }
}
