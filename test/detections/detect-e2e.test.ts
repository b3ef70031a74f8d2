// detect end to end against the simulator's incident scenario: mallory's changes match the expected rules,
// a non-admin token lists the instance as unreadable without failing, and bad rules stop before any request.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../sim/server';
import { ATTACKER_IP } from '../../sim/scenarios';
import type { DetectResult } from '../../detections/model';
import { loadRules } from '../../detections/engine';
import { ACME_HARDENED, runCli, tempDir, writeBaseline } from '../helpers/cli';

const SHIPPED_RULES = loadRules().rules.length;

const EXPECTED = [
  ['group_require_two_factor_authentication_updated', 'rules/two-factor-weakened.yml'],
  ['group_visibility_level_updated', 'rules/visibility-made-public.yml'],
  ['project_visibility_level_updated', 'rules/visibility-made-public.yml'],
  ['protected_branch_allow_force_push_updated', 'rules/protected-branch-weakened.yml'],
  ['protected_branch_updated', 'rules/protected-branch-weakened.yml'],
  ['update_approval_rules', 'rules/mr-approvals-weakened.yml'],
  ['project_merge_requests_author_approval_updated', 'rules/mr-approvals-weakened.yml'],
  ['webhook_created', 'rules/webhook-created.yml'],
  ['ci_variable_created', 'rules/ci-variable-changed.yml'],
].sort();

const pairs = (r: DetectResult) => r.matches.map((m) => [m.event.event_name, m.rule.file]).sort();

