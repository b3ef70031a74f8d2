// The rule catalog: every rule of policies/rule-ids.ts, in that order. The CLI, the provider and the
// CrossGuard pack all judge with these.
import type { Rule } from './rule';
import { RULE_IDS, type RuleId } from './rule-ids';
import { twoFactorGracePeriod, twoFactorRequired } from './two-factor';
import { visibilityGroup, visibilityProject } from './visibility';
import { codeOwnerApproval, defaultProtected, deployKeyPush, forcePush, merge, push } from './protected-branches';
import { authorApproval, committerApproval, minApprovals, overrideInMr, resetOnPush } from './mr-approvals';
import { allowedHosts, sslVerification } from './webhooks';
import { downloadLimit } from './git-abuse';
import { jobTokenScope, maskedVariables, publicJobs } from './ci';
import {
  instanceAdminMode,
  instanceDefaultBranchProtection,
  instanceDefaultVisibility,
  instanceEmailConfirmation,
  instanceGitAbuseDownloadLimit,
  instanceGitPasswordAuth,
  instanceLocalRequests,
  instancePatLifetime,
  instanceRateLimits,
  instanceRestrictedPublic,
  instanceRunnerRegistrationToken,
  instanceSignup,
  instanceStaleAdmins,
  instanceTwoFactorGracePeriod,
  instanceTwoFactorRequired,
} from './instance';
import { projectsDeployKeyWrite, projectsDiscussionsResolved, projectsForking, projectsInactive, projectsPipelineMustSucceed } from './projects';
import { pushRulesCommitterCheck, pushRulesMemberCheck, pushRulesPreventSecrets, pushRulesRejectUnsigned } from './push-rules';
import { groupsDefaultBranchProtection, groupsPreventForkingOutside, groupsProjectCreation, groupsSubgroupCreation } from './groups';
import { membersExternalElevated, membersTooManyOwners, membersTwoFactor } from './members';

const ALL = [
  twoFactorRequired,
  twoFactorGracePeriod,
  visibilityGroup,
  visibilityProject,
  defaultProtected,
  push,
  merge,
  forcePush,
  codeOwnerApproval,
  deployKeyPush,
  minApprovals,
  authorApproval,
  committerApproval,
  resetOnPush,
  overrideInMr,
  sslVerification,
  allowedHosts,
  downloadLimit,
  jobTokenScope,
  publicJobs,
  maskedVariables,
  projectsForking,
  projectsPipelineMustSucceed,
  projectsDiscussionsResolved,
  projectsInactive,
  projectsDeployKeyWrite,
  pushRulesRejectUnsigned,
  pushRulesPreventSecrets,
  pushRulesMemberCheck,
  pushRulesCommitterCheck,
  groupsPreventForkingOutside,
  groupsProjectCreation,
  groupsSubgroupCreation,
  groupsDefaultBranchProtection,
  membersTooManyOwners,
  membersTwoFactor,
  membersExternalElevated,
  instanceTwoFactorRequired,
  instanceTwoFactorGracePeriod,
  instanceGitAbuseDownloadLimit,
  instanceSignup,
  instanceEmailConfirmation,
  instanceGitPasswordAuth,
  instanceRateLimits,
  instanceDefaultBranchProtection,
  instanceRestrictedPublic,
  instanceDefaultVisibility,
  instanceLocalRequests,
  instancePatLifetime,
  instanceAdminMode,
  instanceRunnerRegistrationToken,
  instanceStaleAdmins,
] as unknown as Rule[];

const BY_ID = new Map(ALL.map((r) => [r.id, r] as const));

/** All rules, in RULE_IDS order. */
export const CATALOG: Rule[] = RULE_IDS.map((id) => {
  const rule = BY_ID.get(id);
  if (!rule) throw new Error(`policies/catalog.ts: rule id ${id} of policies/rule-ids.ts has no rule; add it to ALL`);
  return rule;
});

export function ruleById(id: RuleId | string): Rule | undefined {
  return BY_ID.get(id);
}
