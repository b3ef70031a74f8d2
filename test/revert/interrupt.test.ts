// Ctrl-C during revert and undo (issue 15): no new write starts, the one in flight finishes, is verified and journaled, the
// journal is closed, and the command exits 2 naming the journal and what to run next. Results print in plan order.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadJournal, readJournal } from '../../checks/revert/journal';
import { askOnTerminal } from '../../checks/cli/stop-safely';
import { ACME_HARDENED, run, tempDir, writeBaseline } from '../helpers/revert-io';
import { simPerTest } from '../helpers/sim';

const freshSim = simPerTest();

describe('revert interrupted by a signal', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s during the first write: that write completes and verifies, no other starts, exit 2', async (signal) => {
    const sim = await freshSim({ scenario: 'incident' });
    const dir = tempDir('posture-interrupt-');
    const baseline = writeBaseline(dir, sim.url, ACME_HARDENED);
    const env = { GITLAB_TOKEN: sim.tokens.owner };
    let writesStarted = 0;
    const r = await run(['revert', '--baseline', baseline, '--yes', '--journal', dir, '--concurrency', '1'], env, {
      hooks: {
        beforeWrite: () => {
          writesStarted++;
          // The user presses Ctrl-C while the first write is on its way.
          if (writesStarted === 1) process.emit(signal, signal);
        },
      },
    });
    expect(r.code).toBe(2);
    expect(writesStarted).toBe(1);
    const [file] = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).map((f) => join(dir!, f));
    const records = readJournal(file!);
    // pending -> applied -> verified for the one write, then the end record: a whole journal undo can replay.
    const outcomes = records.map((x) => (x as { outcome?: string }).outcome).filter(Boolean);
    expect(outcomes).toEqual(['pending', 'applied', 'verified']);
    expect(r.stderr).toMatch(new RegExp(`interrupted \\(${signal}\\): 1 of \\d+ change\\(s\\) applied and verified, 0 failed, \\d+ not started\\. Journal: ${file!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    expect(r.stderr).toContain(`Next: \`gitlab-posture revert\` to finish, or \`gitlab-posture undo ${file}\` to put back what was written.`);
    // No listener is left behind.
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('results print in plan order even when writes finish out of order', async () => {
    const sim = await freshSim({ scenario: 'incident' });
    const dir = tempDir('posture-order-');
    const baseline = writeBaseline(dir, sim.url, ACME_HARDENED);
    const dry = await run(['revert', '--baseline', baseline, '--dry-run'], { GITLAB_TOKEN: sim.tokens.owner });
    const r = await run(['revert', '--baseline', baseline, '--yes', '--journal', dir, '--concurrency', '4'], { GITLAB_TOKEN: sim.tokens.owner });
    expect(r.code).toBe(1);
    // Each result line names its step number: they come out 1, 2, 3, … whatever order the writes ended in.
    const numbers = [...r.stdout.matchAll(/^\s*(\d+)\. (verified|failed|not verified|NOT VERIFIED)/gm)].map((m) => Number(m[1]));
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(dry.code).toBe(1);
  });
});

