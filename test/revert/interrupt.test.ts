// Ctrl-C during revert (issue 15): no new write starts, the one in flight finishes, is verified and journaled, the
// journal is closed, and the command exits 2 naming the journal and what to run next. Results print in plan order.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../sim/server';
import { readJournal } from '../../checks/revert/journal';
import { ACME_HARDENED, run, tempDir, writeBaseline } from '../helpers/revert-io';

let sim: RunningSim | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('revert interrupted by a signal', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s during the first write: that write completes and verifies, no other starts, exit 2', async (signal) => {
    sim = await startSim({ scenario: 'incident' });
    dir = tempDir('posture-interrupt-');
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
    sim = await startSim({ scenario: 'incident' });
    dir = tempDir('posture-order-');
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
