// Flag values shared by several commands: parsed once, with the same words in every error.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import type { Snapshot } from '../../model/snapshot';
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
  let parsed: Partial<Snapshot>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Snapshot>;
  } catch (err) {
    throw new UsageError(`${flag} ${file}: cannot read a JSON snapshot (${(err as Error).message}). Save one with check --save-snapshot.`);
  }
  if (parsed.schemaVersion !== 1 || !Array.isArray(parsed.groups) || !Array.isArray(parsed.projects) || !parsed.gitlab || !parsed.takenAt) {
    throw new UsageError(`${flag} ${file}: not a gitlab-posture snapshot (schemaVersion 1 with gitlab, takenAt, groups, projects expected).`);
  }
  return parsed as Snapshot;
}
