// Files that hold settings (journals, snapshots, watch and --since-last state) are for their owner only: created
// 0600 in directories created 0700. A replaced file goes through a temporary file with a random name opened with
// O_CREAT|O_EXCL (it cannot be a pre-planted file or a symlink), then a rename in the same directory.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates `dir` (and missing parents) 0700; an existing directory keeps its mode (it may be shared on purpose). */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** A new file, 0600; fails (EEXIST) when anything — a file, a symlink — is already at `file`. Returns its fd. */
export function createPrivateFile(file: string): number {
  ensurePrivateDir(dirname(file));
  return openSync(file, 'wx', PRIVATE_FILE_MODE);
}

/** Replaces `file` with `text` atomically: a crash leaves the old content or the new one, never half. */
export function writePrivateFileAtomic(file: string, text: string): void {
  const dir = dirname(file);
  ensurePrivateDir(dir);
  const tmp = join(dir, `.${basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, file);
}
