// Output paths are checked before GitLab is read: a typo in --output must not cost a full read of the instance
// (or, for explain, its audit events) and then fail at the very end with nothing written.
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './io';

function stat(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Throws a UsageError naming the flag when `file` could not be written (missing directory, a directory, no permission). */
export function assertWritableFile(flag: string, file: string | undefined): void {
  if (file === undefined) return;
  const abs = resolve(file);
  const existing = stat(abs);
  if (existing?.isDirectory()) throw new UsageError(`${flag} ${file}: is a directory; give the path of a file to write.`);
  const dir = dirname(abs);
  const parent = stat(dir);
  if (!parent) throw new UsageError(`${flag} ${file}: the directory ${dirname(file)} does not exist; create it first (nothing was read from GitLab).`);
  if (!parent.isDirectory()) throw new UsageError(`${flag} ${file}: ${dirname(file)} is not a directory.`);
  try {
    accessSync(existing ? abs : dir, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${file}: ${existing ? 'the file' : `the directory ${dirname(file)}`} is not writable (nothing was read from GitLab).`);
  }
}
