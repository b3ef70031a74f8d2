// Data that does not fit its schema (gitlab/schemas.ts, model/snapshot-schema.ts) is an error on its target with
// exit 2: a saved snapshot edited by hand, a corrupt --since-last state, a GitLab answer with a value GitLab never
// sends (lib/api/entities/project.rb exposes visibility as one of Gitlab::VisibilityLevel's string values).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type RunningSim } from '../../sim';
import { ACME_HARDENED, runCli, writeBaseline } from '../helpers/cli';
import type { CheckResult } from '../../model/result';
import type { Snapshot } from '../../model/snapshot';

let sim: RunningSim | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'posture-zod-'));
  dirs.push(d);
  return d;
}

/** A hardened instance (exit 0) saved as a snapshot, then the simulator closed: the offline checks below read only the file. */
async function savedSnapshot(): Promise<{ baseline: string; file: string; snapshot: Snapshot }> {
  sim = await startSim({ scenario: 'hardened' });
  const d = dir();
  const baseline = writeBaseline(d, sim.url, ACME_HARDENED);
  const file = join(d, 'snap.json');
  const live = await runCli(['check', '--baseline', baseline, '--format', 'json', '--save-snapshot', file], { GITLAB_TOKEN: sim.tokens.owner });
  expect(live.code).toBe(0);
  await sim.close();
  sim = undefined;
  return { baseline, file, snapshot: JSON.parse(readFileSync(file, 'utf8')) as Snapshot };
}


