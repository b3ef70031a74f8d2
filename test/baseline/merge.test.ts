import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile, parseBaseline } from '../../checks/baseline/load';
import { PROFILE_NAMES } from '../../checks/baseline/schema';
import { isWaiverExpired } from '../../checks/baseline/waivers';
import { RULE_IDS } from '../../policies/rule-ids';

const NOW = new Date('2026-06-01T12:00:00Z');
const load = (yaml: string, opts: { allowExpiredWaivers?: boolean } = {}) => parseBaseline(yaml, 'baseline.yaml', { now: NOW, ...opts });

describe('profile merge', () => {
  it('baseline profile by default, with the profile values', () => {
    const b = load('targets:\n  groups: [acme]\n');
    expect(b.profile).toBe('baseline');
    expect(b.params['mr-approvals']).toEqual({ min_approvals: 1 });
    expect(b.params['two-factor']).toEqual({ max_grace_period: 48 });
    expect(b.params.visibility).toEqual({ max_group_visibility: 'internal', max_project_visibility: 'internal' });
    expect(b.params.ci.require_protected).toBe(false);
  });

  it('hardened plus per-key overrides: named keys win, the rest of the area keeps the profile', () => {
    const b = load(
      [
        'targets: { groups: [acme] }',
        'profile: hardened',
        'settings:',
        '  protected-branches: { branches: [default, "release/*"], merge_access_level: 30 }',
        '  mr-approvals: { min_approvals: 3 }',
        '  webhooks: { allowed_hosts: ["*.acme.test"] }',
      ].join('\n'),
    );
    expect(b.params['protected-branches']).toEqual({
      branches: ['default', 'release/*'],
      push_access_level: 40,
      merge_access_level: 30,
      allow_force_push: false,
      allow_deploy_key_push: false,
    });
    expect(b.params['mr-approvals']).toEqual({ min_approvals: 3 });
    expect(b.params['two-factor']).toEqual({ max_grace_period: 8 });
    expect(b.params.visibility.max_project_visibility).toBe('private');
    expect(b.params.webhooks.allowed_hosts).toEqual(['*.acme.test']);
    expect(b.params.ci).toEqual({
      secret_patterns: ['TOKEN', 'SECRET', 'PASSWORD', 'PRIVATE_KEY', 'API_KEY', 'CREDENTIAL'],
      require_protected: true,
    });
  });

  it.each([
    ['baseline', 'mr-approvals.reset-on-push', false],
    ['baseline', 'git-abuse.download-limit', false],
    ['baseline', 'two-factor.required', true],
    ['hardened', 'mr-approvals.reset-on-push', true],
    ['hardened', 'git-abuse.download-limit', true],
    ['hardened', 'protected-branches.code-owner-approval', true],
  ] as const)('profile %s turns %s %s', (profile, id, on) => {
    expect(load(`targets: { groups: [acme] }\nprofile: ${profile}\n`).enabled[id]).toBe(on);
  });

  it('rules: on/off/true/false override the profile', () => {
    const b = load(
      [
        'targets: { groups: [acme] }',
        'rules:',
        '  mr-approvals.reset-on-push: on',
        '  git-abuse.download-limit: true',
        '  ci.public-jobs: off',
        '  two-factor.required: false',
      ].join('\n'),
    );
    expect([b.enabled['mr-approvals.reset-on-push'], b.enabled['git-abuse.download-limit'], b.enabled['ci.public-jobs'], b.enabled['two-factor.required']]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(Object.keys(b.enabled).sort()).toEqual([...RULE_IDS].sort());
    expect(b.enabled['webhooks.ssl-verification']).toBe(true);
  });

  it('every built-in profile file is listed and valid', () => {
    const files = readdirSync(join(__dirname, '../../policies/profiles')).map((f) => f.replace(/\.yaml$/, ''));
    expect(files.sort()).toEqual([...PROFILE_NAMES].sort());
    for (const name of PROFILE_NAMES) expect(loadProfile(name).name).toBe(name);
  });
});

describe('the rest of the file', () => {
  it('keeps gitlab, targets, raw; empty optional sections read as absent', () => {
    const yaml = 'gitlab: { url: "https://gitlab.acme.test", tier: premium }\ntargets:\n  groups: [acme]\n  projects: [solo/app]\n  exclude: ["acme/sandbox/**"]\nwaivers:\nsettings:\n';
    const b = load(yaml);
    expect(b.gitlab).toEqual({ url: 'https://gitlab.acme.test', tier: 'premium' });
    expect(b.targets).toEqual({ groups: ['acme'], projects: ['solo/app'], exclude: ['acme/sandbox/**'] });
    expect(b.waivers).toEqual([]);
    expect(b.file).toBe('baseline.yaml');
    expect(b.raw).toEqual({
      gitlab: { url: 'https://gitlab.acme.test', tier: 'premium' },
      targets: { groups: ['acme'], projects: ['solo/app'], exclude: ['acme/sandbox/**'] },
      waivers: null,
      settings: null,
    });
  });

  it('an absent gitlab section gives an empty one', () => {
    expect(load('targets: { projects: [solo/app] }').gitlab).toEqual({});
  });
});

describe('waivers at load', () => {
  const waiver = (expires: string) =>
    `targets: { groups: [acme] }\nwaivers:\n  - { rule: "webhooks.*", target: "acme/docs-*", reason: " vendor hook ", expires: ${expires} }\n`;

  it('a future waiver is kept, not expired, reason trimmed', () => {
    expect(load(waiver('2026-06-02')).waivers).toEqual([
      { rule: 'webhooks.*', target: 'acme/docs-*', reason: 'vendor hook', expires: '2026-06-02', expired: false },
    ]);
  });

  it('a past waiver is an error by default (gate) and kept marked expired with allowExpiredWaivers (check)', () => {
    expect(() => load(waiver('2026-05-01'))).toThrow('waivers[0].expires: expected a date after 2026-06-01');
    expect(load(waiver('2026-05-01'), { allowExpiredWaivers: true }).waivers[0]).toMatchObject({ expires: '2026-05-01', expired: true });
  });

  it.each([
    ['2026-06-01T23:59:59Z', '2026-06-02', false],
    ['2026-06-02T00:00:00Z', '2026-06-02', true],
    ['2026-06-03T00:00:00Z', '2026-06-02', true],
  ])('at %s a waiver expiring %s is expired: %s', (now, expires, want) => {
    expect(isWaiverExpired(expires, now)).toBe(want);
    expect(isWaiverExpired(expires, new Date(now))).toBe(want);
  });
});
