// Runtime shapes of the GitLab entities in gitlab/types.ts, checked where data enters: GitLab responses (collector,
// project listings, audit events, revert and undo reads) and saved snapshots. A wrong or missing value must become an
// error on its target, never a pass (a `"publik"` visibility matches no rule's "is it public?" test). Loose objects:
// unknown keys are GitLab's to add. The keys the tool reads are listed, each optional exactly where GitLab's entity
// exposes it under an `if:` (a tier, a role, a licence) or only in newer versions; test/gitlab/schema-types.test.ts
// keeps every schema equal to its TypeScript type.
// Validation never replaces the value (no clone): callers keep the original object when it passes.
import { z } from 'zod';
import { BadResponseError } from './errors';
import { VISIBILITIES, type Visibility } from './types';

// Gitlab::VisibilityLevel.string_options: the three names GitLab sends for `visibility`.
const visibility = z.enum(VISIBILITIES as readonly Visibility[] as [Visibility, ...Visibility[]]);
const int = z.number().int();
const str = z.string();
const bool = z.boolean();
const levels = z.array(z.object({ access_level: int }).loose());

// Gitlab::Access::BranchProtection settings hash (Namespace#default_branch_protection_settings): keys set on the group.
const branchProtectionDefaults = z
  .object({
    allowed_to_push: levels.optional(),
    allowed_to_merge: levels.optional(),
    allow_force_push: bool.optional(),
    developer_can_initial_push: bool.optional(),
    code_owner_approval_required: bool.optional(),
  })
  .loose();

/**
 * GlGroup: API::Entities::Group (lib/api/entities/group.rb) exposes every key below unconditionally except
 * default_branch_protection_defaults (newer versions only); GroupDetail (lib/api/entities/group_detail.rb, GET
 * /groups/:id) adds prevent_sharing_groups_outside_hierarchy `if: group.root?`; EE GroupDetail
 * (ee/lib/ee/api/entities/group_detail.rb) adds prevent_forking_outside_group (absent on CE and in lists) and the
 * unique_project_download_limit keys `if:` the user can admin the group and the limit is enabled.
 */
export const groupSchema = z
  .object({
    id: int,
    path: str,
    full_path: str,
    parent_id: int.nullable(),
    visibility,
    require_two_factor_authentication: bool,
    two_factor_grace_period: int,
    prevent_forking_outside_group: bool.optional(),
    prevent_sharing_groups_outside_hierarchy: bool.optional(),
    project_creation_level: str.nullable(),
    subgroup_creation_level: str.nullable(),
    default_branch_protection: int,
    default_branch_protection_defaults: branchProtectionDefaults.optional(),
    unique_project_download_limit: int.optional(),
    unique_project_download_limit_interval_in_seconds: int.optional(),
    auto_ban_user_on_excessive_projects_download: bool.optional(),
  })
  .loose();

/**
 * GlProject: API::Entities::Project (lib/api/entities/project.rb) exposes archived, visibility, public_jobs,
 * forking_access_level and the merge checks unconditionally; restrict_user_defined_variables and
 * ci_job_token_scope_enabled only `if:` the user can admin_project (Maintainer+). BasicProjectDetails
 * (lib/api/entities/basic_project_details.rb) exposes default_branch only `if:` the user can read_code, and the
 * namespace (NamespaceBasic) always.
 */
export const projectSchema = z
  .object({
    id: int,
    path_with_namespace: str,
    namespace: z.object({ id: int, kind: z.enum(['group', 'user']), full_path: str }).loose(),
    default_branch: str.nullable().optional(),
    visibility,
    archived: bool,
    public_jobs: bool,
    only_allow_merge_if_pipeline_succeeds: bool.optional(),
    only_allow_merge_if_all_discussions_are_resolved: bool.optional(),
    restrict_user_defined_variables: bool.optional(),
    ci_job_token_scope_enabled: bool.optional(),
    forking_access_level: z.enum(['disabled', 'private', 'enabled']).optional(),
  })
  .loose();

/**
 * GlAccessLevelEntry: API::Entities::ProtectedRefAccess (lib/api/entities/protected_ref_access.rb) exposes id,
 * access_level and access_level_description; deploy_key_id on push entries (CE), user_id / group_id on EE builds
 * (ee/lib/ee/api/entities/protected_ref_access.rb). access_level is null for a user, group or deploy key entry.
 */
/**
 * What a group's project listing must give for each project before any target is chosen from it: the id, the full
 * path and the namespace the baseline's globs and excludes are matched against (the rest is checked per target).
 */
export const listedProjectSchema = projectSchema.pick({ id: true, path_with_namespace: true, namespace: true });

const accessEntries = z.array(
  z
    .object({ id: int, access_level: int.nullable(), access_level_description: str, user_id: int.nullish(), group_id: int.nullish(), deploy_key_id: int.nullish() })
    .loose(),
);

/**
 * GlProtectedBranch: API::Entities::ProtectedBranch (lib/api/entities/protected_branch.rb); EE builds add
 * code_owner_approval_required, inherited and unprotect_access_levels (ee/lib/ee/api/entities/protected_branch.rb),
 * so those are absent on CE.
 */
