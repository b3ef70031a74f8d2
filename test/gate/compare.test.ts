import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../checks/baseline/load';
import { compareBaselines, type GateChange } from '../../checks/gate';

const NOW = new Date('2026-01-15T12:00:00Z');
const TARGETS = 'targets: { groups: [acme] }\n';

function load(body: string, file = 'head.yaml') {
  return parseBaseline(body.includes('targets:') ? body : TARGETS + body, file, { now: NOW, allowExpiredWaivers: true });
}

function gate(base: string, head: string) {
  return compareBaselines(load(base, 'base.yaml'), load(head, 'head.yaml'));
}

const brief = (changes: GateChange[]) => changes.map((c) => ({ kind: c.kind, path: c.path, from: c.from, to: c.to }));

describe('gate: identical and strengthening', () => {
  it('the same baseline is neither weaker nor stronger', () => {
    const text = 'profile: hardened\nsettings:\n  mr-approvals: { min_approvals: 3 }\n';
    expect(gate(text, text)).toMatchObject({ weakenings: [], strengthenings: [] });
  });

  it('baseline -> hardened is a pure strengthening', () => {
    const r = gate('profile: baseline\n', 'profile: hardened\n');
    expect(r.weakenings).toEqual([]);
    expect(brief(r.strengthenings)).toContainEqual({ kind: 'param-tightened', path: 'settings.mr-approvals.min_approvals', from: 1, to: 2 });
    expect(brief(r.strengthenings)).toContainEqual({ kind: 'rule-enabled', path: 'rules.git-abuse.download-limit', from: 'off', to: 'on' });
  });
});

describe('gate: rules', () => {
  it('a rule turned off is a weakening, turned on a strengthening', () => {
    const r = gate('profile: hardened\n', 'profile: hardened\nrules: { ci.public-jobs: off }\n');
    expect(brief(r.weakenings)).toEqual([{ kind: 'rule-disabled', path: 'rules.ci.public-jobs', from: 'on', to: 'off' }]);
    expect(r.weakenings[0].message).toBe('Rule ci.public-jobs is turned off: it is no longer checked');
    const back = gate('profile: hardened\nrules: { ci.public-jobs: off }\n', 'profile: hardened\n');
    expect(back.weakenings).toEqual([]);
    expect(brief(back.strengthenings)).toEqual([{ kind: 'rule-enabled', path: 'rules.ci.public-jobs', from: 'off', to: 'on' }]);
  });

  it('hardened -> baseline lists each concrete loosened parameter and disabled rule', () => {
    const r = gate('profile: hardened\n', 'profile: baseline\n');
    expect(brief(r.weakenings)).toEqual([
      { kind: 'rule-disabled', path: 'rules.protected-branches.code-owner-approval', from: 'on', to: 'off' },
      { kind: 'rule-disabled', path: 'rules.mr-approvals.committer-approval', from: 'on', to: 'off' },
      { kind: 'rule-disabled', path: 'rules.mr-approvals.reset-on-push', from: 'on', to: 'off' },
      { kind: 'rule-disabled', path: 'rules.mr-approvals.override-in-mr', from: 'on', to: 'off' },
      { kind: 'rule-disabled', path: 'rules.git-abuse.download-limit', from: 'on', to: 'off' },
      ...[
        'projects.forking',
        'projects.pipeline-must-succeed',
        'projects.discussions-resolved',
        'projects.inactive',
        'projects.deploy-key-write',
        'push-rules.reject-unsigned-commits',
        'push-rules.prevent-secrets',
        'push-rules.member-check',
        'push-rules.committer-check',
        'members.too-many-owners',
      ].map((id) => ({ kind: 'rule-disabled', path: `rules.${id}`, from: 'on', to: 'off' })),
      { kind: 'rule-disabled', path: 'rules.instance.git-abuse-download-limit', from: 'on', to: 'off' },
      { kind: 'param-loosened', path: 'settings.two-factor.max_grace_period', from: 8, to: 48 },
      { kind: 'param-loosened', path: 'settings.visibility.max_group_visibility', from: 'private', to: 'internal' },
      { kind: 'param-loosened', path: 'settings.visibility.max_project_visibility', from: 'private', to: 'internal' },
      { kind: 'param-loosened', path: 'settings.protected-branches.merge_access_level', from: 40, to: 30 },
      { kind: 'param-loosened', path: 'settings.mr-approvals.min_approvals', from: 2, to: 1 },
      { kind: 'param-loosened', path: 'settings.ci.require_protected', from: true, to: false },
      { kind: 'param-loosened', path: 'settings.projects.inactive_months', from: 3, to: 6 },
      { kind: 'param-loosened', path: 'settings.groups.max_subgroup_creation_level', from: 'owner', to: 'maintainer' },
      { kind: 'param-loosened', path: 'settings.groups.default_branch_merge_access_level', from: 40, to: 30 },
      { kind: 'param-loosened', path: 'settings.members.max_hours_without_two_factor', from: 8, to: 48 },
      { kind: 'param-loosened', path: 'settings.instance.min_email_confirmation', from: 'hard', to: 'soft' },
      { kind: 'param-loosened', path: 'settings.instance.max_pat_lifetime_days', from: 90, to: 365 },
      { kind: 'param-loosened', path: 'settings.instance.stale_admin_months', from: 3, to: 6 },
    ]);
    expect(r.weakenings.find((w) => w.path === 'settings.mr-approvals.min_approvals')?.message).toBe(
      'settings.mr-approvals.min_approvals loosened: 2 -> 1 (profile hardened -> baseline)',
    );
    expect(r.strengthenings).toEqual([]);
  });

  it('a profile switch that keeps a value through settings does not list it', () => {
    const r = gate('profile: hardened\n', 'profile: baseline\nsettings:\n  mr-approvals: { min_approvals: 2 }\n  two-factor: { max_grace_period: 8 }\n');
    const paths = r.weakenings.map((w) => w.path);
    expect(paths).not.toContain('settings.mr-approvals.min_approvals');
    expect(paths).not.toContain('settings.two-factor.max_grace_period');
    expect(paths).toContain('settings.ci.require_protected');
  });
});

