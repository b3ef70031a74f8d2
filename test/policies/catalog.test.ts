import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CATALOG, ruleById } from '../../policies/catalog';
import { AREAS, areaParams } from '../../policies/params';
import { RULE_IDS } from '../../policies/rule-ids';
import { SCENARIO_HEADINGS, scenarioAnchor } from '../../policies/scenarios';
import { SEVERITIES } from '../../model/target';

const root = join(__dirname, '..', '..');
const GUIDE = join(root, '..', 'shared', 'reference', 'responding-to-security-incidents.md');

describe('catalog', () => {
  // Rule ids are a contract (DESIGN.md): extend, never rename. Every published id stays, in its published order.
  const PUBLISHED = [
    'two-factor.required',
    'two-factor.grace-period',
    'visibility.group',
    'visibility.project',
    'protected-branches.default-protected',
    'protected-branches.push',
    'protected-branches.merge',
    'protected-branches.force-push',
    'protected-branches.code-owner-approval',
    'protected-branches.deploy-key-push',
    'mr-approvals.min-approvals',
    'mr-approvals.author-approval',
    'mr-approvals.committer-approval',
    'mr-approvals.reset-on-push',
    'mr-approvals.override-in-mr',
    'webhooks.ssl-verification',
    'webhooks.allowed-hosts',
    'git-abuse.download-limit',
    'ci.job-token-scope',
    'ci.public-jobs',
    'ci.masked-variables',
    'instance.two-factor-required',
    'instance.two-factor-grace-period',
    'instance.git-abuse-download-limit',
  ];

  it('keeps every published rule id, in order; RULE_IDS is the catalog', () => {
    expect(CATALOG.map((r) => r.id).filter((id) => PUBLISHED.includes(id))).toEqual(PUBLISHED);
    expect([...RULE_IDS]).toEqual(CATALOG.map((r) => r.id));
  });

  it('ruleById finds rules and nothing else', () => {
    expect(ruleById('protected-branches.force-push')?.title).toBe('Protected branches refuse force push');
    expect(ruleById('no.such-rule')).toBeUndefined();
  });

  it.each(CATALOG.map((r) => [r.id, r] as const))('%s: metadata is complete', (id, rule) => {
    expect(id.startsWith(`${rule.area}.`) || id.startsWith('instance.')).toBe(true);
    expect(AREAS).toContain(rule.area);
    expect(SEVERITIES).toContain(rule.severity);
    expect(SCENARIO_HEADINGS).toContain(rule.scenario);
    expect(rule.title.length).toBeGreaterThan(10);
    expect(rule.description.length).toBeGreaterThan(40);
    const reads = [...(rule.needs.project ?? []), ...(rule.needs.group ?? []), ...(rule.needs.instance ?? [])];
    expect(reads.length).toBeGreaterThan(0);
    // Every scope the rule judges has reads to judge it with.
    for (const kind of rule.scope) expect(rule.needs[kind]?.length ?? 0).toBeGreaterThan(0);
    // Instance rules read admin-only settings; members rules that need users' 2FA/external flags (GET /users,
    // UserWithAdmin) are the only others.
    if (id.startsWith('instance.')) expect(rule.requiresAdmin).toBe(true);
    else expect(rule.requiresAdmin === true).toBe(['members.two-factor', 'members.external-elevated'].includes(id));
  });

  it('every area default equals the baseline profile', () => {
    const baseline = parse(readFileSync(join(root, 'policies', 'profiles', 'baseline.yaml'), 'utf8')) as { settings: Record<string, unknown> };
    for (const area of AREAS) expect([area, areaParams[area].parse({})]).toEqual([area, baseline.settings[area]]);
  });

  it('severities follow the incident weight of the setting', () => {
    const sev = (id: string) => ruleById(id)?.severity;
    expect([sev('two-factor.required'), sev('protected-branches.force-push'), sev('webhooks.ssl-verification'), sev('ci.masked-variables'), sev('ci.public-jobs')]).toEqual([
      'critical',
      'high',
      'high',
      'high',
      'high',
    ]);
  });
});

describe('scenarios', () => {
  // The guide lives beside the repository (../shared); where it is not checked out, the heading list is still
  // enforced above through SCENARIO_HEADINGS.
  it.skipIf(!existsSync(GUIDE))('every scenario is a heading of the incident guide', () => {
    const headings = readFileSync(GUIDE, 'utf8')
      .split('\n')
      .filter((l) => /^#{2,6} /.test(l))
      .map((l) => l.replace(/^#+ /, '').trim());
    for (const s of SCENARIO_HEADINGS) expect(headings).toContain(s);
  });

  it('anchors follow GitLab docs', () => {
    expect(scenarioAnchor('CI/CD-related security incidents')).toBe('cicd-related-security-incidents');
    expect(scenarioAnchor('Suspected compromised user account')).toBe('suspected-compromised-user-account');
  });
});

describe('fixes never write blindly when fixData is missing', () => {
  const target = { kind: 'project' as const, path: 'acme/web', id: 12 };
  const bare = (rule: string, setting: string, extra: Record<string, unknown> = {}) => ({
    rule,
    area: rule.split('.')[0]!,
    severity: 'high' as const,
    target,
    setting,
    expected: true,
    actual: false,
    message: 'Something is off',
    revertible: true,
    waived: false,
    ...extra,
  });
  it.each([
    ['protected-branches.push', bare('protected-branches.push', 'push_access_levels', { branch: 'main' }), 'access-level entry ids'],
    ['protected-branches.deploy-key-push', bare('protected-branches.deploy-key-push', 'push_access_levels', { branch: 'main', object: 'deploy key 5' }), 'access-level entry ids'],
    ['webhooks.ssl-verification', bare('webhooks.ssl-verification', 'enable_ssl_verification', { object: '1' }), "the hook's URL, which PUT requires"],
    ['ci.masked-variables', bare('ci.masked-variables', 'masked', { object: 'DB_PASSWORD' }), "the variable's environment scope"],
    ['mr-approvals.min-approvals', bare('mr-approvals.min-approvals', 'approvals_required', { object: 'approval rule 7', branch: 'main' }), 'the covering approval rule'],
  ])('%s', (id, finding, what) => {
    const rule = ruleById(id)!;
    const params = areaParams[rule.area].parse({});
    expect(rule.fix(finding, params as never)).toEqual({
      manual: `The ${id} finding carries no fixData (${what}); run check again and revert from its result, or fix by hand: Something is off.`,
    });
  });
});