describe('detect on the incident scenario', () => {
  let sim: RunningSim;
  let dir: string;
  let baseline: string;
  beforeAll(async () => {
    sim = await startSim({ scenario: 'incident' });
    dir = tempDir('detect-e2e-');
    baseline = writeBaseline(dir, sim.url, ACME_HARDENED);
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('admin token with a baseline: every attacker change matches its rule once, authored by mallory', async () => {
    const run = await runCli(['detect', '--baseline', baseline, '--since', '7d', '--format', 'json'], { GITLAB_TOKEN: sim.tokens.admin });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as DetectResult;
    expect(pairs(result)).toEqual(EXPECTED);
    expect(new Set(result.matches.map((m) => m.event.author))).toEqual(new Set(['mallory']));
    expect(new Set(result.matches.map((m) => m.event.ip_address))).toEqual(new Set([ATTACKER_IP]));
    expect(result.summary).toMatchObject({ rules: SHIPPED_RULES, matches: 9, unreadable: [], complete: true });
    // Instance and group/project lists overlap; each event is counted once (9 attacker events in 7 days).
    expect(result.summary.events).toBe(9);
    const twoFa = result.matches.find((m) => m.rule.file === 'rules/two-factor-weakened.yml')!;
    expect(twoFa.event).toMatchObject({ scope: 'group', entity_type: 'Group', entity_path: 'acme', event_name: 'group_require_two_factor_authentication_updated' });
    expect(twoFa.rule).toMatchObject({ level: 'high', title: 'Two-factor authentication enforcement weakened' });
    expect(result.errors).toEqual([]);
    // The admin instance list already holds group and project events: no per-target listing.
    sim.resetCounts();
    const again = await runCli(['detect', '--baseline', baseline, '--format', 'json'], { GITLAB_TOKEN: sim.tokens.admin });
    expect(pairs(JSON.parse(again.stdout) as DetectResult)).toEqual(EXPECTED);
    const counts = sim.counts();
    expect(counts['GET /users/:id']).toBe(1);
    expect(counts['GET /audit_events']).toBe(1);
    expect(counts['GET /groups/:id/audit_events']).toBeUndefined();
    expect(counts['GET /projects/:id/audit_events']).toBeUndefined();
    expect(run.all).not.toContain(sim.tokens.admin);
  });

  it('--since excludes older history: 31 days brings in the hardening events, which match nothing', async () => {
    sim.resetCounts();
    const run = await runCli(['detect', '--baseline', baseline, '--since', '31d', '--format', 'json'], { GITLAB_TOKEN: sim.tokens.admin });
    const result = JSON.parse(run.stdout) as DetectResult;
    expect(result.summary.events).toBe(11);
    expect(pairs(result)).toEqual(EXPECTED);
    // GitLab caps an instance audit-event query at 30 days: 31 days are read as two windows, each event once.
    expect(sim.counts()['GET /audit_events']).toBe(2);
  });

  it('--fail-on high still fails (high matches); --fail-on critical passes with exit 0', async () => {
    const high = await runCli(['detect', '--baseline', baseline, '--fail-on', 'high', '--format', 'json'], { GITLAB_TOKEN: sim.tokens.admin });
    expect(high.code).toBe(1);
    const critical = await runCli(['detect', '--baseline', baseline, '--fail-on', 'critical', '--format', 'json'], { GITLAB_TOKEN: sim.tokens.admin });
    expect(critical.code).toBe(0);
    expect((JSON.parse(critical.stdout) as DetectResult).summary.matches).toBe(9);
  });

  it('non-admin token without a baseline: instance is unreadable (listed, not failing), groups still read', async () => {
    sim.resetCounts();
    const run = await runCli(['detect', '--url', sim.url, '--format', 'json'], { GITLAB_TOKEN: sim.tokens.owner });
    const result = JSON.parse(run.stdout) as DetectResult;
    expect(result.summary.unreadable).toEqual(['instance']);
    expect(result.summary.complete).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ scope: 'instance' });
    expect(result.errors[0].message).toContain('GET /audit_events');
    expect(result.errors[0].message).toContain('403');
    expect(pairs(result)).toEqual(EXPECTED);
    expect(run.code).toBe(1);
    // Without instance access every group and project is listed on its own (acme has 3 groups, 6 projects).
    const counts = sim.counts();
    expect(counts['GET /groups/:id/audit_events']).toBe(3);
    expect(counts['GET /projects/:id/audit_events']).toBe(6);
    const quiet = await runCli(['detect', '--url', sim.url, '--fail-on', 'critical', '--format', 'json'], { GITLAB_TOKEN: sim.tokens.owner });
    expect(quiet.code).toBe(0);
  });

  it('a user rule from --rules adds matches (attacker network by CIDR)', async () => {
    const rules = join(dir, 'user-rules');
    mkdirSync(rules, { recursive: true });
    writeFileSync(
      join(rules, 'attacker-network.yml'),
      `title: Change from the attacker's network
id: 0f8f5c1e-6d0a-4c39-9a57-2f3a1c9e7b11
status: experimental
level: critical
logsource: { product: gitlab, service: audit }
tags: [attack.t1078]
detection:
  selection:
    details.ip_address|cidr: 203.0.113.0/24
  condition: selection
`,
    );
    const run = await runCli(['detect', '--baseline', baseline, '--rules', rules, '--fail-on', 'critical', '--format', 'json'], { GITLAB_TOKEN: sim.tokens.admin });
    const result = JSON.parse(run.stdout) as DetectResult;
    expect(run.code).toBe(1);
    expect(result.summary.rules).toBe(SHIPPED_RULES + 1);
    const mine = result.matches.filter((m) => m.rule.file === join(rules, 'attacker-network.yml'));
    expect(mine).toHaveLength(9);
    expect(mine[0].rule.level).toBe('critical');
  });

  it('an invalid user rule: errors name the file and construct, exit 2, GitLab never contacted', async () => {
    const rules = join(dir, 'bad-rules');
    mkdirSync(rules, { recursive: true });
    writeFileSync(
      join(rules, 'burst.yml'),
      `title: Burst
id: 1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b
status: test
level: high
logsource: { product: gitlab }
tags: [attack.t1098]
detection:
  selection: { event_name: webhook_created }
  condition: selection | count() by author_id > 5
`,
    );
    sim.resetCounts();
    const run = await runCli(['detect', '--baseline', baseline, '--rules', rules, '--format', 'json'], { GITLAB_TOKEN: sim.tokens.admin });
    expect(run.code).toBe(2);
    const result = JSON.parse(run.stdout) as DetectResult;
    expect(result.errors).toEqual([
      { scope: 'rules', file: join(rules, 'burst.yml'), message: 'detection.condition "selection | count() by author_id > 5": aggregation "| count() by author_id > 5" is not supported (only per-event conditions)' },
    ]);
    expect(result.matches).toEqual([]);
    expect(sim.totalRequests()).toBe(0);
  });

  it('a user rule missing metadata: every missing key named in one error, exit 2, GitLab never contacted (issue 15)', async () => {
    const rules = join(dir, 'incomplete-rules');
    mkdirSync(rules, { recursive: true });
    writeFileSync(join(rules, 'draft.yml'), `title: Draft\nlogsource: { product: gitlab }\ndetection:\n  selection: { event_name: webhook_created }\n  condition: selection\n`);
    sim.resetCounts();
    const run = await runCli(['detect', '--baseline', baseline, '--rules', rules, '--format', 'json'], { GITLAB_TOKEN: sim.tokens.admin });
    expect(run.code).toBe(2);
    const result = JSON.parse(run.stdout) as DetectResult;
    expect(result.errors).toEqual([
      {
        scope: 'rules',
        file: join(rules, 'draft.yml'),
        message:
          'missing metadata: id, status, level, tags (a rule needs title, id, status, level, logsource.product: gitlab, tags with an ATT&CK technique, detection with a condition)',
      },
    ]);
    expect(sim.totalRequests()).toBe(0);
  });

  it('table and markdown reports list the matches; sarif carries every rule and result', async () => {
    const table = await runCli(['detect', '--baseline', baseline, '--format', 'table'], { GITLAB_TOKEN: sim.tokens.admin });
    expect(table.stdout).toContain('Two-factor authentication enforcement weakened');
    expect(table.stdout).toContain('mallory');
    expect(table.stdout).toMatch(new RegExp(`9 events since .*, ${SHIPPED_RULES} rules, 9 matches — complete`));
    const out = join(dir, 'detect.md');
    const md = await runCli(['detect', '--baseline', baseline, '--format', 'markdown', '--output', out], { GITLAB_TOKEN: sim.tokens.admin });
    expect(md.stdout).toBe('');
    expect(md.files[out]).toContain('| high | Group or project made public | project_visibility_level_updated #');
    expect(md.files[out]).toContain('| high | Group or project made public | group_visibility_level_updated #');
    const sarif = await runCli(['detect', '--baseline', baseline, '--format', 'sarif'], { GITLAB_TOKEN: sim.tokens.admin });
    const log = JSON.parse(sarif.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].tool.driver.rules).toHaveLength(SHIPPED_RULES);
    expect(log.runs[0].results).toHaveLength(9);
    expect(log.runs[0].results.filter((r: { level: string }) => r.level === 'error')).toHaveLength(7);
  });
  // Last in this block: it deletes a user from the sim.
  it('an author who no longer exists is named by details.author_name', async () => {
    const i = sim.state.users.findIndex((u) => u.username === 'mallory');
    sim.state.users.splice(i, 1);
    const run = await runCli(['detect', '--baseline', baseline, '--format', 'json'], { GITLAB_TOKEN: sim.tokens.admin });
    const result = JSON.parse(run.stdout) as DetectResult;
    expect(new Set(result.matches.map((m) => m.event.author))).toEqual(new Set(['Mallory Attacker']));
  });
});

describe('detect when group audit events cannot be read', () => {
  let sim: RunningSim;
  beforeAll(async () => {
    // Free tier: audit events are Premium, so every list answers 403 (gitlab-api.md §2).
    sim = await startSim({ scenario: 'incident', tier: 'free' });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('lists each unreadable group/project and exits 2', async () => {
    const dir = tempDir('detect-free-');
    const baseline = writeBaseline(dir, sim.url, 'targets: { groups: [], projects: [acme/web] }\nprofile: hardened\n');
    const run = await runCli(['detect', '--baseline', baseline, '--format', 'json'], { GITLAB_TOKEN: sim.tokens.admin });
    expect(run.code).toBe(2);
    const result = JSON.parse(run.stdout) as DetectResult;
    expect(result.summary.unreadable).toEqual(['instance', 'project:acme/web']);
    expect(result.errors.map((e) => [e.scope, e.path ?? null])).toEqual([
      ['instance', null],
      ['project', 'acme/web'],
    ]);
    expect(result.summary.complete).toBe(false);
  });
});