describe('gate: parameters, each in its own direction', () => {
  const HARD = 'profile: hardened\n';
  const withSettings = (area: string, value: string) => `${HARD}settings:\n  ${area}: ${value}\n`;
  it('names access levels as GitLab does in the message (ProtectedRefAccess.human_access_levels)', () => {
    const r = gate(withSettings('protected-branches', '{ push_access_level: 40 }'), withSettings('protected-branches', '{ push_access_level: 30 }'));
    expect(r.weakenings.map((c) => c.message)).toEqual([expect.stringContaining('Maintainers (40) -> Developers + Maintainers (30)')]);
  });

  it.each([
    ['grace period up', 'two-factor', '{ max_grace_period: 8 }', '{ max_grace_period: 24 }', 'max_grace_period', 8, 24],
    ['project visibility more open', 'visibility', '{ max_project_visibility: internal }', '{ max_project_visibility: public }', 'max_project_visibility', 'internal', 'public'],
    ['group visibility more open', 'visibility', '{ max_group_visibility: private }', '{ max_group_visibility: public }', 'max_group_visibility', 'private', 'public'],
    ['push level lower', 'protected-branches', '{ push_access_level: 40 }', '{ push_access_level: 30 }', 'push_access_level', 40, 30],
    ['push level from No one to Maintainer', 'protected-branches', '{ push_access_level: 0 }', '{ push_access_level: 40 }', 'push_access_level', 0, 40],
    ['merge level lower', 'protected-branches', '{ merge_access_level: 40 }', '{ merge_access_level: 30 }', 'merge_access_level', 40, 30],
    ['force push allowed', 'protected-branches', '{ allow_force_push: false }', '{ allow_force_push: true }', 'allow_force_push', false, true],
    ['deploy key push allowed', 'protected-branches', '{ allow_deploy_key_push: false }', '{ allow_deploy_key_push: true }', 'allow_deploy_key_push', false, true],
    ['protected branch pattern dropped', 'protected-branches', '{ branches: [default, "release/*"] }', '{ branches: [default] }', 'branches', ['default', 'release/*'], ['default']],
    ['fewer approvals', 'mr-approvals', '{ min_approvals: 3 }', '{ min_approvals: 2 }', 'min_approvals', 3, 2],
    ['allowlist gains a host', 'webhooks', '{ allowed_hosts: [hooks.acme.example] }', '{ allowed_hosts: [hooks.acme.example, evil.example] }', 'allowed_hosts', ['hooks.acme.example'], ['hooks.acme.example', 'evil.example']],
    ['allowlist host becomes a broader glob', 'webhooks', '{ allowed_hosts: [hooks.acme.example] }', '{ allowed_hosts: ["*.acme.example"] }', 'allowed_hosts', ['hooks.acme.example'], ['*.acme.example']],
    ['allowlist glob broadened', 'webhooks', '{ allowed_hosts: ["*.ci.acme.example"] }', '{ allowed_hosts: ["*.example"] }', 'allowed_hosts', ['*.ci.acme.example'], ['*.example']],
    ['protected wildcard narrowed', 'protected-branches', '{ branches: [default, "release/*"] }', '{ branches: [default, "release/1.*"] }', 'branches', ['default', 'release/*'], ['default', 'release/1.*']],
    ['allowlist emptied (no allowlist at all)', 'webhooks', '{ allowed_hosts: [hooks.acme.example] }', '{ allowed_hosts: [] }', 'allowed_hosts', ['hooks.acme.example'], []],
    ['download limit up', 'git-abuse', '{ max_download_limit: 100 }', '{ max_download_limit: 500 }', 'max_download_limit', 100, 500],
    ['download interval up', 'git-abuse', '{ max_interval_seconds: 3600 }', '{ max_interval_seconds: 86400 }', 'max_interval_seconds', 3600, 86400],
    ['auto-ban off', 'git-abuse', '{ auto_ban: true }', '{ auto_ban: false }', 'auto_ban', true, false],
    ['secret pattern dropped', 'ci', '{ secret_patterns: [TOKEN, SECRET] }', '{ secret_patterns: [SECRET] }', 'secret_patterns', ['TOKEN', 'SECRET'], ['SECRET']],
    ['variables need not be protected', 'ci', '{ require_protected: true }', '{ require_protected: false }', 'require_protected', true, false],
  ])('%s is a weakening; the reverse is a strengthening', (_name, area, from, to, key, fromValue, toValue) => {
    const path = `settings.${area}.${key}`;
    const r = gate(withSettings(area, from), withSettings(area, to));
    expect(brief(r.weakenings)).toEqual([{ kind: 'param-loosened', path, from: fromValue, to: toValue }]);
    expect(r.strengthenings).toEqual([]);
    const back = gate(withSettings(area, to), withSettings(area, from));
    expect(back.weakenings).toEqual([]);
    expect(brief(back.strengthenings)).toEqual([{ kind: 'param-tightened', path, from: toValue, to: fromValue }]);
  });

  it.each([
    ['a host the old glob already allowed', 'webhooks', '{ allowed_hosts: ["*.acme.example"] }', '{ allowed_hosts: ["*.acme.example", hooks.acme.example] }'],
    ['a dropped secret pattern a kept one still catches', 'ci', '{ secret_patterns: [KEY, API_KEY] }', '{ secret_patterns: [KEY] }'],
    ['a dropped branch a kept wildcard still protects', 'protected-branches', '{ branches: [default, "release/*", release/1.0] }', '{ branches: [default, "release/*"] }'],
  ])('%s is no weakening', (_name, area, from, to) => {
    expect(gate(withSettings(area, from), withSettings(area, to)).weakenings).toEqual([]);
  });

  it('says what a list gained or lost', () => {
    const r = gate(withSettings('webhooks', '{ allowed_hosts: [a.example] }'), withSettings('webhooks', '{ allowed_hosts: [] }'));
    expect(r.weakenings[0].message).toBe('settings.webhooks.allowed_hosts loosened: drops "a.example" (an empty allowlist means every host is allowed)');
    const s = gate(withSettings('ci', '{ secret_patterns: [TOKEN, SECRET] }'), withSettings('ci', '{ secret_patterns: [SECRET, KEY] }'));
    expect(s.weakenings[0].message).toBe('settings.ci.secret_patterns loosened: adds "KEY" and drops "TOKEN"');
  });
});

