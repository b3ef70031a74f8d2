// Flag values shared by several commands: parsed once, with the same words in every error.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import type { Snapshot } from '../../model/snapshot';
import { SnapshotShapeError, validateSnapshot } from '../../model/snapshot-schema';
import { UsageError } from './io';

/** `--concurrency`, `--queue-limit`: commander names the flag in front of the message. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1.');
  return n;
}

/** `--only a.*,b.c --only d.*`: comma-separated and repeatable. */
export function ruleGlobs(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

/** A repeatable flag (`--rules DIR --rules DIR2`). */
export function repeatable(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

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
