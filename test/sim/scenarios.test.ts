// Scenario contents: hardened is compliant, incident has exactly the listed misconfigurations with their
// audit events, generate is deterministic and fast enough for 10,000 projects.
import { describe, expect, it } from 'vitest';
import { buildHardened, buildIncident, generate, tokensOf } from '../../sim';
import type { AcmeWorld } from '../../sim';
import { parseNestedParams } from '../../sim/params';

const NOW = new Date('2026-11-20T12:00:00Z');

/** A flat, comparable view of every setting the rules look at. */
function posture(w: AcmeWorld): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const g of w.state.groups) {
    out[`${g.full_path} 2fa`] = g.require_two_factor_authentication;
    out[`${g.full_path} grace`] = g.two_factor_grace_period;
    out[`${g.full_path} visibility`] = g.visibility;
    out[`${g.full_path} git-abuse`] = [g.unique_project_download_limit, g.unique_project_download_limit_interval_in_seconds, g.auto_ban_user_on_excessive_projects_download];
  }
  for (const p of w.state.projects) {
    const k = p.path_with_namespace;
    out[`${k} visibility`] = p.visibility;
    out[`${k} public_jobs`] = p.public_jobs;
    out[`${k} branches`] = p.protected_branches.map((b) => [b.name, b.allow_force_push, b.code_owner_approval_required, b.push_access_levels.map((e) => e.access_level), b.merge_access_levels.map((e) => e.access_level)]);
    out[`${k} approvals`] = p.approvals;
    out[`${k} rules`] = p.approval_rules.map((r) => [r.name, r.approvals_required, r.protected_branch_ids]);
    out[`${k} hooks`] = p.hooks.map((h) => [h.url, h.enable_ssl_verification]);
    out[`${k} variables`] = p.variables.map((v) => [v.key, v.masked, v.protected]);
    out[`${k} job token`] = p.job_token_scope.inbound_enabled;
  }
  return out;
}

describe('hardened', () => {
  const w = buildHardened({ now: NOW });

  it('has the acme tree and users with tokens', () => {
    expect(w.state.groups.map((g) => g.full_path)).toEqual(['acme', 'acme/platform', 'acme/sandbox']);
    expect(w.state.projects.map((p) => p.path_with_namespace)).toEqual(['acme/web', 'acme/api', 'acme/platform/infra', 'acme/platform/deploy', 'acme/sandbox/scratch', 'acme/docs-site']);
    const t = tokensOf(w.state);
    for (const v of [t.admin, t.owner, t.maintainer, t.developer, t.readOnly, t.attacker]) expect(v).toMatch(/^glpat-[A-Za-z0-9_-]{20}$/);
    expect(new Set(Object.values(t)).size).toBe(6);
    expect(w.state).toMatchObject({ tier: 'ultimate', edition: 'ee', version: '17.11.2-ee' });
  });

  it('every project meets the hardened profile', () => {
    for (const p of w.state.projects) {
      expect(p.visibility).toBe('private');
      expect(p.public_jobs).toBe(false);
      for (const b of p.protected_branches) {
        expect([b.allow_force_push, b.code_owner_approval_required]).toEqual([false, true]);
        expect(b.push_access_levels.map((e) => e.access_level)).toEqual([40]);
        expect(b.merge_access_levels.map((e) => e.access_level)).toEqual([40]);
      }
      expect(p.protected_branches[0].name).toBe('main');
      expect(p.approval_rules.map((r) => [r.approvals_required, r.protected_branch_ids, r.applies_to_all_protected_branches])).toEqual([[2, [], false]]);
      expect(p.approvals).toMatchObject({ merge_requests_author_approval: false, merge_requests_disable_committers_approval: true, reset_approvals_on_push: true, disable_overriding_approvers_per_merge_request: true });
      for (const h of p.hooks) expect([h.url.startsWith('https://hooks.acme.example/'), h.enable_ssl_verification]).toEqual([true, true]);
      for (const v of p.variables) if (/TOKEN|SECRET|PASSWORD|PRIVATE_KEY|API_KEY|CREDENTIAL/.test(v.key)) expect([v.masked, v.protected]).toEqual([true, true]);
      expect(p.job_token_scope.inbound_enabled).toBe(true);
    }
    const acme = w.groups.acme;
    expect([acme.require_two_factor_authentication, acme.two_factor_grace_period, acme.unique_project_download_limit, acme.unique_project_download_limit_interval_in_seconds, acme.auto_ban_user_on_excessive_projects_download]).toEqual([true, 8, 50, 3600, true]);
    expect(w.state.application_settings).toMatchObject({ require_two_factor_authentication: true, two_factor_grace_period: 8, max_number_of_repository_downloads: 100, max_number_of_repository_downloads_within_time_period: 3600, auto_ban_user_on_excessive_projects_download: true });
  });
});