describe('gate: waivers', () => {
  const w = (rule: string, target: string, expires: string) => `  - { rule: ${rule}, target: "${target}", reason: docs, expires: ${expires} }\n`;
  const waivers = (...items: string[]) => `profile: hardened\nwaivers:\n${items.join('')}`;

  it('added', () => {
    const r = gate('profile: hardened\n', waivers(w('visibility.project', 'acme/docs-site', '2026-06-01')));
    expect(brief(r.weakenings)).toEqual([
      { kind: 'waiver-added', path: 'waivers[0]', from: null, to: { rule: 'visibility.project', target: 'acme/docs-site', expires: '2026-06-01' } },
    ]);
  });

  it('extended', () => {
    const r = gate(waivers(w('visibility.project', 'acme/docs-site', '2026-03-01')), waivers(w('visibility.project', 'acme/docs-site', '2026-09-01')));
    expect(brief(r.weakenings)).toEqual([{ kind: 'waiver-extended', path: 'waivers[0].expires', from: '2026-03-01', to: '2026-09-01' }]);
  });

  it('target glob broadened, rule glob broadened', () => {
    const t = gate(waivers(w('visibility.project', 'acme/docs-site', '2026-03-01')), waivers(w('visibility.project', 'acme/*', '2026-03-01')));
    expect(brief(t.weakenings)).toEqual([
      {
        kind: 'waiver-broadened',
        path: 'waivers[0]',
        from: { rule: 'visibility.project', target: 'acme/docs-site', expires: '2026-03-01' },
        to: { rule: 'visibility.project', target: 'acme/*', expires: '2026-03-01' },
      },
    ]);
    const r = gate(waivers(w('webhooks.allowed-hosts', 'acme/api', '2026-03-01')), waivers(w('webhooks.*', 'acme/api', '2026-03-01')));
    expect(r.weakenings.map((x) => x.kind)).toEqual(['waiver-broadened']);
    expect(t.strengthenings).toEqual([]);
  });

  it('removed or shortened is a strengthening; an already expired head waiver grants nothing', () => {
    const removed = gate(waivers(w('visibility.project', 'acme/docs-site', '2026-03-01')), 'profile: hardened\n');
    expect(removed.weakenings).toEqual([]);
    expect(removed.strengthenings.map((x) => x.kind)).toEqual(['waiver-removed']);
    const shorter = gate(waivers(w('visibility.project', 'acme/docs-site', '2026-09-01')), waivers(w('visibility.project', 'acme/docs-site', '2026-03-01')));
    expect(shorter.weakenings).toEqual([]);
    expect(shorter.strengthenings.map((x) => x.kind)).toEqual(['waiver-shortened']);
    const expired = gate('profile: hardened\n', waivers(w('visibility.project', 'acme/docs-site', '2025-12-01')));
    expect(expired.weakenings).toEqual([]);
  });

  // DESIGN.md baseline: a waiver with `object`/`branch` covers only the finding naming them.
  const scoped = (rule: string, target: string, scope: string, expires = '2026-03-01') =>
    `  - { rule: ${rule}, target: "${target}", ${scope}, reason: docs, expires: ${expires} }\n`;

  it('object or branch dropped is broadened: the waiver now takes in every hook / branch', () => {
    const r = gate(waivers(scoped('webhooks.ssl-verification', 'acme/api', 'object: "168"')), waivers(w('webhooks.ssl-verification', 'acme/api', '2026-03-01')));
    expect(brief(r.weakenings)).toEqual([
      {
        kind: 'waiver-broadened',
        path: 'waivers[0]',
        from: { rule: 'webhooks.ssl-verification', target: 'acme/api', object: '168', expires: '2026-03-01' },
        to: { rule: 'webhooks.ssl-verification', target: 'acme/api', expires: '2026-03-01' },
      },
    ]);
    expect(r.weakenings[0]!.message).toBe(
      'Waiver changed from webhooks.ssl-verification on acme/api (object 168) to webhooks.ssl-verification on acme/api (until 2026-03-01): it may waive more',
    );
    const branch = gate(waivers(scoped('protected-branches.force-push', 'acme/web', 'branch: main')), waivers(w('protected-branches.force-push', 'acme/web', '2026-03-01')));
    expect(branch.weakenings.map((x) => x.kind)).toEqual(['waiver-broadened']);
  });

  it('another object is a weakening (a different hook is waived)', () => {
    const r = gate(waivers(scoped('webhooks.ssl-verification', 'acme/api', 'object: 168')), waivers(scoped('webhooks.ssl-verification', 'acme/api', 'object: 169')));
    expect(brief(r.weakenings)).toEqual([
      {
        kind: 'waiver-broadened',
        path: 'waivers[0]',
        from: { rule: 'webhooks.ssl-verification', target: 'acme/api', object: '168', expires: '2026-03-01' },
        to: { rule: 'webhooks.ssl-verification', target: 'acme/api', object: '169', expires: '2026-03-01' },
      },
    ]);
  });

  it('a whole-target waiver split into per-object waivers is narrowed, not a weakening', () => {
    const r = gate(
      waivers(w('ci.masked-variables', 'acme/deploy', '2026-03-01')),
      waivers(scoped('ci.masked-variables', 'acme/deploy', 'object: AWS_SECRET'), scoped('ci.masked-variables', 'acme/deploy', 'object: DB_PASSWORD')),
    );
    expect(r.weakenings).toEqual([]);
    expect(brief(r.strengthenings)).toEqual([
      {
        kind: 'waiver-narrowed',
        path: 'waivers[0]',
        from: { rule: 'ci.masked-variables', target: 'acme/deploy', expires: '2026-03-01' },
        to: { rule: 'ci.masked-variables', target: 'acme/deploy', object: 'AWS_SECRET', expires: '2026-03-01' },
      },
      {
        kind: 'waiver-narrowed',
        path: 'waivers[1]',
        from: { rule: 'ci.masked-variables', target: 'acme/deploy', expires: '2026-03-01' },
        to: { rule: 'ci.masked-variables', target: 'acme/deploy', object: 'DB_PASSWORD', expires: '2026-03-01' },
      },
    ]);
    // Narrowed but extended: the later date is still a weakening.
    const later = gate(waivers(w('ci.masked-variables', 'acme/deploy', '2026-03-01')), waivers(scoped('ci.masked-variables', 'acme/deploy', 'object: AWS_SECRET', '2026-09-01')));
    expect(later.weakenings.map((x) => x.kind)).toEqual(['waiver-extended']);
  });

  it('renewing an expired base waiver is a weakening (it had stopped applying)', () => {
    const r = gate(waivers(w('visibility.project', 'acme/docs-site', '2025-12-01')), waivers(w('visibility.project', 'acme/docs-site', '2026-12-01')));
    expect(r.weakenings.map((x) => x.kind)).toEqual(['waiver-added']);
  });
});

