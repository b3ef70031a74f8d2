// Builders for scenario state: users, tokens and groups/projects that meet the `hardened` profile
// (policies/profiles/hardened.yaml). Scenarios start compliant and then apply their drift.
import { randomBytes } from 'node:crypto';
import type { GlAccessLevelEntry, GlApplicationSettings, GlBranchProtectionDefaults, GlAuditEvent, GlProtectedBranch, GlPushRule, GlVariable, Tier } from '../../gitlab/types';
import { accessLevelDescription, type AuditInput } from '../kit';
import { emptyPushRule, nextId, type SimApprovalFlags, type SimGroup, type SimProject, type SimState, type SimToken, type SimUser } from '../state';

export interface ScenarioOptions {
  tier?: Tier;
  edition?: 'ee' | 'ce';
  /** Reference time for created_at and audit events (default: now). */
  now?: Date;
  seed?: number;
  /** Random bytes for tokens; tests may inject a deterministic source. */
  random?: (n: number) => Buffer;
}

export const INSTANCE_HOST = 'https://gitlab.acme.example';

/** Level 2 of the deprecated integer (docs/gitlab-behaviour.md, Group settings): Maintainers push and merge, no force push. */
function hardenedBranchProtection(): GlBranchProtectionDefaults {
  return { allowed_to_push: [{ access_level: 40 }], allowed_to_merge: [{ access_level: 40 }], allow_force_push: false, developer_can_initial_push: false };
}

export function emptyState(opts: ScenarioOptions): SimState {
  const edition = opts.edition ?? 'ee';
  return {
    tier: edition === 'ce' ? 'free' : (opts.tier ?? 'ultimate'),
    edition,
    version: edition === 'ee' ? '17.11.2-ee' : '17.11.2',
    revision: 'b9e3c1a4f2d',
    users: [],
    tokens: [],
    groups: [],
    projects: [],
    application_settings: hardenedApplicationSettings(),
    audit_events: [],
    next_id: 100,
  };
}

export function hardenedApplicationSettings(): GlApplicationSettings {
  return {
    id: 1,
    signup_enabled: false,
    require_two_factor_authentication: true,
    two_factor_grace_period: 8,
    require_admin_two_factor_authentication: true,
    default_project_visibility: 'private',
    default_group_visibility: 'private',
    // Only administrators may make things public (instance.restricted-public).
    restricted_visibility_levels: ['public'],
    default_branch_protection: 2,
    default_branch_protection_defaults: hardenedBranchProtection(),
    prevent_merge_requests_author_approval: false,
    prevent_merge_requests_committers_approval: false,
    disable_overriding_approvers_per_merge_request: false,
    max_number_of_repository_downloads: 100,
    max_number_of_repository_downloads_within_time_period: 3600,
    git_rate_limit_users_allowlist: [],
    git_rate_limit_users_alertlist: [],
    auto_ban_user_on_excessive_projects_download: true,
    throttle_authenticated_api_enabled: true,
    throttle_authenticated_api_requests_per_period: 7200,
    throttle_authenticated_api_period_in_seconds: 3600,
    throttle_authenticated_web_enabled: true,
    throttle_unauthenticated_api_enabled: true,
    // The column behind throttle_unauthenticated_web_enabled (lib/api/entities/application_setting.rb).
    throttle_unauthenticated_enabled: true,
    require_admin_approval_after_user_signup: true,
    domain_allowlist: [],
    email_confirmation_setting: 'hard',
    password_authentication_enabled_for_git: false,
    allow_local_requests_from_web_hooks_and_services: false,
    allow_local_requests_from_system_hooks: false,
    max_personal_access_token_lifetime: 90,
    admin_mode: true,
    allow_runner_registration_token: false,
  };
}

export const USERS = [
  { username: 'root', name: 'Administrator', is_admin: true },
  { username: 'alice', name: 'Alice Owner', is_admin: false },
  { username: 'bob', name: 'Bob Maintainer', is_admin: false },
  { username: 'dave', name: 'Dave Developer', is_admin: false },
  { username: 'mallory', name: 'Mallory Attacker', is_admin: false },
] as const;

