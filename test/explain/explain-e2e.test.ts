// explain end to end on the simulator's incident scenario (mallory's changes, from 203.0.113.9).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';
import { clientAuditReader } from '../../checks/explain';
import { GitlabClient } from '../../gitlab/client';
import { startSim, type RunningSim } from '../../sim/server';
import { ATTACKER_IP } from '../../sim/scenarios';
import { runCli } from '../helpers/cli';

let sim: RunningSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function baselineFile(): string {
  const dir = tempDir('posture-explain-');
  const file = join(dir, 'baseline.yaml');
  writeFileSync(file, 'targets: { groups: [acme] }\nprofile: hardened\n');
  return file;
}

interface JsonFinding {
  rule: string;
  setting: string;
  target: { path: string };
  explanation: Record<string, unknown>;
}

const auditCounts = (s: RunningSim) => Object.fromEntries(Object.entries(s.counts()).filter(([k]) => /audit_events|\/users/.test(k)));

describe('explain on the incident scenario', () => {
  it('names mallory, her IP and the change for every audited finding; says why for the rest', async () => {
    sim = await startSim({ scenario: 'incident' });
    const file = baselineFile();
    sim.resetCounts();
    const r = await runCli(['explain', '--baseline', file, '--format', 'json'], { GITLAB_TOKEN: sim.tokens.owner, GITLAB_URL: sim.url });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
    const got = findings.map((f) => {
      const e = f.explanation;
      return 'unavailable' in e
        ? [f.rule, f.target.path, f.setting, 'unavailable']
        : [f.rule, f.target.path, f.setting, e.author, e.ip, e.event_name, e.from, e.to];
    });
    expect(got).toEqual([
      ['git-abuse.download-limit', 'acme', 'unique_project_download_limit', 'unavailable'],
      ['two-factor.required', 'acme', 'require_two_factor_authentication', 'mallory', ATTACKER_IP, 'group_require_two_factor_authentication_updated', true, false],
      // The REST API sends from/to as strings (AuditEvents::CommonModel#formatted_details): shown typed, in the setting's terms.
      ['visibility.group', 'acme', 'visibility', 'mallory', ATTACKER_IP, 'group_visibility_level_updated', 'private', 'public'],
      // Logged inverted by GitLab ("prevent merge request approval from authors": true -> false); shown in the setting's own sense.
      ['mr-approvals.author-approval', 'acme/api', 'merge_requests_author_approval', 'mallory', ATTACKER_IP, 'project_merge_requests_author_approval_updated', false, true],
      ['mr-approvals.min-approvals', 'acme/api', 'approvals_required', 'mallory', ATTACKER_IP, 'update_approval_rules', 2, 0],
      ['webhooks.ssl-verification', 'acme/api', 'enable_ssl_verification', 'mallory', ATTACKER_IP, 'webhook_created', null, false],
      ['webhooks.ssl-verification', 'acme/api', 'url', 'mallory', ATTACKER_IP, 'webhook_created', null, 'http'],
      ['ci.masked-variables', 'acme/platform/deploy', 'masked', 'mallory', ATTACKER_IP, 'ci_variable_created', null, false],
      ['ci.masked-variables', 'acme/platform/deploy', 'protected', 'mallory', ATTACKER_IP, 'ci_variable_created', null, false],
      ['ci.public-jobs', 'acme/platform/infra', 'public_jobs', 'unavailable'],
      ['protected-branches.force-push', 'acme/web', 'allow_force_push', 'mallory', ATTACKER_IP, 'protected_branch_allow_force_push_updated', false, true],
      ['protected-branches.push', 'acme/web', 'push_access_levels', 'mallory', ATTACKER_IP, 'protected_branch_updated', [40], [40, 30]],
      ['visibility.project', 'acme/web', 'visibility', 'mallory', ATTACKER_IP, 'project_visibility_level_updated', 'private', 'public'],
    ]);
    const byRule = (rule: string) => findings.find((f) => f.rule === rule)!.explanation;
    expect(byRule('git-abuse.download-limit').unavailable).toBe('GitLab does not audit group Git abuse rate limit settings (no audit event type exists; see docs/gitlab-behaviour.md)');
    expect(String(byRule('ci.public-jobs').unavailable)).toMatch(/^GitLab does not audit public_jobs/);
    expect(String(byRule('webhooks.ssl-verification').note)).toMatch(/no webhook edits/);
    // The event ids are the sim's own records of those changes.
    const event = sim.state.audit_events.find((e) => e.id === byRule('visibility.project').event_id)!;
    expect(event.details.target_details).toBe('acme/web');
    const groupEvent = sim.state.audit_events.find((e) => e.id === byRule('visibility.group').event_id)!;
    expect([groupEvent.entity_type, groupEvent.details.entity_path]).toEqual(['Group', 'acme']);

    // Once per target with an explainable finding (acme; acme/api, deploy, web — not infra, whose only
    // finding GitLab never audits), and one user lookup for mallory.
    expect(auditCounts(sim)).toEqual({ 'GET /groups/:id/audit_events': 1, 'GET /projects/:id/audit_events': 3, 'GET /users/:id': 1 });
    expect(r.all).not.toContain(sim.tokens.owner);
  });

  it('shows the explanation in table, markdown and html', async () => {
    sim = await startSim({ scenario: 'incident' });
    const file = baselineFile();
    const env = { GITLAB_TOKEN: sim.tokens.owner, GITLAB_URL: sim.url };
    for (const format of ['table', 'markdown', 'html']) {
      const r = await runCli(['explain', '--baseline', file, '--format', format, '--only', 'visibility.*'], env);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`changed by mallory at`);
      expect(r.stdout).toContain(`from ${ATTACKER_IP} (project_visibility_level_updated`);
      expect(r.stdout).toContain(`from ${ATTACKER_IP} (group_visibility_level_updated`);
      expect(r.stdout).toMatch(/"?private"? -(>|&gt;) "?public"?/);
    }
  });

  it('on a Free instance says there is no audit events API and reads none', async () => {
    sim = await startSim({ scenario: 'incident', tier: 'free' });
    const file = baselineFile();
    sim.resetCounts();
    const r = await runCli(['explain', '--baseline', file, '--format', 'json'], { GITLAB_TOKEN: sim.tokens.owner, GITLAB_URL: sim.url });
    expect(r.code).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.length).toBeGreaterThan(3);
    for (const f of findings) expect(f.explanation).toEqual({ unavailable: 'GitLab Free has no audit events API (Premium and above; see docs/gitlab-behaviour.md)' });
    expect(auditCounts(sim)).toEqual({});
  });

  it('says when no event falls in the window, and falls back to a saved snapshot', async () => {
    // Yesterday's snapshot of the still-hardened instance; same builders, so the same ids.
    const before = await startSim({ scenario: 'hardened' });
    const file = baselineFile();
    const snap = join(tempDir('posture-snap-'), 'before.json');
    try {
      const saved = await runCli(['check', '--baseline', file, '--format', 'json', '--save-snapshot', snap], { GITLAB_TOKEN: before.tokens.owner, GITLAB_URL: before.url });
      expect(saved.code).toBe(0);
    } finally {
      await before.close();
    }
    sim = await startSim({ scenario: 'incident' });
    const env = { GITLAB_TOKEN: sim.tokens.owner, GITLAB_URL: sim.url };
    // Mallory's changes are 50-60 hours old: a 1-day window holds none of them.
    const r = await runCli(['explain', '--baseline', file, '--since', '1d', '--format', 'json', '--only', 'visibility.*,protected-branches.*'], env);
    const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.map((f) => f.explanation.unavailable)).toEqual([
      'no audit event in the last 1d changed visibility on acme (looked for group_visibility_level_updated)',
      'no audit event in the last 1d changed allow_force_push of branch main on acme/web (looked for protected_branch_allow_force_push_updated, protected_branch_updated, protected_branch_created)',
      'no audit event in the last 1d changed push_access_levels of branch main on acme/web (looked for protected_branch_updated, protected_branch_created)',
      'no audit event in the last 1d changed visibility on acme/web (looked for project_visibility_level_updated)',
    ]);

    const withSnap = await runCli(
      ['explain', '--baseline', file, '--since', '1d', '--format', 'json', '--only', 'visibility.*,protected-branches.*', '--previous-snapshot', snap],
      env,
    );
    const takenAt = (JSON.parse((await import('node:fs')).readFileSync(snap, 'utf8')) as { takenAt: string }).takenAt;
    const texts = (JSON.parse(withSnap.stdout) as { findings: JsonFinding[] }).findings.map((f) => String(f.explanation.unavailable).split('; ')[1]);
    expect(texts).toEqual([
      `it was private in the snapshot of ${takenAt} (meeting the baseline), so it changed after that`,
      `it was false in the snapshot of ${takenAt} (meeting the baseline), so it changed after that`,
      `it was [40] in the snapshot of ${takenAt} (meeting the baseline), so it changed after that`,
      `it was private in the snapshot of ${takenAt} (meeting the baseline), so it changed after that`,
    ]);
  });

  it('rejects an unreadable --since before contacting GitLab', async () => {
    const r = await runCli(['explain', '--baseline', baselineFile(), '--since', 'forever'], { GITLAB_TOKEN: 'glpat-unused', GITLAB_URL: 'http://127.0.0.1:9' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--since <window>' argument 'forever' is invalid. expected a duration like 30d, 12h or 2w, or an ISO date like 2026-03-01.");
  });

  it('--since takes an ISO date as detect does (issue 15): the window runs from that day', async () => {
    sim = await startSim({ scenario: 'incident' });
    const file = baselineFile();
    const env = { GITLAB_TOKEN: sim.tokens.owner, GITLAB_URL: sim.url };
    const byDate = await runCli(['explain', '--baseline', file, '--since', '2000-01-01', '--format', 'json', '--only', 'visibility.*'], env);
    expect(byDate.code).toBe(1);
    const explained = (JSON.parse(byDate.stdout) as { findings: { explanation?: { author?: string } }[] }).findings.map((f) => f.explanation?.author);
    expect(explained).toContain('mallory');
    const future = await runCli(['explain', '--baseline', file, '--since', '2999-01-01'], env);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('--since 2999-01-01: that is in the future');
  });

  it('names a deleted author by the name the event kept', async () => {
    sim = await startSim({ scenario: 'incident' });
    const reader = clientAuditReader(new GitlabClient({ url: sim.url, token: sim.tokens.owner }));
    const mallory = sim.state.users.find((u) => u.username === 'mallory')!;
    expect(await reader.username(mallory.id, 'Mallory M')).toBe('mallory');
    expect(await reader.username(987654, 'Former Employee')).toBe('Former Employee');
    expect(await reader.username(0, undefined)).toBe('user 0');
  });
});