describe('check --from-snapshot validates the snapshot per target', () => {
  it('"visibility": "publik" on one project: an error on that project naming file and key path, exit 2, never compliant', async () => {
    const { baseline, file, snapshot } = await savedSnapshot();
    const i = snapshot.projects.findIndex((p) => p.target.path === 'acme/web');
    expect(i).toBeGreaterThanOrEqual(0);
    (snapshot.projects[i]!.project as unknown as { value: Record<string, unknown> }).value.visibility = 'publik';
    writeFileSync(file, JSON.stringify(snapshot));

    const run = await runCli(['check', '--baseline', baseline, '--from-snapshot', file, '--format', 'json'], {});
    expect(run.code).toBe(2);
    const result = JSON.parse(run.stdout) as CheckResult;
    const errors = result.errors.filter((e) => e.target.path === 'acme/web');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain(`projects[${i}].project.value.visibility: expected one of private | internal | public, got "publik"`);
    expect(errors[0]!.message).toContain(file);
    expect(errors[0]!.message).toContain('check --save-snapshot');
    expect(errors[0]!.rules).toContain('visibility.project');
    // Only that project is in error; the others are still judged.
    expect(result.errors.map((e) => e.target.path)).toEqual(['acme/web']);
    expect(result.summary).toMatchObject({ errors: 1, complete: false });
  });

  it('a group without two_factor_grace_period: an error, never "grace period of undefined hours"', async () => {
    const { baseline, file, snapshot } = await savedSnapshot();
    const i = snapshot.groups.findIndex((g) => g.target.path === 'acme');
    delete (snapshot.groups[i]!.group as unknown as { value: Record<string, unknown> }).value.two_factor_grace_period;
    writeFileSync(file, JSON.stringify(snapshot));

    for (const format of ['json', 'table', 'markdown']) {
      const run = await runCli(['check', '--baseline', baseline, '--from-snapshot', file, '--format', format], {});
      expect(run.code).toBe(2);
      expect(run.all).not.toMatch(/undefined/);
    }
    const run = await runCli(['check', '--baseline', baseline, '--from-snapshot', file, '--format', 'json'], {});
    const result = JSON.parse(run.stdout) as CheckResult;
    const error = result.errors.find((e) => e.target.path === 'acme');
    expect(error?.message).toContain(`groups[${i}].group.value.two_factor_grace_period: expected number, missing`);
    expect(error?.rules).toContain('two-factor.required');
  });

  it('an envelope that does not fit refuses the file with the key path and what to do (exit 2, no stack trace)', async () => {
    const { baseline, file, snapshot } = await savedSnapshot();
    (snapshot.gitlab as unknown as Record<string, unknown>).tier = 'gold';
    writeFileSync(file, JSON.stringify(snapshot));
    const run = await runCli(['check', '--baseline', baseline, '--from-snapshot', file], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--from-snapshot ${file}: gitlab.tier: expected one of free | premium | ultimate, got "gold"`);
    expect(run.stderr).toContain('check --save-snapshot');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('check --since-last validates the state file', () => {
  it('a corrupt value in the state is named (file and key path) and a full check reads everything live instead', async () => {
    sim = await startSim({ scenario: 'hardened' });
    const d = dir();
    const baseline = writeBaseline(d, sim.url, ACME_HARDENED);
    const stateDir = join(d, 'state');
    const args = ['check', '--baseline', baseline, '--format', 'json', '--since-last', '--state-dir', stateDir];
    expect((await runCli(args, { GITLAB_TOKEN: sim.tokens.admin })).code).toBe(0);
    const file = join(stateDir, 'last-snapshot.json');
    const state = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
    const i = state.projects.findIndex((p) => p.target.path === 'acme/web');
    (state.projects[i]!.project as unknown as { value: Record<string, unknown> }).value.visibility = 'publik';
    writeFileSync(file, JSON.stringify(state));

    const run = await runCli(args, { GITLAB_TOKEN: sim.tokens.admin });
    expect(run.stderr).toContain(`${file}: projects[${i}].project.value.visibility: expected one of private | internal | public, got "publik"`);
    expect(run.stderr).toContain('running a full check');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as CheckResult;
    expect(result.summary).toMatchObject({ errors: 0, findings: 0, complete: true });
  });
});

describe('GitLab answers are validated where they are read', () => {
  it('a project listed with a visibility GitLab never sends: an error on that project naming the endpoint and field, exit 2', async () => {
    sim = await startSim({ scenario: 'hardened' });
    const web = sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!;
    (web as unknown as Record<string, unknown>).visibility = 'publik';
    const d = dir();
    const run = await runCli(['check', '--baseline', writeBaseline(d, sim.url, ACME_HARDENED), '--format', 'json'], { GITLAB_TOKEN: sim.tokens.owner });
    expect(run.code).toBe(2);
    const result = JSON.parse(run.stdout) as CheckResult;
    const errors = result.errors.filter((e) => e.target.path === 'acme/web');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain(`GET /projects/${web.id} -> bad_response: unexpected answer, visibility: expected one of private | internal | public, got "publik"`);
    expect(errors[0]!.rules).toContain('visibility.project');
    expect(result.errors.map((e) => e.target.path)).toEqual(['acme/web']);
    expect(run.all).not.toContain(sim.tokens.owner);
  });

  it('a hook whose enable_ssl_verification is not a boolean: an error on that project for GET /projects/:id/hooks', async () => {
    sim = await startSim({ scenario: 'hardened' });
    const withHook = sim.state.projects.find((p) => p.hooks.length > 0)!;
    expect(withHook).toBeDefined();
    (withHook.hooks[0] as unknown as Record<string, unknown>).enable_ssl_verification = 'yes';
    const d = dir();
    const run = await runCli(['check', '--baseline', writeBaseline(d, sim.url, ACME_HARDENED), '--format', 'json'], { GITLAB_TOKEN: sim.tokens.owner });
    expect(run.code).toBe(2);
    const result = JSON.parse(run.stdout) as CheckResult;
    const error = result.errors.find((e) => e.target.path === withHook.path_with_namespace);
    expect(error?.message).toContain(`GET /projects/${withHook.id}/hooks -> bad_response: unexpected answer, [0].enable_ssl_verification: expected boolean, got "yes"`);
    expect(error?.rules).toContain('webhooks.ssl-verification');
    expect(result.errors.map((e) => e.target.path)).toEqual([withHook.path_with_namespace]);
  });
});
