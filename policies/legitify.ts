// Legit-Labs/legitify's GitLab policies (policies/gitlab/{organization,repository,member,server}.rego, read from
// the repository) and the catalog rule that covers each. docs/rules.md shows the mapping; test/docs checks it has
// all 34 policies and names only real rules. `note` says where the rule judges differently.
import type { RuleId } from './rule-ids';

export interface LegitifyPolicy {
  /** `<package>.<rule name>` as in the .rego file. */
  policy: string;
  title: string;
  rule: RuleId;
  note?: string;
}

export const LEGITIFY_POLICIES: readonly LegitifyPolicy[] = [
  // organization.rego (groups)
  { policy: 'organization.two_factor_authentication_not_required_for_group', title: 'Two-Factor Authentication Is Not Enforced For The Group', rule: 'two-factor.required' },
  { policy: 'organization.collaborators_can_fork_repositories_to_external_namespaces', title: 'Collaborators Can Fork Repositories To External Namespaces', rule: 'groups.prevent-forking-outside' },
  { policy: 'organization.organization_webhook_doesnt_require_ssl', title: 'Webhook Configured Without SSL', rule: 'webhooks.ssl-verification' },
  {
    policy: 'organization.group_does_not_enforce_branch_protection_by_default',
    title: 'Group does not enforce branch protection by default',
    rule: 'groups.default-branch-protection',
    note: 'judges default_branch_protection_defaults (push/merge roles, force push), not only the deprecated integer 0',
  },
  // repository.rego (projects)
  { policy: 'repository.repository_not_maintained', title: 'Repository not maintained', rule: 'projects.inactive', note: 'months are a parameter (legitify: 3)' },
  {
    policy: 'repository.repository_has_too_many_admins',
    title: 'Project Has Too Many Owners',
    rule: 'members.too-many-owners',
    note: 'direct members only; limits are parameters (legitify: more than 3 owners)',
  },
  { policy: 'repository.forking_allowed_for_repository', title: 'Forking Allowed for This Repository', rule: 'projects.forking' },
  { policy: 'repository.missing_default_branch_protection', title: 'Default Branch Is Not Protected', rule: 'protected-branches.default-protected' },
  { policy: 'repository.missing_default_branch_protection_force_push', title: 'Default Branch Allows Force Pushes', rule: 'protected-branches.force-push' },
  { policy: 'repository.repository_require_code_owner_reviews_policy', title: 'Code review is not limited to code-owners only', rule: 'protected-branches.code-owner-approval' },
  { policy: 'repository.repository_webhook_doesnt_require_ssl', title: 'Webhook Configured Without SSL Verification', rule: 'webhooks.ssl-verification' },
  { policy: 'repository.requires_status_checks', title: 'Project Doesn’t Require All Pipelines to Succeed', rule: 'projects.pipeline-must-succeed' },
  { policy: 'repository.no_conversation_resolution', title: "Project Doesn't Require All Conversations To Be Resolved Before Merge", rule: 'projects.discussions-resolved' },
  { policy: 'repository.no_signed_commits', title: 'Unsigned Commits Are Allowed', rule: 'push-rules.reject-unsigned-commits' },
  { policy: 'repository.code_review_not_required', title: "Project Doesn't Require Code Review", rule: 'mr-approvals.min-approvals', note: 'min_approvals 1 (baseline profile)' },
  {
    policy: 'repository.code_review_by_two_members_not_required',
    title: "Project Doesn't Require Code Review By At Least Two Reviewers",
    rule: 'mr-approvals.min-approvals',
    note: 'min_approvals 2 (hardened profile)',
  },
  { policy: 'repository.repository_allows_review_requester_to_approve_their_own_request', title: 'Repository Allows Review Requester To Approve Their Own Request', rule: 'mr-approvals.author-approval' },
  { policy: 'repository.repository_allows_overriding_approvers', title: 'Merge Request Authors Nay Override the Approvers List' /* sic */, rule: 'mr-approvals.override-in-mr' },
  { policy: 'repository.repository_allows_committer_approvals_policy', title: 'Repository Allows Committer Approvals Policy', rule: 'mr-approvals.committer-approval' },
  { policy: 'repository.repository_dismiss_stale_reviews', title: 'Repository Dismiss Stale Reviews', rule: 'mr-approvals.reset-on-push' },
  // member.rego
  {
    policy: 'member.two_factor_authentication_is_disabled_for_a_collaborator',
    title: 'Two Factor Authentication Is Disabled For a Collaborator',
    rule: 'members.two-factor',
    note: 'members of groups that require 2FA, past a grace parameter; administrator token (two_factor_enabled is admin-only)',
  },
  {
    policy: 'member.two_factor_authentication_is_disabled_for_an_external_collaborator',
    title: 'Two Factor Authentication Is Disabled For a Collaborator' /* sic: same title as the previous one */,
    rule: 'members.two-factor',
    note: 'external users are members like any other here; members.external-elevated also limits their role',
  },
  { policy: 'member.stale_admin_found', title: 'Stale admin detected', rule: 'instance.stale-admins', note: 'last activity or sign-in; months are a parameter (legitify: 6)' },
  // server.rego (instance, administrator token)
  { policy: 'server.require_two_factor_authentication_not_globally_enforced', title: 'Two-factor Authentication Should Be Globally Enforced', rule: 'instance.two-factor-required' },
  { policy: 'server.password_authentication_enabled_for_git_is_enabled', title: 'Password Authentication For Git Over HTTP(S) Should Not Be Enabled', rule: 'instance.git-password-auth' },
  { policy: 'server.throttle_authenticated_api_not_enabled', title: 'API Request Rate Limit Should Be Limited', rule: 'instance.rate-limits' },
  {
    policy: 'server.default_branch_protection_not_globally_enforced',
    title: 'Branch Protection Is Not Globally Enabled By Default',
    rule: 'instance.default-branch-protection',
    note: 'judges default_branch_protection_defaults, not the deprecated integer',
  },
  { policy: 'server.all_users_are_allowed_to_create_public_projects', title: 'Should Restrict Which Collaborators Are Allowed To Create Public Repositories', rule: 'instance.restricted-public' },
  { policy: 'server.default_group_visibility_is_public', title: 'Default Group Visibility Should Not Be Public', rule: 'instance.default-visibility' },
  { policy: 'server.default_project_visibility_is_public', title: 'Default Project Visibility Should Not Be Public', rule: 'instance.default-visibility' },
  {
    policy: 'server.send_user_confirmation_email_not_enabled',
    title: 'Sign-up Confirmation Email Should Be Mandatory',
    rule: 'instance.email-confirmation',
    note: 'email_confirmation_setting (send_user_confirmation_email was replaced in GitLab 15.9)',
  },
  { policy: 'server.throttle_unauthenticated_request_not_enabled', title: 'Unauthenticated Requests Rate Limit Should Be Enabled', rule: 'instance.rate-limits' },
  { policy: 'server.webhooks_are_allowed_to_be_sent_to_local_network', title: 'Webhooks Should Not Be Allowed To Be Sent To The Local Network', rule: 'instance.local-requests' },
  { policy: 'server.unauthenticated_signup_enabled', title: 'Server Should Not Allow Access To Unauthenticated Users With Sign-Up', rule: 'instance.signup', note: 'sign-up with admin approval or an allowed domain list also passes' },
];

/** Settings the issue or the incident guide name that the REST API cannot read: listed in docs/rules.md. */
export const NOT_COVERED: readonly { what: string; why: string }[] = [
  {
    what: 'Group: who may create group/project access tokens (`resource_access_token_creation_allowed`)',
    why: 'a namespace setting not exposed by the REST group entities (lib/api/entities/group.rb, group_detail.rb, ee/…/group_detail.rb); GraphQL and the UI only',
  },
  {
    what: 'Group: runner registration tokens (`allow_runner_registration_token`, `runner_registration_enabled` of the group)',
    why: 'not in the REST group entities either; the instance switch is readable and checked by `instance.runner-registration-token`',
  },
];
