// revert and undo end to end against the simulator's incident scenario, in-process.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXFIL_HOOK_URL } from '../../sim/scenarios';
import { readJournal, type JournalRecord } from '../../checks/revert/journal';
import { revertWorld, run } from '../helpers/revert-io';

const world = revertWorld({ scenario: 'incident', tier: 'ultimate' });
const { project, group, writes } = world;
const journals = () => readdirSync(world.dir).filter((f) => f.endsWith('.jsonl')).map((f) => join(world.dir, f));

async function remaining(): Promise<{ code: number; findings: string[] }> {
  const r = await run(['check', '--baseline', world.baseline, '--format', 'json'], world.env);
  return { code: r.code, findings: JSON.parse(r.stdout).findings.map((f: { rule: string; setting: string }) => `${f.rule} ${f.setting}`) };
}

/** Every field revert touches in the incident, as the sim holds it (ids of access entries left out). */
function touchedState() {
  const web = project('acme/web');
  const api = project('acme/api');
  const main = web.protected_branches.find((b) => b.name === 'main')!;
  return {
    acme: { tfa: group('acme').require_two_factor_authentication, limit: group('acme').unique_project_download_limit, visibility: group('acme').visibility },
    webVisibility: web.visibility,
    force: main.allow_force_push,
    push: main.push_access_levels.map((e) => e.access_level).sort(),
    author: api.approvals.merge_requests_author_approval,
    approvals: api.approval_rules.map((r) => [r.id, r.approvals_required]),
    hooks: api.hooks.map((h) => ({ url: h.url, ssl: h.enable_ssl_verification, push: h.push_events, mr: h.merge_requests_events })),
    variable: project('acme/platform/deploy').variables.filter((v) => v.key === 'AWS_SECRET_ACCESS_KEY').map((v) => [v.masked, v.protected]),
    publicJobs: project('acme/platform/infra').public_jobs,
  };
}