describe('undo after and during an interruption', () => {
  // The journal of an interrupted revert is whole: its end record counts the steps never begun, so the user
  // mid-incident undoes it as it is (no --partial: that flag is for journals cut off by a crash).
  it('an interrupted revert is undone without --partial, exit 0, the written value restored', async () => {
    const sim = await freshSim({ scenario: 'incident' });
    const dir = tempDir('posture-interrupt-undo-');
    const baseline = writeBaseline(dir, sim.url, ACME_HARDENED);
    const env = { GITLAB_TOKEN: sim.tokens.owner };
    let file = '';
    let started = 0;
    const r = await run(['revert', '--baseline', baseline, '--yes', '--journal', dir, '--concurrency', '1'], env, {
      onJournal: (_id, f) => void (file = f),
      hooks: { beforeWrite: () => void (++started === 1 && process.emit('SIGINT', 'SIGINT')) },
    });
    expect(r.code).toBe(2);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const planned = lines[0]!.planned as number;
    expect(planned).toBeGreaterThan(1);
    expect(lines.at(-1)).toMatchObject({ record: 'end', steps: 1, stopped: 'SIGINT', notStarted: planned - 1 });
    expect(loadJournal(file).missing).toEqual([]);

    const u = await run(['undo', file, '--yes', '--baseline', baseline], env);
    expect(u.stderr).toBe('');
    expect(u.stdout).toContain('1 of 1 value(s) restored and verified.');
    expect(u.code).toBe(0);
  });

  it('a journal whose end record undercounts without saying the run was stopped is still partial', async () => {
    const dir = tempDir('posture-interrupt-forged-');
    const file = join(dir, 'j.jsonl');
    const header = { record: 'header', format: 'gitlab-posture-journal', version: 1, run: 'r1', time: '2026-12-03T00:00:00Z', url: 'https://gitlab.example.com', command: 'revert', planned: 3 };
    const end = { record: 'end', run: 'r1', time: '2026-12-03T00:00:01Z', url: 'https://gitlab.example.com', steps: 0 };
    writeFileSync(file, [header, end].map((x) => JSON.stringify(x)).join('\n') + '\n');
    expect(loadJournal(file).missing).toEqual(['steps: the header planned 3, the file holds 0']);
    writeFileSync(file, [header, { ...end, stopped: 'SIGTERM', notStarted: 2 }].map((x) => JSON.stringify(x)).join('\n') + '\n');
    expect(loadJournal(file).missing).toEqual(['steps: the header planned 3, the file holds 0 and the end record says 2 not started']);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s during undo: the restore in flight finishes and verifies, no other starts, exit 2 naming both journals', async (signal) => {
    const sim = await freshSim({ scenario: 'incident' });
    const dir = tempDir('posture-undo-interrupt-');
    const baseline = writeBaseline(dir, sim.url, ACME_HARDENED);
    const env = { GITLAB_TOKEN: sim.tokens.owner };
    let file = '';
    const r = await run(['revert', '--baseline', baseline, '--yes', '--journal', dir], env, { onJournal: (_id, f) => void (file = f) });
    expect(r.code).toBe(1);
    let started = 0;
    const u = await run(['undo', file, '--yes', '--baseline', baseline], env, {
      hooks: { beforeWrite: () => void (++started === 1 && process.emit(signal, signal)) },
    });
    expect(u.code).toBe(2);
    expect(started).toBe(1);
    const own = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).map((f) => join(dir!, f)).find((f) => f !== file)!;
    expect(readJournal(own).map((x) => x.outcome)).toEqual(['pending', 'applied', 'verified']);
    expect(loadJournal(own).missing).toEqual([]);
    expect(u.stderr).toContain(`interrupted (${signal}): 1 of 12 restore(s) applied and verified, 0 failed, 11 not started. Journal: ${own}`);
    expect(u.stderr).toContain(`Next: \`gitlab-posture undo ${file}\` again to restore the rest`);
    expect(process.listenerCount(signal)).toBe(0);
    // Running it again restores the other 11: the one already restored is skipped as such.
    const again = await run(['undo', file, '--yes', '--baseline', baseline], env);
    expect(again.stdout).toContain('already at the before value');
    expect(again.stdout).toContain('11 of 11 value(s) restored and verified.');
    expect(again.code).toBe(0);
  });
});

describe('undo asks before writing', () => {
  it('without a terminal and without --yes it refuses, nothing written', async () => {
    const sim = await freshSim({ scenario: 'incident' });
    const dir = tempDir('posture-undo-ask-');
    const baseline = writeBaseline(dir, sim.url, ACME_HARDENED);
    const env = { GITLAB_TOKEN: sim.tokens.owner };
    let file = '';
    await run(['revert', '--baseline', baseline, '--yes', '--journal', dir, '--only', 'visibility.*'], env, { onJournal: (_id, f) => void (file = f) });
    const u = await run(['undo', file, '--baseline', baseline], env);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('undo: 2 restore(s) planned, but there is no terminal to confirm them: pass --yes to write.');
    const questions: string[] = [];
    const declined = await run(['undo', file, '--baseline', baseline], env, { confirm: async (q) => (questions.push(q), false) });
    expect(questions).toEqual([`Restore 2 value(s) on ${sim.url}? [y/N] `]);
    expect(declined.stdout).toContain('Nothing written.');
    const accepted = await run(['undo', file, '--baseline', baseline], env, { confirm: async () => true });
    expect(accepted.stdout).toContain('2 of 2 value(s) restored and verified.');
    expect(accepted.code).toBe(0);
  });

  it.each([
    ['y\n', true],
    ['yes\n', true],
    ['\n', false],
    ['n\n', false],
  ])('the terminal question (stderr) takes %j as %s', async (answer, expected) => {
    const input = new PassThrough();
    const output = new PassThrough();
    let asked = '';
    output.on('data', (c: Buffer) => void (asked += c.toString()));
    const pending = askOnTerminal('Restore 2 value(s)? [y/N] ', { input, output });
    input.end(answer);
    expect(await pending).toBe(expected);
    expect(asked).toBe('Restore 2 value(s)? [y/N] ');
  });
});