describe('gate: targets and tier', () => {
  it('a new exclusion, a removed group and a removed project are weakenings', () => {
    const r = gate(
      'targets: { groups: [acme, beta], projects: [solo/app], exclude: ["acme/sandbox/**"] }\nprofile: hardened\n',
      'targets: { groups: [acme], projects: [], exclude: ["acme/sandbox/**", "acme/platform/**"] }\nprofile: hardened\n',
    );
    expect(brief(r.weakenings)).toEqual([
      { kind: 'target-excluded', path: 'targets.exclude[1]', from: null, to: 'acme/platform/**' },
      { kind: 'target-excluded', path: 'targets.groups', from: 'beta', to: null },
      { kind: 'target-excluded', path: 'targets.projects', from: 'solo/app', to: null },
    ]);
  });

  it('a removed subgroup or project still covered by a remaining group is not a weakening', () => {
    const r = gate('targets: { groups: [acme/platform], projects: [acme/web] }\n', 'targets: { groups: [acme] }\n');
    expect(r.weakenings).toEqual([]);
    expect(brief(r.strengthenings)).toEqual([{ kind: 'target-included', path: 'targets.groups', from: null, to: 'acme' }]);
  });

  it('a removed subgroup that the head also excludes is a weakening', () => {
    const r = gate('targets: { groups: [acme/platform] }\n', 'targets: { groups: [acme], exclude: ["acme/platform/**"] }\n');
    expect(r.weakenings.map((x) => [x.kind, x.path])).toEqual([
      ['target-excluded', 'targets.exclude[0]'],
      ['target-excluded', 'targets.groups'],
    ]);
  });

  it.each([
    ['ultimate', 'premium', true],
    ['ultimate', undefined, true],
    [undefined, 'free', true],
    ['premium', 'ultimate', false],
    [undefined, 'ultimate', false],
    ['free', undefined, false],
  ] as const)('gitlab.tier %s -> %s weakens: %s', (from, to, weaker) => {
    const tier = (t: string | undefined) => (t ? `gitlab: { tier: ${t} }\n` : '');
    const r = gate(`${tier(from)}profile: hardened\n`, `${tier(to)}profile: hardened\n`);
    const change = { path: 'gitlab.tier', from: from ?? null, to: to ?? null };
    if (weaker) {
      expect(brief(r.weakenings)).toEqual([{ kind: 'tier-lowered', ...change }]);
    } else {
      expect(r.weakenings).toEqual([]);
      expect(brief(r.strengthenings)).toEqual([{ kind: 'tier-raised', ...change }]);
    }
  });
});