describe('revert on the incident scenario', () => {
  it('dry run prints the plan, writes nothing and exits 1', async () => {
    const r = await run(['revert', '--baseline', world.baseline, '--dry-run', '--journal', world.dir], world.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('acme/web [branch main]  allow_force_push: true -> false  PATCH /projects/');
    expect(r.stdout).toMatch(/acme\/web  visibility: "public" -> "private"  PUT \/projects\/\d+/);
    expect(writes()).toBe(0);
    expect(journals()).toEqual([]);
  });

  it('reverts every revertible finding; the rest stay listed; the unknown hook is left alone', async () => {
    const r = await run(['revert', '--baseline', world.baseline, '--yes', '--journal', world.dir], world.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('12 of 12 change(s) applied and verified; 2 finding(s) remain');
    // The incident opened acme to make acme/web public; both are closed again (project first, gitlab-api.md §3.3).
    expect([group('acme').visibility, project('acme/web').visibility]).toEqual(['private', 'private']);
    expect(r.stdout).toContain('Left alone, needs --allow-destructive:');
    expect(r.stdout).toContain('Not revertible here (fix by hand):');
    expect(await remaining()).toEqual({ code: 1, findings: ['webhooks.allowed-hosts url', 'webhooks.ssl-verification url'] });
    expect(project('acme/api').hooks.map((h) => h.url)).toContain(EXFIL_HOOK_URL);
    // Changed in place: the Maintainers push entry keeps its id, the Developer one is gone.
    const main = project('acme/web').protected_branches.find((b) => b.name === 'main')!;
    expect(main.push_access_levels.map((e) => e.access_level)).toEqual([40]);
    expect(world.sim.counts()['DELETE /projects/:id/protected_branches/:name'] ?? 0).toBe(0);

    const [file] = journals();
    const records = readJournal(file!);
    const bySeq = new Map<number, string[]>();
    for (const rec of records) bySeq.set(rec.seq, [...(bySeq.get(rec.seq) ?? []), rec.outcome]);
    expect([...bySeq.values()].every((o) => o.join() === 'pending,applied,verified')).toBe(true);
    expect(bySeq.size).toBe(12);
    const variable = records.find((x) => x.rule === 'ci.masked-variables' && x.outcome === 'pending')!;
    expect(variable.before).toMatchObject({ key: 'AWS_SECRET_ACCESS_KEY', masked: false });
    expect(variable.before).not.toHaveProperty('value');
    const text = readFileSync(file!, 'utf8');
    expect(text).not.toContain('wJalrXUtnFEMI');
    for (const t of Object.values(world.sim.tokens)) {
      expect(text).not.toContain(t);
      expect(r.stdout + r.stderr).not.toContain(t);
    }
  });

  it('marks every write with the run id in the user agent of its audit event', async () => {
    const before = world.sim.state.audit_events.length;
    let runId = '';
    const r = await run(['revert', '--baseline', world.baseline, '--yes', '--journal', world.dir], world.env, { onJournal: (id) => void (runId = id) });
    expect(r.code).toBe(1);
    const events = world.sim.state.audit_events.slice(before);
    expect(events.length).toBeGreaterThanOrEqual(8);
    for (const e of events) expect(world.sim.userAgentOf(e.id)).toContain(`run/${runId}`);
  });

  it('deletes the unknown webhook only with --allow-destructive, keeping its config in the journal', async () => {
    const hook = project('acme/api').hooks.find((h) => h.url === EXFIL_HOOK_URL)!;
    const r = await run(['revert', '--baseline', world.baseline, '--yes', '--allow-destructive', '--journal', world.dir], world.env);
    expect(r.code).toBe(0);
    expect(project('acme/api').hooks.map((h) => h.url)).not.toContain(EXFIL_HOOK_URL);
    expect(await remaining()).toEqual({ code: 0, findings: [] });
    const del = readJournal(journals()[0]!).find((x) => x.method === 'DELETE' && x.outcome === 'pending')!;
    expect(del.path).toBe(`/projects/${project('acme/api').id}/hooks/${hook.id}`);
    expect(del.before).toMatchObject({ id: hook.id, url: EXFIL_HOOK_URL, push_events: true, merge_requests_events: true, enable_ssl_verification: false });
    expect(del.unrecoverable).toBe("the hook's secret token cannot be read back");
    // The ssl-verification PUT on the same hook is not attempted: the deletion resolves it.
    expect(world.sim.counts()['PUT /projects/:id/hooks/:hook_id'] ?? 0).toBe(0);
  });

  it('refuses to write without a terminal unless --yes', async () => {
    const r = await run(['revert', '--baseline', world.baseline, '--journal', world.dir], world.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --yes to write, or --dry-run');
    expect(writes()).toBe(0);
  });

  it('refuses a read_api token before planning any write', async () => {
    const r = await run(['revert', '--baseline', world.baseline, '--yes', '--journal', world.dir], { GITLAB_TOKEN: world.sim.tokens.readOnly });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('GITLAB_TOKEN has scope(s) read_api');
    expect(r.stderr).not.toContain(world.sim.tokens.readOnly);
    expect(writes()).toBe(0);
    expect(journals()).toEqual([]);
  });

  it('reports a write GitLab silently ignored (locked approval flag) as not verified, exit 2', async () => {
    const r = await run(['revert', '--baseline', world.baseline, '--yes', '--journal', world.dir, '--only', 'mr-approvals.author-approval'], world.env, {
      hooks: {
        // The group locks the flag between the check and the write: POST /approvals answers 201 and keeps it
        // (docs/gitlab-behaviour.md, Merge request approvals).
        beforeWrite: () => {
          group('acme').approval_settings.merge_requests_author_approval = true;
          group('acme').approval_locks.merge_requests_author_approval = true;
        },
      },
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('NOT VERIFIED');
    const last = readJournal(journals()[0]!).at(-1)!;
    expect(last).toMatchObject({ outcome: 'not_verified', status: 201, rule: 'mr-approvals.author-approval' });
    expect(last.detail).toContain('still shows merge_requests_author_approval = true');
    expect(last.detail).toContain('docs/gitlab-behaviour.md, Merge request approvals');
    expect(last.detail).not.toContain('gitlab-api.md');
  });
});

describe('crash recovery', () => {
  const crashAt = (rule: string, when: 'beforeWrite' | 'afterWrite') => ({
    hooks: {
      [when]: (s: { id: { rule: string } }) => {
        if (s.id.rule === rule) throw new Error('simulated crash');
      },
    },
    concurrency: 1,
  });

  it('between journal and write: the journal says not applied, a second revert finishes', async () => {
    const first = await run(['revert', '--baseline', world.baseline, '--yes', '--journal', world.dir, '--concurrency', '1'], world.env, crashAt('protected-branches.force-push', 'beforeWrite'));
    expect((first.thrown as Error).message).toBe('simulated crash');
    const main = () => project('acme/web').protected_branches.find((b) => b.name === 'main')!;
    expect(main().allow_force_push).toBe(true);
    const records = readJournal(journals()[0]!);
    const force = records.filter((x) => x.rule === 'protected-branches.force-push');
    expect(force.map((x) => x.outcome)).toEqual(['pending']);
    expect(records.filter((x) => x.rule === 'protected-branches.push')).toEqual([]);

    const second = await run(['revert', '--baseline', world.baseline, '--yes', '--journal', world.dir], world.env);
    expect(second.code).toBe(1);
    expect(main().allow_force_push).toBe(false);
    expect(await remaining()).toEqual({ code: 1, findings: ['webhooks.allowed-hosts url', 'webhooks.ssl-verification url'] });
  });

  it('between write and verify: the journal says applied, a second revert does not write it again', async () => {
    const first = await run(['revert', '--baseline', world.baseline, '--yes', '--journal', world.dir, '--concurrency', '1'], world.env, crashAt('ci.public-jobs', 'afterWrite'));
    expect((first.thrown as Error).message).toBe('simulated crash');
    expect(project('acme/platform/infra').public_jobs).toBe(false);
    const outcomes = readJournal(journals()[0]!).filter((x) => x.rule === 'ci.public-jobs').map((x) => x.outcome);
    expect(outcomes).toEqual(['pending', 'applied']);

    let secondRun = '';
    const second = await run(['revert', '--baseline', world.baseline, '--yes', '--journal', world.dir], world.env, { onJournal: (id) => void (secondRun = id) });
    expect(second.code).toBe(1);
    const again = readJournal(join(world.dir, `${secondRun}.jsonl`));
    expect(again.some((x) => x.rule === 'ci.public-jobs')).toBe(false);
    expect(await remaining()).toEqual({ code: 1, findings: ['webhooks.allowed-hosts url', 'webhooks.ssl-verification url'] });
  });
});

describe('undo', () => {
  it('restores the exact before state of every touched field, newest first, visibility parents first', async () => {
    const before = touchedState();
    let file = '';
    const r = await run(['revert', '--baseline', world.baseline, '--yes', '--journal', world.dir], world.env, { onJournal: (_id, f) => void (file = f) });
    expect(r.code).toBe(1);
    expect(touchedState()).not.toEqual(before);

    const u = await run(['undo', file, '--yes', '--baseline', world.baseline], world.env);
    expect(u.stderr).toBe('');
    expect(u.code).toBe(0);
    expect(u.stdout).toContain('12 of 12 value(s) restored and verified.');
    expect(touchedState()).toEqual(before);
    expect([group('acme').visibility, project('acme/web').visibility]).toEqual(['public', 'public']);
    // Its own journal, with the same discipline and a pointer to what it undid.
    const own = journals().filter((f) => f !== file);
    expect(own).toHaveLength(1);
    const recs: JournalRecord[] = readJournal(own[0]!);
    expect(recs.filter((x) => x.outcome === 'verified')).toHaveLength(12);
    expect(recs[0]!.undoOf?.run).toBe(readJournal(file)[0]!.run);
    // Newest first: the first restore undoes the last non-visibility step written. Visibility restores come
    // after, the group before its project: GitLab refuses a project more open than its group (gitlab-api.md §3.3).
    const original = readJournal(file).filter((x) => x.outcome === 'pending');
    const isVisibility = (x: JournalRecord) => x.rule.startsWith('visibility.');
    expect(recs[0]!.undoOf?.seq).toBe(original.filter((x) => !isVisibility(x)).at(-1)!.seq);
    const restored = recs.filter((x) => x.outcome === 'pending' && isVisibility(x)).map((x) => [x.rule, x.target.path]);
    expect(restored).toEqual([['visibility.group', 'acme'], ['visibility.project', 'acme/web']]);
    expect(recs.slice(-6).every(isVisibility)).toBe(true);
    expect(readFileSync(own[0]!, 'utf8') + u.stdout + u.stderr).not.toContain(world.sim.tokens.owner);
  });

  it('recreates a deleted hook from the journal and says its secret token is lost', async () => {
    let file = '';
    await run(['revert', '--baseline', world.baseline, '--yes', '--allow-destructive', '--journal', world.dir, '--only', 'webhooks.*'], world.env, { onJournal: (_id, f) => void (file = f) });
    expect(project('acme/api').hooks.some((h) => h.url === EXFIL_HOOK_URL)).toBe(false);
    const u = await run(['undo', file, '--yes', '--baseline', world.baseline], world.env);
    expect(u.code).toBe(0);
    expect(u.stdout).toContain("the hook's secret token cannot be read back");
    const hook = project('acme/api').hooks.find((h) => h.url === EXFIL_HOOK_URL)!;
    expect({ ssl: hook.enable_ssl_verification, push: hook.push_events, mr: hook.merge_requests_events }).toEqual({ ssl: false, push: true, mr: true });
  });

  it('undo of the visibility revert opens the group again, then the project (parents first), exit 0', async () => {
    let file = '';
    await run(['revert', '--baseline', world.baseline, '--yes', '--journal', world.dir, '--only', 'visibility.*'], world.env, { onJournal: (_id, f) => void (file = f) });
    expect([group('acme').visibility, project('acme/web').visibility]).toEqual(['private', 'private']);
    const events = world.sim.state.audit_events.length;
    const u = await run(['undo', file, '--yes', '--baseline', world.baseline], world.env);
    expect(u.stderr).toBe('');
    expect(u.code).toBe(0);
    expect(u.stdout).toContain('2 of 2 value(s) restored and verified.');
    expect([group('acme').visibility, project('acme/web').visibility]).toEqual(['public', 'public']);
    const order = world.sim.state.audit_events.slice(events).filter((e) => /visibility_level_updated$/.test(e.event_name ?? '')).map((e) => e.details.entity_path);
    expect(order).toEqual(['acme', 'acme/web']);
  });

  it('a restore GitLab refuses is reported and exits 2 (the group was closed again after the revert)', async () => {
    let file = '';
    await run(['revert', '--baseline', world.baseline, '--yes', '--journal', world.dir, '--only', 'visibility.project'], world.env, { onJournal: (_id, f) => void (file = f) });
    expect([group('acme').visibility, project('acme/web').visibility]).toEqual(['public', 'private']);
    // Someone closes acme by hand; GitLab now refuses to make acme/web public again (gitlab-api.md §3.3).
    group('acme').visibility = 'private';
    const u = await run(['undo', file, '--yes', '--baseline', world.baseline], world.env);
    expect(u.code).toBe(2);
    expect(u.stdout).toMatch(/FAILED  acme\/web  visibility  PUT \/projects\/\d+\n\s+PUT \/projects\/\d+ -> 400/);
    expect(project('acme/web').visibility).toBe('private');
  });

  it('skips a step whose write never happened (crash after its pending record)', async () => {
    let file = '';
    await run(['revert', '--baseline', world.baseline, '--yes', '--journal', world.dir, '--concurrency', '1', '--only', 'protected-branches.*'], world.env, {
      onJournal: (_id, f) => void (file = f),
      hooks: { beforeWrite: (s) => { if (s.id.rule === 'protected-branches.push') throw new Error('simulated crash'); } },
    });
    // The crash left no end record: undo refuses the cut-off journal, and with --partial undoes what it holds.
    const refused = await run(['undo', file, '--yes', '--baseline', world.baseline], world.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('missing: the end record');
    const u = await run(['undo', file, '--yes', '--baseline', world.baseline, '--partial'], world.env);
    expect(u.code).toBe(2);
    expect(u.stdout).toContain('Partial journal (--partial): undoing only the steps it holds.');
    expect(u.stdout).toContain('skipped  acme/web [branch main]  push_access_levels: the write never happened');
    expect(project('acme/web').protected_branches.find((b) => b.name === 'main')!.allow_force_push).toBe(true);
  });

  it('refuses when GITLAB_URL names another server', async () => {
    let file = '';
    await run(['revert', '--baseline', world.baseline, '--yes', '--journal', world.dir, '--only', 'ci.public-jobs'], world.env, { onJournal: (_id, f) => void (file = f) });
    const writesBefore = writes();
    const u = await run(['undo', file, '--yes'], { ...world.env, GITLAB_URL: 'https://gitlab.other.example' });
    expect(u.code).toBe(2);
    expect(u.stderr).toContain(`was written against ${world.sim.url}, but GITLAB_URL names https://gitlab.other.example`);
    expect(writes()).toBe(writesBefore);
    expect(existsSync(file)).toBe(true);
  });
});
