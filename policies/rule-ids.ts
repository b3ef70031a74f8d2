// Rule ids are a contract (DESIGN.md, "Rule ids"): extend, never rename. The catalog test checks that
// policies/catalog.ts defines exactly these.
export const RULE_IDS = [
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
  // Instance level: application settings, administrator token only.
  'instance.two-factor-required',
  'instance.two-factor-grace-period',
  'instance.git-abuse-download-limit',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export function isRuleId(id: string): id is RuleId {
  return (RULE_IDS as readonly string[]).includes(id);
}
