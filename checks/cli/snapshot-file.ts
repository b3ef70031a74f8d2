// A snapshot file named by a flag (--from-snapshot, --previous-snapshot): read, validated, errors naming the flag.
import { readFileSync } from 'node:fs';
import type { Snapshot } from '../../model/snapshot';
import { SnapshotShapeError, validateSnapshot } from '../../model/snapshot-schema';
import { UsageError } from './io';

/** A snapshot saved by `check --save-snapshot`, named by `flag` in errors. */
export function readSnapshotFile(file: string, flag: string): Snapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new UsageError(`${flag} ${file}: cannot read a JSON snapshot (${(err as Error).message}). Save one with check --save-snapshot.`);
  }
  // Checked against the snapshot schema: a corrupt target becomes an error on that target (exit 2), never a pass.
  try {
    return validateSnapshot(parsed, `${flag} ${file}`).snapshot;
  } catch (err) {
    if (err instanceof SnapshotShapeError) throw new UsageError(err.message);
    throw err;
  }
}
