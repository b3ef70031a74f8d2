// docs/rules.md and docs/baseline.md are generated (`npm run docs`): regenerate in memory and compare, so a rule
// or baseline key change cannot ship with stale docs. Plus the facts the generators must get right.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedDocs, ROOT, staleDocs } from '../../scripts/gen-docs';
import { renderRules, ruleDocs } from '../../checks/rules-doc';
import { baselineKeyDocs, KEY_NOTES, settingDocs } from '../../checks/baseline-doc';
import { CATALOG } from '../../policies/catalog';
import { RULE_IDS } from '../../policies/rule-ids';
import { SCENARIO_HEADINGS } from '../../policies/scenarios';

describe('generated docs are current', () => {
  it.each(Object.keys(generatedDocs()))('%s matches the code (run npm run docs)', (file) => {
    const want = generatedDocs()[file]!;
    const have = readFileSync(join(ROOT, file), 'utf8');
    expect(have === want, `${file} is stale: run npm run docs and commit it`).toBe(true);
  });

  it('staleDocs notices a changed file', () => {
    expect(staleDocs()).toEqual([]);
    expect(staleDocs('/nonexistent-root')).toEqual(['docs/rules.md', 'docs/baseline.md']);
  });
});

describe('rules catalog docs', () => {
  it('lists each rule\'s own parameters (rule.params), with their area defaults', () => {
    const docs = new Map(ruleDocs().map((d) => [d.id, d]));
    expect(docs.get('git-abuse.download-limit')!.params.map((p) => p.key)).toEqual(['max_download_limit', 'max_interval_seconds', 'auto_ban']);
    expect(docs.get('two-factor.required')!.params).toEqual([]);
    for (const rule of CATALOG) expect(docs.get(rule.id)!.params.map((p) => p.key)).toEqual([...rule.params]);
  });

  it('has profile switches, tier per scope and param values from the built-in profiles', () => {
    const docs = new Map(ruleDocs().map((d) => [d.id, d]));
    expect(docs.get('mr-approvals.committer-approval')!.profiles).toEqual({ baseline: false, hardened: true });
    expect(docs.get('two-factor.required')!.profiles).toEqual({ baseline: true, hardened: true });
    expect(docs.get('webhooks.ssl-verification')!.minTier).toEqual({ group: 'premium', project: 'free' });
    expect(docs.get('mr-approvals.min-approvals')!.params).toEqual([{ key: 'min_approvals', default: 1, profiles: { baseline: 1, hardened: 2 } }]);
    expect(docs.get('protected-branches.merge')!.params.find((p) => p.key === 'merge_access_level')!.profiles).toEqual({ baseline: 30, hardened: 40 });
    expect(docs.get('instance.two-factor-required')!.requiresAdmin).toBe(true);
    for (const d of docs.values()) {
      expect(SCENARIO_HEADINGS).toContain(d.scenario.heading);
      expect(d.scenario.url).toMatch(/^https:\/\/docs\.gitlab\.com\/security\/responding_to_security_incidents\/#[a-z-]+$/);
    }
    expect(docs.get('two-factor.required')!.scenario.url).toMatch(/#suspected-compromised-user-account$/);
  });

  it('json lists every rule in catalog order; markdown has a row and a section per rule', () => {
    const json = JSON.parse(renderRules('json')) as { schemaVersion: number; rules: { id: string }[] };
    expect(json.schemaVersion).toBe(1);
    expect(json.rules.map((r) => r.id)).toEqual([...RULE_IDS]);
    const md = renderRules('markdown');
    for (const id of RULE_IDS) {
      expect(md).toContain(`| [\`${id}\`](#`);
      expect(md).toContain(`\n### ${id}\n`);
    }
    expect(md).toContain('| `max_grace_period` | `48` | `48` | `8` |');
    expect(md).toContain('| [`webhooks.ssl-verification`](#webhooksssl-verification) | webhooks | high | group, project | premium (group), free (project) | on | on |');
  });
});

describe('baseline reference', () => {
  it('every key of the schema and every area parameter has a hand-written note', () => {
    const keys = [...baselineKeyDocs().map((k) => k.key), ...settingDocs().map((s) => s.key)];
    expect(keys.filter((k) => !KEY_NOTES[k])).toEqual([]);
    // And no note for a key that no longer exists.
    expect(Object.keys(KEY_NOTES).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('types and defaults come from the schema', () => {
    const keys = new Map(baselineKeyDocs().map((k) => [k.key, k]));
    expect(keys.get('profile')).toMatchObject({ type: 'one of baseline, hardened', default: '`"baseline"`' });
    expect(keys.get('gitlab.tier')).toMatchObject({ type: 'one of free, premium, ultimate', default: 'none (optional)' });
    expect(keys.get('waivers[].expires')).toMatchObject({ type: 'a date YYYY-MM-DD', default: 'required' });
    const settings = new Map(settingDocs().map((s) => [s.key, s]));
    expect(settings.get('settings.mr-approvals.min_approvals')).toMatchObject({ type: 'an integer from 1 to 100', default: 1, profiles: { baseline: 1, hardened: 2 } });
    expect(settings.get('settings.protected-branches.push_access_level')!.type).toBe('one of 0, 30, 40, 60');
    expect(settings.get('settings.ci.require_protected')!.profiles).toEqual({ baseline: false, hardened: true });
  });
});

describe('legitify coverage (policies/legitify.ts, from Legit-Labs/legitify policies/gitlab/*.rego)', () => {
  it('lists all 34 policies once: organization 4, repository 16, member 3, server 11', async () => {
    const { LEGITIFY_POLICIES } = await import('../../policies/legitify');
    const names = LEGITIFY_POLICIES.map((l) => l.policy);
    expect(new Set(names).size).toBe(34);
    const per = (pkg: string) => names.filter((n) => n.startsWith(`${pkg}.`)).length;
    expect([per('organization'), per('repository'), per('member'), per('server')]).toEqual([4, 16, 3, 11]);
  });

  it('maps each to a rule of the catalog, and the rules table shows it in the rule\'s row', async () => {
    const { LEGITIFY_POLICIES } = await import('../../policies/legitify');
    const docs = new Map(ruleDocs().map((d) => [d.id, d]));
    for (const l of LEGITIFY_POLICIES) {
      expect(RULE_IDS as readonly string[], l.policy).toContain(l.rule);
      expect(docs.get(l.rule)!.legitify).toContain(l.policy);
    }
    const md = renderRules('markdown');
    expect(md).toContain('| [`projects.pipeline-must-succeed`](#projectspipeline-must-succeed) | projects | medium | project | free | off | on | `repository.requires_status_checks` |');
    expect(md).toContain('| `server.unauthenticated_signup_enabled` | Server Should Not Allow Access To Unauthenticated Users With Sign-Up | [`instance.signup`](#instancesignup) |');
    expect(md).toContain('## Not covered');
  });
});
