// Issue 14, item 9: journals, snapshots and state hold settings (hook URLs, branch rules, approval setup). They are
// created 0600 in directories created 0700; the journal is appended through the descriptor opened at creation (a
// symlink swapped in afterwards receives nothing); temporary files have random names and are opened exclusively.
import { existsSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal, readJournal, type JournalRecord } from '../../checks/revert/journal';
import { emptyState, saveWatchState } from '../../checks/watch/state';
import { saveStateAtomic } from '../../checks/scale/state-file';
import { startSim, type RunningSim } from '../../sim/server';
import { ACME_HARDENED, runCli, tempDir, writeBaseline } from '../helpers/cli';
import type { Snapshot } from '../../model/snapshot';

const mode = (path: string) => statSync(path).mode & 0o777;
let dir: string;
let sim: RunningSim | undefined;
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  await sim?.close();
  sim = undefined;
});

const record: JournalRecord = {
  run: 'run1', seq: 1, time: '2026-12-01T00:00:00Z', url: 'https://gitlab.example.com', target: { kind: 'project', path: 'acme/web', id: 12 },
  rule: 'ci.public-jobs', setting: 'public_jobs', method: 'PUT', path: '/projects/12', before: { public_jobs: true }, intended: { public_jobs: false }, outcome: 'pending',
};

describe('journal', () => {
  it('is created 0600 in a new 0700 directory', () => {
    dir = tempDir();
    const j = Journal.create(join(dir, 'a', 'journal'), 'run1', undefined, { url: 'https://gitlab.example.com', command: 'revert', planned: 1 });
    expect(mode(join(dir, 'a'))).toBe(0o700);
    expect(mode(join(dir, 'a', 'journal'))).toBe(0o700);
    expect(mode(j.file)).toBe(0o600);
  });

  it('a symlink swapped in after creation receives nothing: records go to the file opened at creation', () => {
    dir = tempDir();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'untouched\n');
    const j = Journal.create(join(dir, 'journal'), 'run1', undefined, { url: 'https://gitlab.example.com', command: 'revert', planned: 1 });
    const moved = `${j.file}.moved`;
    renameSync(j.file, moved);
    symlinkSync(victim, j.file);
    j.append(record);
    j.end();
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(readJournal(moved).map((r) => r.outcome)).toEqual(['pending']);
  });

  it('refuses to start on a planted symlink (exclusive create)', () => {
    dir = tempDir();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'untouched\n');
    symlinkSync(victim, join(dir, 'run1.jsonl'));
    expect(() => Journal.create(dir, 'run1', undefined, { url: 'https://gitlab.example.com', command: 'revert', planned: 1 })).toThrow(/EEXIST/);
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
  });
});

describe('state files', () => {
  it('watch state: 0600 in a new 0700 directory; the old predictable temp name is not used', () => {
    dir = tempDir();
    const file = join(dir, 'posture', 'watch-state.json');
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'untouched\n');
    saveWatchState(file, emptyState('https://gitlab.example.com', new Date('2026-12-01T00:00:00Z')));
    // An attacker plants a symlink where the previous version wrote its temporary file.
    symlinkSync(victim, join(dir, 'posture', `.watch-state.json.${process.pid}.tmp`));
    saveWatchState(file, emptyState('https://gitlab.example.com', new Date('2026-12-02T00:00:00Z')));
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(mode(join(dir, 'posture'))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).since).toBe('2026-12-02T00:00:00.000Z');
  });

  it('--since-last state: 0600 in a new 0700 directory', () => {
    dir = tempDir();
    const file = join(dir, 'state', 'last-snapshot.json');
    saveStateAtomic(file, { schemaVersion: 1 } as unknown as Snapshot);
    expect(mode(join(dir, 'state'))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
  });

  it('check --save-snapshot writes the snapshot 0600', async () => {
    dir = tempDir();
    sim = await startSim({ scenario: 'incident' });
    const baseline = writeBaseline(dir, sim.url, ACME_HARDENED);
    const snap = join(dir, 'snap.json');
    const r = await runCli(['check', '--baseline', baseline, '--format', 'json', '--save-snapshot', snap], { GITLAB_TOKEN: sim.tokens.owner });
    expect(r.code).toBe(1);
    expect(existsSync(snap)).toBe(true);
    expect(mode(snap)).toBe(0o600);
  });
});
