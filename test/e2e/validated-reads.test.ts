// Issue 15 item 4 beyond the collector: every read that feeds a decision is checked against its schema where it is
// read (gitlab/schemas.ts for GitLab's answers, the journal, watch state and stream schemas for our own files), and
// a value that does not fit is an error on that target (exit 2, or a refused undo), never a pass, never a stack trace.
// GitLab shapes: API::Entities::AuditEvent (ee/lib/api/entities/audit_event.rb), API::Entities::Project
// (lib/api/entities/project.rb), API::Entities::ProtectedBranch (lib/api/entities/protected_branch.rb).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../sim/server';
import { ACME_HARDENED, runCli, tempDir, writeBaseline } from '../helpers/cli';
import { run } from '../helpers/revert-io';
import { GitlabClient } from '../../gitlab/client';
import { BadResponseError } from '../../gitlab/errors';
import { readObject } from '../../checks/revert/before';
import { groupProjectPages } from '../../gitlab/projects';
import { scriptServer, type ScriptServer } from '../gitlab/script-server';
import type { DetectResult } from '../../detections/model';

let sim: RunningSim | undefined;
let server: ScriptServer | undefined;
afterEach(async () => {
  await sim?.close();
  await server?.close();
  sim = undefined;
  server = undefined;
});

const STACK = /\n\s+at /;

/** The incident scenario with one stored audit event of acme/web given a value GitLab never sends. */
async function incidentWithBadEvent(field: 'author_id' | 'created_at'): Promise<{ sim: RunningSim; webId: number }> {
  const s = await startSim({ scenario: 'incident' });
  const web = s.state.projects.find((p) => p.path_with_namespace === 'acme/web')!;
  const event = s.state.audit_events.find((e) => e.entity_type === 'Project' && e.entity_id === web.id)!;
  expect(event).toBeDefined();
  if (field === 'author_id') (event as unknown as Record<string, unknown>).author_id = 'mallory';
  // Still a date to the simulator's time filter (so the event is served), but not ISO 8601 as GitLab writes it.
  else event.created_at = event.created_at.replace('T', ' ');
  return { sim: s, webId: web.id };
}

describe('audit events (explain, detect) are checked page by page against the AuditEvent entity', () => {
  it('detect: an event whose author_id is not a number makes its project unreadable, exit 2, never "no match"', async () => {
    const made = await incidentWithBadEvent('author_id');
    sim = made.sim;
    const dir = tempDir('posture-valid-');
    const r = await runCli(['detect', '--baseline', writeBaseline(dir, sim.url, ACME_HARDENED), '--since', '7d', '--format', 'json'], { GITLAB_TOKEN: sim.tokens.owner });
    expect(r.code).toBe(2);
    const result = JSON.parse(r.stdout) as DetectResult;
    expect(result.summary.complete).toBe(false);
    expect(result.summary.unreadable).toContain('project:acme/web');
    const error = result.errors.find((e) => e.path === 'acme/web');
    expect(error?.message).toMatch(new RegExp(`^GET /projects/${made.webId}/audit_events -> bad_response: unexpected answer, \\[\\d+\\]\\.author_id: expected number, got "mallory"\\.`));
    expect(r.all).not.toContain(sim.tokens.owner);
    expect(r.all).not.toMatch(STACK);
  });

  it('explain: a created_at that is not a date says the events of that target could not be read, naming field and value', async () => {
    const made = await incidentWithBadEvent('created_at');
    sim = made.sim;
    const dir = tempDir('posture-valid-');
    const r = await runCli(['explain', '--baseline', writeBaseline(dir, sim.url, ACME_HARDENED), '--format', 'json', '--only', 'visibility.project'], {
      GITLAB_TOKEN: sim.tokens.owner,
    });
    expect(r.code).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: { target: { path: string }; explanation: { unavailable?: string; author?: string } }[] }).findings;
    const web = findings.find((f) => f.target.path === 'acme/web')!;
    expect(web.explanation.author).toBeUndefined();
    expect(web.explanation.unavailable).toMatch(
      new RegExp(`its audit events could not be read: GET /projects/${made.webId}/audit_events -> bad_response: unexpected answer, \\[\\d+\\]\\.created_at: expected an ISO 8601 date-time, got "\\d{4}-\\d\\d-\\d\\d \\d`),
    );
    expect(r.all).not.toMatch(STACK);
  });
});