/** Users root/alice/bob/dave/mallory, an `api` token each, plus a `read_api` token for alice. */
export function addUsers(state: SimState, opts: ScenarioOptions): Record<(typeof USERS)[number]['username'], SimUser> {
  const random = opts.random ?? randomBytes;
  const created = (opts.now ?? new Date()).toISOString();
  const out = {} as Record<string, SimUser>;
  for (const u of USERS) {
    const user: SimUser = {
      id: nextId(state),
      username: u.username,
      name: u.name,
      email: `${u.username}@acme.example`,
      state: 'active',
      is_admin: u.is_admin,
      two_factor_enabled: true,
      external: false,
      created_at: created,
      last_sign_in_at: created,
      last_activity_on: created.slice(0, 10),
    };
    state.users.push(user);
    out[u.username] = user;
    state.tokens.push(token(state, user, `${u.username}-api`, ['api'], random, created));
  }
  state.tokens.push(token(state, out.alice, 'alice-read-api', ['read_api'], random, created));
  return out as Record<(typeof USERS)[number]['username'], SimUser>;
}

function token(state: SimState, user: SimUser, name: string, scopes: SimToken['scopes'], random: (n: number) => Buffer, created: string): SimToken {
  return {
    id: nextId(state),
    token: `glpat-${random(15).toString('base64url')}`,
    name,
    user_id: user.id,
    scopes,
    revoked: false,
    expires_at: null,
    created_at: created,
  };
}

export const COMPLIANT_APPROVALS: SimApprovalFlags = {
  merge_requests_author_approval: false,
  merge_requests_disable_committers_approval: true,
  disable_overriding_approvers_per_merge_request: true,
  reset_approvals_on_push: true,
  selective_code_owner_removals: false,
  require_password_to_approve: false,
};

export function addGroup(state: SimState, path: string, parent: SimGroup | null, createdAt: string, members: SimGroup['members'] = []): SimGroup {
  const full_path = parent ? `${parent.full_path}/${path}` : path;
  const name = path.charAt(0).toUpperCase() + path.slice(1);
  const group: SimGroup = {
    id: nextId(state),
    name,
    path,
    full_path,
    full_name: parent ? `${parent.full_name} / ${name}` : name,
    parent_id: parent ? parent.id : null,
    visibility: 'private',
    web_url: `${INSTANCE_HOST}/groups/${full_path}`,
    require_two_factor_authentication: true,
    two_factor_grace_period: 8,
    share_with_group_lock: false,
    membership_lock: false,
    prevent_forking_outside_group: true,
    project_creation_level: 'maintainer',
    subgroup_creation_level: 'owner',
    default_branch_protection: 2,
    default_branch_protection_defaults: hardenedBranchProtection(),
    created_at: createdAt,
    members: members.map((m) => ({ created_at: createdAt, ...m })),
    hooks: [],
    variables: [],
    approval_settings: { ...COMPLIANT_APPROVALS },
    approval_locks: {},
    protected_branches: [],
  };
  if (!parent) {
    // Top-level only keys (docs/gitlab-behaviour.md, Group settings / Git abuse rate limits).
    group.prevent_sharing_groups_outside_hierarchy = true;
    group.unique_project_download_limit = 50;
    group.unique_project_download_limit_interval_in_seconds = 3600;
    group.unique_project_download_limit_allowlist = [];
    group.unique_project_download_limit_alertlist = [];
    group.auto_ban_user_on_excessive_projects_download = true;
    group.push_rule = hardenedPushRule(group.id, createdAt);
  }
  state.groups.push(group);
  return group;
}

/**
 * A push rule with every check the hardened profile asks for (policies/push-rules.ts). Its id is its owner's: push
 * rules are numbered apart from groups and projects, and taking no id from the shared counter keeps every other
 * scenario id where tests and docs expect it.
 */
export function hardenedPushRule(ownerId: number, createdAt: string): GlPushRule {
  return { ...emptyPushRule(ownerId, createdAt), member_check: true, prevent_secrets: true, commit_committer_check: true, reject_unsigned_commits: true };
}

export function accessEntry(state: SimState, level: number): GlAccessLevelEntry {
  return { id: nextId(state), access_level: level, access_level_description: accessLevelDescription(level), user_id: null, group_id: null, deploy_key_id: null };
}

export function protectedBranch(state: SimState, name: string, push = 40, merge = 40): GlProtectedBranch {
  return {
    id: nextId(state),
    name,
    allow_force_push: false,
    code_owner_approval_required: true,
    inherited: false,
    push_access_levels: [accessEntry(state, push)],
    merge_access_levels: [accessEntry(state, merge)],
    unprotect_access_levels: [accessEntry(state, 40)],
  };
}

export function variable(key: string, value: string, masked: boolean, isProtected: boolean): GlVariable {
  return { key, value, variable_type: 'env_var', protected: isProtected, masked, hidden: false, raw: false, environment_scope: '*', description: null };
}