describe('incident', () => {
  const before = posture(buildHardened({ now: NOW }));
  const w = buildIncident({ now: NOW });
  const after = posture(w);

  it('differs from hardened in exactly the listed misconfigurations', () => {
    const changed = Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]));
    expect(changed.sort()).toEqual(
      ['acme 2fa', 'acme git-abuse', 'acme visibility', 'acme/web visibility', 'acme/web branches', 'acme/api approvals', 'acme/api rules', 'acme/api hooks', 'acme/platform/deploy variables', 'acme/platform/infra public_jobs'].sort(),
    );
    expect(after['acme/web branches']).toEqual([['main', true, true, [40, 30], [40]]]);
    expect(after['acme/api rules']).toEqual([['All members', 0, []]]);
    expect((after['acme/api approvals'] as Record<string, boolean>).merge_requests_author_approval).toBe(true);
    expect(after['acme/api hooks']).toContainEqual(['http://exfil.attacker.example/hook', false]);
    expect(after['acme/platform/deploy variables']).toContainEqual(['AWS_SECRET_ACCESS_KEY', false, false]);
    expect(after['acme git-abuse']).toEqual([0, 3600, true]);
    // GitLab refuses a project more open than its group (gitlab-api.md §3.3): acme was opened first.
    expect([after['acme visibility'], after['acme/web visibility']]).toEqual(['public', 'public']);
  });

  it('each audited change has mallory\'s event from 203.0.113.9 at distinct recent times', () => {
    const mallory = w.users.mallory;
    const events = w.state.audit_events.filter((e) => e.author_id === mallory.id);
    const hook = w.projects['acme/api'].hooks.find((h) => h.url.includes('exfil'))!;
    expect(events.map((e) => [e.event_name, e.details.target_details, e.details.change, e.details.from, e.details.to])).toEqual([
      ['group_require_two_factor_authentication_updated', 'acme', 'require_two_factor_authentication', true, false],
      ['group_visibility_level_updated', 'acme', 'visibility', 'Private', 'Public'],
      ['project_visibility_level_updated', 'acme/web', 'visibility_level', 'Private', 'Public'],
      ['protected_branch_allow_force_push_updated', 'main', 'allow force push', false, true],
      ['protected_branch_updated', 'main', 'allowed to push', ['Maintainers'], ['Maintainers', 'Developers + Maintainers']],
      ['update_approval_rules', 'All members', 'number of required approvals', 2, 0],
      ['project_merge_requests_author_approval_updated', 'acme/api', 'prevent merge request approval from authors', true, false],
      ['webhook_created', `Hook ${hook.id}`, undefined, undefined, undefined],
      ['ci_variable_created', 'AWS_SECRET_ACCESS_KEY', undefined, undefined, undefined],
    ]);
    for (const e of events) {
      expect(e.details).toMatchObject({ ip_address: '203.0.113.9', author_name: 'Mallory Attacker', event_name: e.event_name });
      const age = NOW.getTime() - Date.parse(e.created_at);
      expect(age).toBeGreaterThan(0);
      expect(age).toBeLessThan(4 * 86_400_000);
    }
    expect(new Set(events.map((e) => e.created_at)).size).toBe(events.length);
    // GitLab records nothing for group Git-abuse settings (gitlab-api.md §4).
    expect(w.state.audit_events.some((e) => /download|git_abuse/.test(e.event_name ?? ''))).toBe(false);
  });
});

describe('generate', () => {
  it('is deterministic for a seed and mixes violations', () => {
    const a = generate(500, { seed: 3, now: NOW, violatingFraction: 0.3 });
    const b = generate(500, { seed: 3, now: NOW, violatingFraction: 0.3 });
    expect([...a.violations]).toEqual([...b.violations]);
    expect(a.state.groups.map((g) => g.full_path).slice(0, 3)).toEqual(['bench', 'bench/team-000', 'bench/team-001']);
    expect(a.state.groups).toHaveLength(6);
    expect(a.violations.size).toBeGreaterThan(100);
    expect(a.violations.size).toBeLessThan(200);
    expect(new Set([...a.violations.values()].flat()).size).toBe(8);
    const ok = a.state.projects.filter((p) => !a.violations.has(p.path_with_namespace));
    expect(ok.every((p) => p.visibility === 'private' && !p.public_jobs && p.protected_branches.every((x) => !x.allow_force_push))).toBe(true);
    for (const p of a.state.projects) {
      expect(p.protected_branches.length).toBeGreaterThanOrEqual(1);
      expect(p.approval_rules).toHaveLength(1);
    }
  });

  it('builds 10,000 projects', () => {
    const g = generate(10_000, { seed: 1, now: NOW });
    expect(g.state.projects).toHaveLength(10_000);
    expect(g.state.groups).toHaveLength(101);
    expect(new Set(g.state.projects.map((p) => p.id)).size).toBe(10_000);
  });
});

describe('Grape nested params', () => {
  it.each([
    ['k[]=a&k[]=b', { k: ['a', 'b'] }],
    ['allowed_to_push[][access_level]=40&allowed_to_push[][access_level]=30', { allowed_to_push: [{ access_level: '40' }, { access_level: '30' }] }],
    ['allowed_to_push[][id]=12&allowed_to_push[][_destroy]=true&allowed_to_push[][access_level]=40', { allowed_to_push: [{ id: '12', _destroy: 'true', access_level: '40' }] }],
    ['variables[0][key]=A&variables[0][value]=1&variables[1][key]=B', { variables: [{ key: 'A', value: '1' }, { key: 'B' }] }],
    ['filter[environment_scope]=prod', { filter: { environment_scope: 'prod' } }],
    ['name=x&enabled=true', { name: 'x', enabled: 'true' }],
  ])('%s', (qs, want) => {
    expect(parseNestedParams(new URLSearchParams(qs))).toEqual(want);
  });
});