export const protectedBranchSchema = z
  .object({ id: int, name: str, allow_force_push: bool, code_owner_approval_required: bool.optional(), push_access_levels: accessEntries, merge_access_levels: accessEntries })
  .loose();

/** GlProjectApprovals: API::Entities::ApprovalSettings (ee/lib/api/entities/approval_settings.rb), GET /projects/:id/approvals. */
export const projectApprovalsSchema = z
  .object({
    reset_approvals_on_push: bool,
    disable_overriding_approvers_per_merge_request: bool,
    merge_requests_author_approval: bool,
    merge_requests_disable_committers_approval: bool,
  })
  .loose();

/**
 * GlApprovalRule: API::Entities::ProjectApprovalRule (ee/lib/api/entities/project_approval_rule.rb) on top of
 * ApprovalRule and ApprovalRuleShort: applies_to_all_protected_branches always, protected_branches only `if:` the
 * project has multiple_approval_rules (Premium). rule_type is ApprovalProjectRule's enum.
 */
export const approvalRuleSchema = z
  .object({
    id: int,
    name: str,
    rule_type: z.enum(['regular', 'code_owner', 'report_approver', 'any_approver']),
    approvals_required: int,
    applies_to_all_protected_branches: bool,
    protected_branches: z.array(protectedBranchSchema).optional(),
  })
  .loose();

// ComplianceManagement::MergeRequestApprovalSettings::Setting, serialized as {value, locked, inherited_from}.
const lockedSetting = z.object({ value: bool, locked: bool, inherited_from: z.enum(['group', 'instance']).nullable().optional() }).loose();
/** GlMrApprovalSetting: API::Entities::MergeRequestApprovalSetting (ee/lib/api/entities/merge_request_approval_setting.rb). */
export const mrApprovalSettingSchema = z
  .object({ allow_author_approval: lockedSetting, allow_committer_approval: lockedSetting, allow_overrides_to_approver_list_per_merge_request: lockedSetting, retain_approvals_on_push: lockedSetting })
  .loose();

/** GlHook: API::Entities::Hook (lib/api/entities/hook.rb), under ProjectHook and EE GroupHook (ee/lib/api/entities/group_hook.rb). */
export const hookSchema = z.object({ id: int, url: str, enable_ssl_verification: bool }).loose();

/** GlVariable: API::Entities::Ci::Variable (lib/api/entities/ci/variable.rb); project and group variables respond to all four. */
export const variableSchema = z.object({ key: str, protected: bool, masked: bool, environment_scope: str }).loose();

/** GlJobTokenScope: API::Entities::ProjectJobTokenScope (lib/api/entities/project_job_token_scope.rb). */
export const jobTokenScopeSchema = z.object({ inbound_enabled: bool, outbound_enabled: bool }).loose();

/**
 * GlPushRule: API::Entities::ProjectPushRule / GroupPushRule (ee/lib/api/entities/project_push_rule.rb,
 * group_push_rule.rb); null: the project has none. deny_delete_tag is a nullable column, member_check and
 * prevent_secrets are NOT NULL; commit_committer_check and reject_unsigned_commits are `expose_restricted`
 * (absent without their licence feature) and nullable columns.
 */
export const pushRuleSchema = z
  .object({ id: int, deny_delete_tag: bool.nullable(), member_check: bool, prevent_secrets: bool, commit_committer_check: bool.nullish(), reject_unsigned_commits: bool.nullish() })
  .loose()
  .nullable();

/** GlMember: API::Entities::Member (lib/api/entities/member.rb, UserBasic merged); two_factor_enabled and external are joined from GET /users. */
export const memberSchema = z.object({ id: int, username: str, access_level: int, two_factor_enabled: bool.optional(), external: bool.optional() }).loose();

/** GlDeployKey: API::Entities::DeployKeysProject (lib/api/entities/deploy_keys_project.rb) exposes `can_push` unconditionally (a NOT NULL column). */
export const deployKeySchema = z.object({ id: int, title: str, can_push: bool }).loose();

/** GlAdminUser: API::Entities::UserWithAdmin (lib/api/entities/user_with_admin.rb). */
export const adminUserSchema = z.object({ id: int, username: str, state: str, is_admin: bool }).loose();

/** GlApplicationSettings: API::Entities::ApplicationSetting (lib/api/entities/application_setting.rb), the keys every instance returns. */
export const applicationSettingsSchema = z
  .object({
    require_two_factor_authentication: bool,
    two_factor_grace_period: int,
    default_project_visibility: visibility,
    default_group_visibility: visibility,
    restricted_visibility_levels: z.array(visibility).nullable(),
    default_branch_protection_defaults: branchProtectionDefaults.optional(),
  })
  .loose();

/** GlGroupAncestor (model/snapshot.ts): the 2FA settings of each ancestor group, read with GET /groups/:id. */
export const groupAncestorSchema = z
  .object({ id: int, full_path: str, parent_id: int.nullable(), require_two_factor_authentication: bool, two_factor_grace_period: int })
  .loose();