export function addProject(state: SimState, group: SimGroup, path: string, createdAt: string): SimProject {
  const name = path.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
  const id = nextId(state);
  const project: SimProject = {
    id,
    name,
    path,
    path_with_namespace: `${group.full_path}/${path}`,
    namespace: { id: group.id, name: group.name, path: group.path, kind: 'group', full_path: group.full_path, parent_id: group.parent_id },
    default_branch: 'main',
    visibility: 'private',
    archived: false,
    public_jobs: false,
    web_url: `${INSTANCE_HOST}/${group.full_path}/${path}`,
    only_allow_merge_if_pipeline_succeeds: true,
    allow_merge_on_skipped_pipeline: false,
    only_allow_merge_if_all_discussions_are_resolved: true,
    restrict_user_defined_variables: true,
    ci_pipeline_variables_minimum_override_role: 'maintainer',
    ci_job_token_scope_enabled: false,
    approvals_before_merge: 0,
    builds_access_level: 'enabled',
    forking_access_level: 'private',
    created_at: createdAt,
    last_activity_at: createdAt,
    marked_for_deletion_on: null,
    members: [],
    protected_branches: [protectedBranch(state, 'main')],
    approvals: { ...COMPLIANT_APPROVALS, require_reauthentication_to_approve: false },
    approval_rules: [
      {
        id: nextId(state),
        name: 'All members',
        // A rule with no users and no groups is any_approver: GitLab creates no other kind
        // (ApprovalRules::CreateService#handle_any_approver_rule_creation).
        rule_type: 'any_approver',
        report_type: null,
        approvals_required: 2,
        user_ids: [],
        group_ids: [],
        protected_branch_ids: [],
        applies_to_all_protected_branches: false,
      },
    ],
    hooks: [],
    variables: [],
    job_token_scope: { inbound_enabled: true, outbound_enabled: false, allowlist: [], groups_allowlist: [] },
    deploy_keys: [],
    branches: ['main'],
    push_rule: hardenedPushRule(id, createdAt),
  };
  state.projects.push(project);
  return project;
}

export function addHook(state: SimState, project: SimProject, url: string, sslVerification: boolean, createdAt: string) {
  const hook = {
    id: nextId(state),
    url,
    name: '',
    description: '',
    created_at: createdAt,
    project_id: project.id,
    enable_ssl_verification: sslVerification,
    alert_status: 'executable' as const,
    disabled_until: null,
    url_variables: [],
    custom_headers: [],
    push_events: true,
    tag_push_events: false,
    merge_requests_events: true,
    issues_events: false,
    note_events: false,
    pipeline_events: true,
    job_events: false,
    token: `whsec-${hookSecret(project.id)}`,
  };
  project.hooks.push(hook);
  return hook;
}

function hookSecret(n: number): string {
  return (n * 2654435761 >>> 0).toString(36);
}

/** What a scenario says about a past change: the same shape routes record through `ctx.audit`. */
export type PastEventInput = AuditInput;

/** A past audit event, as if GitLab had recorded it (scenario history). */
export function pastEvent(
  state: SimState,
  author: SimUser,
  ip: string,
  at: Date,
  e: PastEventInput,
): GlAuditEvent {
  const { entity_type, entity_id, event_name, entity_path, ...rest } = e;
  const details: GlAuditEvent['details'] = {
    event_name,
    author_name: author.name,
    author_email: author.email,
    target_id: rest.target_id ?? entity_id,
    target_type: rest.target_type ?? entity_type,
    target_details: rest.target_details ?? entity_path,
    ip_address: ip,
    entity_path,
  };
  if (rest.change !== undefined) Object.assign(details, { change: rest.change, from: rest.from, to: rest.to });
  const message = rest.custom_message ?? (rest.change !== undefined ? `Changed ${rest.change} from ${fmt(rest.from)} to ${fmt(rest.to)}` : undefined);
  if (message !== undefined) details.custom_message = message;
  const event: GlAuditEvent = { id: nextId(state), author_id: author.id, entity_id, entity_type, created_at: at.toISOString(), event_name, details };
  state.audit_events.push(event);
  return event;
}

function fmt(v: unknown): string {
  return Array.isArray(v) ? `[${v.map((x) => JSON.stringify(x)).join(', ')}]` : String(v);
}

export function hoursBefore(now: Date, hours: number): Date {
  return new Date(now.getTime() - hours * 3_600_000);
}
