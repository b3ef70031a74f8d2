// GET /groups/:id embeds up to 100 of the group's projects unless with_projects=false (lib/api/groups.rb,
// Entities::GroupDetail): every group read of `check` sends it. Issue 13, item 10.
import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { startSim, type RunningSim } from '../../sim';
import { recordingProxy, type RecordingProxy } from '../helpers/record-proxy';
import { ACME_HARDENED, runCli, tempDir, writeBaseline } from '../helpers/cli';

let sim: RunningSim | undefined;
let proxy: RecordingProxy | undefined;
let dir: string | undefined;
afterEach(async () => {
  await proxy?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  sim = proxy = dir = undefined;
});

describe('group reads', () => {
  it('every GET /groups/:id of check (tier detection, targets, re-reads) sends with_projects=false', async () => {
    sim = await startSim({ scenario: 'incident' });
    proxy = await recordingProxy(sim.url);
    dir = tempDir();
    const run = await runCli(['check', '--baseline', writeBaseline(dir, proxy.url, ACME_HARDENED), '--format', 'json'], { GITLAB_TOKEN: sim.tokens.owner });
    expect(run.code).toBe(1);
    const groupReads = proxy.seen.filter((r) => r.method === 'GET' && /^\/api\/v4\/groups\/[^/?]+(\?|$)/.test(r.url));
    expect(groupReads.length).toBeGreaterThan(0);
    expect(groupReads.filter((r) => new URL(r.url, 'http://x').searchParams.get('with_projects') !== 'false')).toEqual([]);
  });

  it('the simulator embeds projects like GitLab when with_projects is absent, and not when it is false', async () => {
    sim = await startSim({ scenario: 'incident' });
    const get = async (q: string) =>
      (await (await fetch(`${sim!.apiUrl}/groups/acme${q}`, { headers: { 'PRIVATE-TOKEN': sim!.tokens.owner } })).json()) as Record<string, unknown>;
    expect(((await get('')).projects as unknown[]).length).toBe(3);
    expect('projects' in (await get('?with_projects=false'))).toBe(false);
  });
});