/**
 * GlAuditEvent: API::Entities::AuditEvent (ee/lib/api/entities/audit_event.rb; lib/api/entities/audit_event.rb in
 * newer versions) exposes every key unconditionally; event_name (newer versions) is details[:event_name] or null.
 * entity_type stays a string: the instance list holds types beyond the four the rules look at.
 */
export const auditEventSchema = z
  .object({
    id: int,
    author_id: int,
    entity_id: int,
    entity_type: str,
    event_name: str.nullish(),
    details: z.object({}).loose(),
    created_at: z.iso.datetime({ offset: true }),
  })
  .loose();

/** The schema of each area read (policies/rule.ts reads), by target kind. */
export const READ_SCHEMAS = {
  project: {
    project: projectSchema,
    protectedBranches: z.array(protectedBranchSchema),
    approvals: projectApprovalsSchema,
    approvalRules: z.array(approvalRuleSchema),
    mrApprovalSetting: mrApprovalSettingSchema,
    hooks: z.array(hookSchema),
    variables: z.array(variableSchema),
    jobTokenScope: jobTokenScopeSchema,
    pushRule: pushRuleSchema,
    members: z.array(memberSchema),
    deployKeys: z.array(deployKeySchema),
  },
  group: {
    group: groupSchema,
    hooks: z.array(hookSchema),
    variables: z.array(variableSchema),
    mrApprovalSetting: mrApprovalSettingSchema,
    pushRule: pushRuleSchema,
    members: z.array(memberSchema),
    ancestors: z.array(groupAncestorSchema),
  },
  instance: {
    settings: applicationSettingsSchema,
    admins: z.array(adminUserSchema),
  },
} as const;

/**
 * The first problem of `value` against `schema` as "key.path: what was expected, got what", or undefined when it
 * fits. `at` prefixes the path (e.g. `projects[3].project.value`). The value itself is never modified.
 */
export function shapeProblem(schema: z.ZodType, value: unknown, at = ''): string | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  const path = joinPath(at, issue.path);
  const got = valueAt(value, issue.path);
  // Objects and arrays are described, not printed: they can hold a hook URL or other text that is not ours to echo.
  const what =
    got === undefined ? 'missing' : got !== null && typeof got === 'object' ? `got ${Array.isArray(got) ? 'an array' : 'an object'}` : `got ${JSON.stringify(got)?.slice(0, 60)}`;
  const expected =
    issue.code === 'invalid_value'
      ? `expected one of ${issue.values.map((v) => String(v)).join(' | ')}`
      : issue.code === 'invalid_type'
        ? `expected ${issue.expected}`
        : issue.code === 'invalid_format' && issue.format === 'datetime'
          ? 'expected an ISO 8601 date-time'
          : issue.message;
  return `${path || '(top level)'}: ${expected}, ${what}`;
}

function joinPath(at: string, path: readonly PropertyKey[]): string {
  let out = at;
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let cur = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * The entity GitLab answers a single-object GET with, by path (the reads revert and undo make before and after a
 * write: gitlab-posture's own writes only touch these). Undefined for a path we have no schema for.
 */
export function schemaForPath(path: string): z.ZodType | undefined {
  const bare = path.split('?')[0]!;
  const rules: [RegExp, z.ZodType][] = [
    [/^\/projects\/[^/]+$/, projectSchema],
    [/^\/groups\/[^/]+$/, groupSchema],
    [/^\/projects\/[^/]+\/protected_branches\/[^/]+$/, protectedBranchSchema],
    [/^\/projects\/[^/]+\/approvals$/, projectApprovalsSchema],
    [/^\/projects\/[^/]+\/approval_rules\/[^/]+$/, approvalRuleSchema],
    [/^\/(projects|groups)\/[^/]+\/merge_request_approval_setting$/, mrApprovalSettingSchema],
    [/^\/(projects|groups)\/[^/]+\/hooks\/[^/]+$/, hookSchema],
    [/^\/(projects|groups)\/[^/]+\/variables\/[^/]+$/, variableSchema],
    [/^\/projects\/[^/]+\/job_token_scope$/, jobTokenScopeSchema],
    [/^\/(projects|groups)\/[^/]+\/push_rule$/, pushRuleSchema],
    [/^\/(projects|groups)\/[^/]+\/members\/[^/]+$/, memberSchema],
    [/^\/projects\/[^/]+\/deploy_keys\/[^/]+$/, deployKeySchema],
    [/^\/application\/settings$/, applicationSettingsSchema],
  ];
  return rules.find(([re]) => re.test(bare))?.[1];
}

/** A GitLab answer that does not fit its schema, as the read error of its target (names the endpoint and field). */
export function checkResponse<T>(schema: z.ZodType, value: T, path: string): T {
  const problem = shapeProblem(schema, value);
  if (problem === undefined) return value;
  throw new BadResponseError({
    method: 'GET',
    path,
    detail: `unexpected answer, ${problem}`,
    hint: 'gitlab-posture cannot judge a value it does not understand; check that the URL points at GitLab (not a proxy) and report the GitLab version if it does.',
  });
}
