// Push rules (Premium): checks GitLab runs on every push, before the commit lands. Project endpoint
// ee/lib/api/project_push_rule.rb (GET answers `null` without a rule, needs Maintainer), group endpoint
// ee/lib/api/group_push_rule.rb (GET answers 404 without a rule); entity ee/lib/api/entities/group_push_rule.rb,
// where commit_committer_check and reject_unsigned_commits appear only where their licence feature is available.
// A group's push rule is copied to projects created afterwards, so each project is judged on its own rule.
import type { Finding } from '../model/result';
import type { GlPushRule } from '../gitlab/types';
import { defineRule, type Change, type FindingDraft, type Rule, type Subject } from './rule';
import { SCENARIOS } from './scenarios';
import { missingFixData } from './fix-data';

type PushRuleKey = 'reject_unsigned_commits' | 'prevent_secrets' | 'member_check' | 'commit_committer_check';

function ownerOf(s: Subject): { rule: GlPushRule | null; name: string } | undefined {
  if (s.kind === 'project') return { rule: s.pushRule, name: `project ${s.project.path_with_namespace}` };
  if (s.kind === 'group') return { rule: s.pushRule, name: `group ${s.group.full_path}` };
  return undefined;
}

function pushRuleFix(f: Finding): Change | { manual: string } {
  if (typeof f.fixData?.exists !== 'boolean') return missingFixData(f, 'whether a push rule exists');
  const owner = f.target.kind === 'group' ? 'groups' : 'projects';
  // No rule yet: POST creates one with this check on (the others keep GitLab's defaults, all off).
  return { method: f.fixData.exists ? 'PUT' : 'POST', path: `/${owner}/${f.target.id}/push_rule`, body: { [f.setting]: true } };
}

const EVENT_COLUMN: Record<PushRuleKey, string> = {
  reject_unsigned_commits: 'reject_unsigned_commits',
  prevent_secrets: 'prevent_secrets',
  member_check: 'reject_member_check',
  commit_committer_check: 'commit_committer_check',
};

function pushRuleEvents(key: PushRuleKey): string[] {
  return [`group_push_rules_${EVENT_COLUMN[key]}_updated`, `project_push_rules_${EVENT_COLUMN[key]}_updated`];
}

function pushRuleRule<const Id extends string>(id: Id, key: PushRuleKey, title: string, description: string, what: string, severity: Rule['severity'], scenario: string) {
  return defineRule({
    id,
    area: 'push-rules',
    title,
    description,
    severity,
    params: [],
    // Audit::PushRules::GroupPushRulesChangesAuditor EVENT_TYPE_PER_ATTR; the project auditor uses `project_`.
    audit: { events: pushRuleEvents(key), match: 'entity', value: 'boolean' },
    scope: ['group', 'project'],
    minTier: 'premium',
    scenario,
    needs: { group: ['pushRule'], project: ['project', 'pushRule'] },
    guards: { PushRule: { fields: [key], declared: (i) => (i[key] === true ? {} : null) } },
    evaluate: (s) => {
      const o = ownerOf(s);
      if (!o) return [];
      // A subgroup without its own rule hands its closest ancestor's to new projects (Group#predefined_push_rule):
      // that ancestor's finding covers it.
      if (s.kind === 'group' && !s.topLevel && o.rule === null) return [];
      if (o.rule && o.rule[key] === undefined) return { skip: `${key} not returned by the push rule API (licence feature not available)` };
      if (o.rule?.[key] === true) return [];
      const draft: FindingDraft = {
        setting: key,
        expected: true,
        actual: o.rule ? false : null,
        message: o.rule ? `The push rule of ${o.name} does not ${what}` : `${o.name.charAt(0).toUpperCase()}${o.name.slice(1)} has no push rule, so pushes are not checked to ${what}`,
        fixData: { exists: o.rule !== null },
      };
      return [draft];
    },
    fix: pushRuleFix,
  });
}

export const pushRulesRejectUnsigned = pushRuleRule(
  'push-rules.reject-unsigned-commits',
  'reject_unsigned_commits',
  'Unsigned commits are rejected',
  'Git author and committer fields are free text: without signed commits anyone with push access can make a commit look like a colleague wrote it.',
  'reject unsigned commits',
  'low',
  SCENARIOS.compromisedAccount,
);

export const pushRulesPreventSecrets = pushRuleRule(
  'push-rules.prevent-secrets',
  'prevent_secrets',
  'Pushes of files that likely hold secrets are rejected',
  'The prevent_secrets push rule refuses files such as private keys and credential files before they enter the history, where removing them needs a rewrite.',
  'reject files that are likely to contain secrets',
  'medium',
  SCENARIOS.credentialExposure,
);

export const pushRulesMemberCheck = pushRuleRule(
  'push-rules.member-check',
  'member_check',
  'Commit authors must be GitLab users',
  'member_check refuses commits whose author e-mail belongs to no GitLab user, which keeps history attributable to accounts you can audit and block.',
  'check that commit authors are GitLab users',
  'low',
  SCENARIOS.compromisedAccount,
);

export const pushRulesCommitterCheck = pushRuleRule(
  'push-rules.committer-check',
  'commit_committer_check',
  "Committers push only their own commits",
  "commit_committer_check refuses commits whose committer e-mail is not one of the pusher's verified addresses, so a stolen token cannot push history in others' names.",
  'check that the committer is the pusher (commit_committer_check)',
  'low',
  SCENARIOS.compromisedAccount,
);

/** This file's rules, in catalog order (policies/catalog.ts gathers every area's list). */
export const rules = [pushRulesRejectUnsigned, pushRulesPreventSecrets, pushRulesMemberCheck, pushRulesCommitterCheck] as const;