describe('revert and undo read objects through the entity schemas', () => {
  it('a before-read missing push_access_levels is refused with the endpoint and field (no write is made on it)', async () => {
    server = await scriptServer(() => ({ status: 200, body: { id: 7, name: 'main', allow_force_push: true, merge_access_levels: [] } }));
    const client = new GitlabClient({ url: server.url, token: 'glpat-test-token-0000000000' });
    const err = await readObject(client, '/projects/12/protected_branches/main').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadResponseError);
    expect((err as Error).message).toBe(
      'GET /projects/12/protected_branches/main -> bad_response: unexpected answer, push_access_levels: expected array, missing. ' +
        'gitlab-posture cannot judge a value it does not understand; check that the URL points at GitLab (not a proxy) and report the GitLab version if it does.',
    );
  });

  it('a group before-read with a visibility GitLab never sends is refused; a 404 is still "absent"', async () => {
    server = await scriptServer((req) =>
      req.path.endsWith('/groups/3')
        ? { status: 200, body: { id: 3, path: 'acme', full_path: 'acme', parent_id: null, visibility: 'publik', require_two_factor_authentication: true, two_factor_grace_period: 8, project_creation_level: 'maintainer', subgroup_creation_level: 'owner', default_branch_protection: 2 } }
        : { status: 404, body: { message: '404 Not found' } },
    );
    const client = new GitlabClient({ url: server.url, token: 'glpat-test-token-0000000000' });
    await expect(readObject(client, '/groups/3?with_projects=false')).rejects.toThrow(
      'GET /groups/3?with_projects=false -> bad_response: unexpected answer, visibility: expected one of private | internal | public, got "publik".',
    );
    expect(await readObject(client, '/projects/12/hooks/9')).toBeNull();
  });

  it('revert: a re-read missing public_jobs after the write is not verified, names the field, exit 2', async () => {
    sim = await startSim({ scenario: 'incident' });
    const dir = tempDir('posture-valid-');
    const baseline = writeBaseline(dir, sim.url, ACME_HARDENED);
    const infra = sim.state.projects.find((p) => p.path_with_namespace === 'acme/platform/infra')!;
    const r = await run(['revert', '--baseline', baseline, '--yes', '--journal', dir, '--only', 'ci.public-jobs'], { GITLAB_TOKEN: sim.tokens.owner }, {
      hooks: { afterWrite: () => void delete (infra as unknown as Record<string, unknown>).public_jobs },
    });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain(`could not re-read to verify: GET /projects/${infra.id} -> bad_response: unexpected answer, public_jobs: expected boolean, missing.`);
    expect(r.stdout + r.stderr).not.toMatch(STACK);
  });

  it('undo: a journal line whose target id is a string is refused with file:line and key path, nothing written', async () => {
    sim = await startSim({ scenario: 'incident' });
    const dir = tempDir('posture-valid-');
    const baseline = writeBaseline(dir, sim.url, ACME_HARDENED);
    const env = { GITLAB_TOKEN: sim.tokens.owner };
    let file = '';
    const r = await run(['revert', '--baseline', baseline, '--yes', '--journal', dir, '--only', 'ci.public-jobs'], env, { onJournal: (_id, f) => void (file = f) });
    expect(r.code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const n = lines.findIndex((l) => l.outcome === 'pending');
    const target = lines[n]!.target as { id: number };
    lines[n]!.target = { ...target, id: String(target.id) };
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    sim.resetCounts();

    const u = await run(['undo', file, '--yes', '--baseline', baseline], env);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain(`${file}:${n + 1}: target.id: expected number, got "${target.id}": not a gitlab-posture journal record. The file was edited or damaged`);
    expect(u.stderr).not.toMatch(STACK);
    expect(Object.keys(sim.counts()).filter((k) => !k.startsWith('GET '))).toEqual([]);
  });

  it('undo: an outcome the journal format does not have is refused, not skipped', async () => {
    sim = await startSim({ scenario: 'incident' });
    const dir = tempDir('posture-valid-');
    const baseline = writeBaseline(dir, sim.url, ACME_HARDENED);
    const env = { GITLAB_TOKEN: sim.tokens.owner };
    let file = '';
    await run(['revert', '--baseline', baseline, '--yes', '--journal', dir, '--only', 'ci.public-jobs'], env, { onJournal: (_id, f) => void (file = f) });
    const text = readFileSync(file, 'utf8').replace('"outcome":"verified"', '"outcome":"verifed"');
    writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('"verifed"')) + 1;
    const u = await run(['undo', file, '--yes', '--baseline', baseline], env);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain(`${file}:${line}: outcome: expected one of pending | applied | verified | not_verified | failed, got "verifed"`);
  });
});

describe('a group\'s project listing is checked before targets are chosen from it', () => {
  it('a listed project without namespace is a bad answer naming endpoint and field, not a TypeError', async () => {
    server = await scriptServer(() => ({ status: 200, body: [{ id: 12, path_with_namespace: 'acme/web', visibility: 'private' }] }));
    const client = new GitlabClient({ url: server.url, token: 'glpat-test-token-0000000000' });
    const pages = async () => {
      for await (const _page of groupProjectPages(client, 5)) void _page;
    };
    await expect(pages()).rejects.toThrow('GET /groups/5/projects -> bad_response: unexpected answer, [0].namespace: expected object, missing.');
  });

  it('check: a namespace full_path that is not a string stops the run with the endpoint and field, exit 2, no stack trace', async () => {
    sim = await startSim({ scenario: 'hardened' });
    const web = sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!;
    (web.namespace as unknown as Record<string, unknown>).full_path = 42;
    const dir = tempDir('posture-valid-');
    const r = await runCli(['check', '--baseline', writeBaseline(dir, sim.url, ACME_HARDENED), '--format', 'json'], { GITLAB_TOKEN: sim.tokens.owner });
    expect(r.code).toBe(2);
    expect(r.all).toMatch(/GET \/groups\/\d+\/projects -> bad_response: unexpected answer, \[\d+\]\.namespace\.full_path: expected string, got 42/);
    expect(r.all).not.toMatch(STACK);
  });
});

describe('watch state is checked against its schema', () => {
  it('a lastEventId saved as a string stops watch before it listens: file, key path, value and what to do; exit 2', async () => {
    sim = await startSim({ scenario: 'hardened' });
    const dir = tempDir('posture-valid-');
    const state = join(dir, 'watch-state.json');
    writeFileSync(state, JSON.stringify({ schemaVersion: 1, url: sim.url, lastEventId: '41', since: '2026-01-01T00:00:00.000Z', recentIds: [41] }));
    const r = await runCli(['watch', '--baseline', writeBaseline(dir, sim.url, ACME_HARDENED), '--state', state, '--listen', '127.0.0.1:0'], {
      GITLAB_TOKEN: sim.tokens.admin,
      GITLAB_STREAMING_TOKEN: 'stream-token-for-tests-0001',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--state ${state}: lastEventId: expected number, got "41": not a usable gitlab-posture watch state`);
    expect(r.stderr).toContain('Delete it to start without catch-up');
    expect(r.stderr).not.toMatch(STACK);
  });
});
