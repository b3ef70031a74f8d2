// The live objects a resource is judged on: read from GitLab (readLive), stored as resource outputs (outputsOf), and
// rebuilt from stored outputs without a request (liveFromOutputs) so diff can judge the state Pulumi recorded.
// Used by the provider runtime (provider/runtime.ts); the judge and the CrossGuard pack import only the LiveOf type.
import type { GitlabClient } from '../gitlab/client';
import { getGroup, listAncestors, toAncestor } from '../gitlab/groups';
import { getProject } from '../gitlab/projects';
import { getProtectedBranch, listProtectedBranches } from '../gitlab/protected-branches';
import { getProjectApprovals, listApprovalRules } from '../gitlab/approvals';
import { getJobTokenScope } from '../gitlab/job-token-scope';
import { listHooks } from '../gitlab/hooks';
import { getVariable } from '../gitlab/variables';
import { getGroupPushRule, getProjectPushRule } from '../gitlab/push-rules';
import { listDeployKeys } from '../gitlab/deploy-keys';
import { getApplicationSettings } from '../gitlab/instance';
import { GitlabError } from '../gitlab/errors';
import type {
  GlApplicationSettings,
  GlApprovalRule,
  GlDeployKey,
  GlGroup,
  GlHook,
  GlJobTokenScope,
  GlProject,
  GlProjectApprovals,
  GlProtectedBranch,
  GlPushRule,
  GlVariable,
} from '../gitlab/types';
import type { TargetRef } from '../model/target';
import type { GlGroupAncestor } from '../model/snapshot';
import type { Outputs, ResourceType } from '../model/resources';

/** The live objects a resource is judged on; `null` where the object does not exist (yet). */
export interface LiveOf {
  /** `ancestors`, closest first: 2FA is the group's or any ancestor's (policies/two-factor.ts). */
  GroupSecurity: { group: GlGroup; ancestors: GlGroupAncestor[] };
  ProjectSecurity: { project: GlProject; jobTokenScope?: GlJobTokenScope; approvals?: GlProjectApprovals };
  ProtectedBranch: { project: GlProject; branch: GlProtectedBranch | null };
  ApprovalRule: { project: GlProject; approvalRules: GlApprovalRule[]; protectedBranches: GlProtectedBranch[] };
  Webhook: { owner: TargetRef; hook: GlHook | null };
  VariableProtection: { owner: TargetRef; variable: GlVariable | null };
  PushRule: { owner: TargetRef; rule: GlPushRule | null };
  DeployKey: { owner: TargetRef; key: GlDeployKey | null };
  /** Only the keys the instance.* rules read (INSTANCE_KEYS). */
  InstanceSettings: { settings: GlApplicationSettings };
}

// ---------------------------------------------------------------------------------------------------------------
// Live reads.

/** Which optional areas to read: the ones the inputs declare (create/update) or the state holds (read). */
function wants(i: Record<string, unknown>, keys: string[]): boolean {
  return keys.some((k) => i[k] !== undefined);
}

const APPROVAL_FLAGS = ['merge_requests_author_approval', 'merge_requests_disable_committers_approval', 'reset_approvals_on_push', 'disable_overriding_approvers_per_merge_request'] as const;

async function owner(client: GitlabClient, i: { group?: string; project?: string }): Promise<TargetRef> {
  if (i.group !== undefined) {
    const g = await getGroup(client, i.group);
    return { kind: 'group', path: g.full_path, id: g.id };
  }
  const p = await getProject(client, i.project!);
  return { kind: 'project', path: p.path_with_namespace, id: p.id };
}

export async function readLive<T extends ResourceType>(client: GitlabClient, type: T, raw: Record<string, unknown>, prev?: Record<string, unknown>): Promise<LiveOf[T]> {
  const i = raw as Record<string, any>;
  switch (type) {
    case 'GroupSecurity': {
      const group = await getGroup(client, i.group);
      // The same ancestors `check` reads: a subgroup under an enforcing ancestor is not 2FA drift (and never gets 2FA PUT).
      const ancestors = (await listAncestors(client, group)).map(toAncestor);
      return { group, ancestors } as LiveOf[T];
    }
    case 'ProjectSecurity': {
      const project = await getProject(client, i.project);
      const [jobTokenScope, approvals] = await Promise.all([
        wants(i, ['ci_inbound_job_token_scope_enabled']) ? getJobTokenScope(client, project.id) : undefined,
        wants(i, [...APPROVAL_FLAGS]) ? getProjectApprovals(client, project.id) : undefined,
      ]);
      return { project, ...(jobTokenScope ? { jobTokenScope } : {}), ...(approvals ? { approvals } : {}) } as LiveOf[T];
    }
    case 'ProtectedBranch': {
      const project = await getProject(client, i.project);
      // The project was readable, so a 404 here means "not protected", not "invisible".
      const branch = await getProtectedBranch(client, project.id, i.name);
      return { project, branch } as LiveOf[T];
    }
    case 'ApprovalRule': {
      const project = await getProject(client, i.project);
      const [approvalRules, protectedBranches] = await Promise.all([
        listApprovalRules(client, project.id),
        listProtectedBranches(client, project.id),
      ]);
      return { project, approvalRules, protectedBranches } as LiveOf[T];
    }
    case 'Webhook': {
      const o = await owner(client, i);
      const hooks = await listHooks(client, o.kind as 'group' | 'project', o.id);
      // Known hooks are followed by id (a URL edit keeps the resource); new ones are adopted by URL.
      const id = typeof prev?.hook_id === 'number' ? prev.hook_id : undefined;
      const hook = hooks.find((h) => (id !== undefined ? h.id === id : h.url === i.url)) ?? null;
      return { owner: o, hook } as LiveOf[T];
    }
    case 'VariableProtection': {
      const o = await owner(client, i);
      const scope = (i.environment_scope as string | undefined) ?? '*';
      // The value never leaves the read layer (gitlab/variables.ts): not in outputs, state or logs.
      const variable = await getVariable(client, o.kind as 'group' | 'project', o.id, i.key, scope);
      return { owner: o, variable } as LiveOf[T];
    }
    case 'PushRule': {
      const o = await owner(client, i);
      // null: the owner has no push rule (a group's 404 is read as "none" only for a token that could see one).
      const rule = o.kind === 'group' ? await getGroupPushRule(client, o.id) : await getProjectPushRule(client, o.id);
      return { owner: o, rule } as LiveOf[T];
    }
    case 'DeployKey': {
      const o = await owner(client, i);
      // GET /projects/:id/deploy_keys (Maintainer); the project was readable, so a key not listed is gone.
      const keys = (await listDeployKeys(client, o.id)) as GlDeployKey[];
      const key = keys.find((k) => k.id === Number(i.key_id)) ?? null;
      return { owner: o, key: key ? { id: key.id, title: key.title, can_push: key.can_push } : null } as LiveOf[T];
    }
    case 'InstanceSettings':
      return { settings: pick(await readApplicationSettings(client), INSTANCE_KEYS) as GlApplicationSettings } as LiveOf[T];
  }
  throw new Error(`gitlab-posture provider: unknown resource type ${String(type)}`);
}

/**
 * GET /application/settings answers administrators only (lib/api/settings.rb `authenticated_as_admin!`; with admin
 * mode on, a token with the admin_mode scope). Without one the resource can neither judge nor write: an error that
 * says so, never a pass.
 */
async function readApplicationSettings(client: GitlabClient): Promise<GlApplicationSettings> {
  try {
    return await getApplicationSettings(client);
  } catch (e) {
    if (e instanceof GitlabError && (e.status === 403 || e.status === 401)) {
      throw new Error(
        `InstanceSettings: cannot read the instance settings (GET /application/settings -> ${e.status}): they need an administrator's token ` +
          '(with admin mode on, one with the admin_mode scope). Nothing was judged or written. Use an administrator token for gitlab:token, ' +
          'or turn the instance.* rules off in the baseline.',
      );
    }
    throw e;
  }
}


// ---------------------------------------------------------------------------------------------------------------
// Outputs <-> live. Outputs hold the live values of the managed fields (GitLab names) and the owner's ids, so diff
// can judge the stored state without a request, and a refresh shows drift field by field.

function pick<T extends object>(o: T | undefined, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!o) return out;
  for (const k of keys) if ((o as Record<string, unknown>)[k] !== undefined) out[k] = (o as Record<string, unknown>)[k];
  return out;
}

const GROUP_KEYS = [
  'require_two_factor_authentication',
  'two_factor_grace_period',
  'visibility',
  'unique_project_download_limit',
  'unique_project_download_limit_interval_in_seconds',
  'auto_ban_user_on_excessive_projects_download',
  'prevent_forking_outside_group',
  'project_creation_level',
  'subgroup_creation_level',
  'default_branch_protection_defaults',
] as const;

function accessEntries(list: GlProtectedBranch['push_access_levels']) {
  return list.map((e) => pick(e, ['id', 'access_level', 'access_level_description', 'user_id', 'group_id', 'deploy_key_id']));
}

export function outputsOf<T extends ResourceType>(type: T, inputs: Record<string, unknown>, live: LiveOf[T]): Outputs {
  const base: Outputs = { ...(inputs.version !== undefined ? { version: inputs.version as string } : {}) };
  switch (type) {
    case 'GroupSecurity': {
      const { group, ancestors } = live as LiveOf['GroupSecurity'];
      return { ...base, group: group.full_path, group_id: group.id, parent_id: group.parent_id, ancestors, ...pick(group, GROUP_KEYS) };
    }
    case 'ProjectSecurity': {
      const l = live as LiveOf['ProjectSecurity'];
      return {
        ...base,
        ...projectIds(l.project),
        visibility: l.project.visibility,
        public_jobs: l.project.public_jobs,
        ...pick(l.project, PROJECT_SETTING_KEYS),
        ...(l.jobTokenScope ? { ci_inbound_job_token_scope_enabled: l.jobTokenScope.inbound_enabled } : {}),
        ...pick(l.approvals, APPROVAL_FLAGS),
      };
    }
    case 'ProtectedBranch': {
      const l = live as LiveOf['ProtectedBranch'];
      const b = l.branch;
      return {
        ...base,
        ...projectIds(l.project),
        name: inputs.name,
        protected: b !== null,
        ...(b
          ? {
              protected_branch_id: b.id,
              allow_force_push: b.allow_force_push,
              push_access_levels: accessEntries(b.push_access_levels),
              merge_access_levels: accessEntries(b.merge_access_levels),
              ...pick(b, ['code_owner_approval_required', 'inherited']),
            }
          : {}),
      };
    }
    case 'ApprovalRule': {
      const l = live as LiveOf['ApprovalRule'];
      return {
        ...base,
        ...projectIds(l.project),
        approval_rules: l.approvalRules.map((r) => ({
          ...pick(r, ['id', 'name', 'rule_type', 'approvals_required', 'applies_to_all_protected_branches']),
          protected_branches: (r.protected_branches ?? []).map((p) => ({ name: p.name })),
          users: r.users.map((u) => ({ id: u.id })),
          // min-approvals tells a rule that can block a merge by its eligible approvers (an invalid rule blocks nothing).
          ...(Array.isArray(r.eligible_approvers) ? { eligible_approvers: r.eligible_approvers.map((u) => ({ id: u.id })) } : {}),
          groups: r.groups.map((g) => ({ id: g.id })),
          // A regular rule with fewer eligible approvers than it requires blocks nothing (mr-approvals.min-approvals).
          eligible_approvers: (r.eligible_approvers ?? []).map((u) => ({ id: u.id })),
        })),
        protected_branches: l.protectedBranches.map((p) => p.name),
      };
    }
    case 'Webhook': {
      const l = live as LiveOf['Webhook'];
      return {
        ...base,
        [l.owner.kind]: l.owner.path,
        owner_id: l.owner.id,
        exists: l.hook !== null,
        ...(l.hook ? { hook_id: l.hook.id, url: l.hook.url, enable_ssl_verification: l.hook.enable_ssl_verification } : { url: inputs.url }),
      };
    }
    case 'VariableProtection': {
      const l = live as LiveOf['VariableProtection'];
      return {
        ...base,
        [l.owner.kind]: l.owner.path,
        owner_id: l.owner.id,
        key: inputs.key,
        environment_scope: (inputs.environment_scope as string | undefined) ?? '*',
        exists: l.variable !== null,
        ...pick(l.variable ?? undefined, ['masked', 'protected', 'hidden', 'variable_type']),
      };
    }
    case 'PushRule': {
      const l = live as LiveOf['PushRule'];
      return { ...base, [l.owner.kind]: l.owner.path, owner_id: l.owner.id, exists: l.rule !== null, ...pick(l.rule ?? undefined, ['id', ...PUSH_RULE_KEYS]) };
    }
    case 'DeployKey': {
      const l = live as LiveOf['DeployKey'];
      return { ...base, project: l.owner.path, owner_id: l.owner.id, key_id: inputs.key_id, exists: l.key !== null, ...pick(l.key ?? undefined, ['title', 'can_push']) };
    }
    case 'InstanceSettings': {
      const { settings } = live as LiveOf['InstanceSettings'];
      // A key GitLab does not return (CE build, below Ultimate, older version) stays absent and its rule skips;
      // `returned_keys` tells such a key from a returned null (no PAT maximum), which the state may not keep.
      const kept = pick(settings, INSTANCE_KEYS);
      return { ...base, ...kept, returned_keys: Object.keys(kept) };
    }
  }
  throw new Error(`gitlab-posture provider: unknown resource type ${String(type)}`);
}

/** Project settings the new rules read, kept in state so a refresh judges them (policies/projects.ts). */
const PROJECT_SETTING_KEYS = ['forking_access_level', 'only_allow_merge_if_pipeline_succeeds', 'only_allow_merge_if_all_discussions_are_resolved'] as const;

/**
 * The application settings the instance.* rules read (policies/instance.ts): the keys InstanceSettings manages plus
 * the ones a rule judges them with (sign-up approval and allowed domains; the unauthenticated web limit's column).
 */
export const INSTANCE_KEYS = [
  'require_two_factor_authentication',
  'two_factor_grace_period',
  'max_number_of_repository_downloads',
  'max_number_of_repository_downloads_within_time_period',
  'auto_ban_user_on_excessive_projects_download',
  'signup_enabled',
  'require_admin_approval_after_user_signup',
  'domain_allowlist',
  'email_confirmation_setting',
  'password_authentication_enabled_for_git',
  'throttle_authenticated_api_enabled',
  'throttle_authenticated_web_enabled',
  'throttle_unauthenticated_api_enabled',
  'throttle_unauthenticated_web_enabled',
  'throttle_unauthenticated_enabled',
  'default_branch_protection_defaults',
  'restricted_visibility_levels',
  'default_project_visibility',
  'default_group_visibility',
  'allow_local_requests_from_web_hooks_and_services',
  'allow_local_requests_from_system_hooks',
  'max_personal_access_token_lifetime',
  'admin_mode',
  'allow_runner_registration_token',
] as const;

/** The push rule checks the push-rules.* rules judge (policies/push-rules.ts). */
const PUSH_RULE_KEYS = ['reject_unsigned_commits', 'prevent_secrets', 'member_check', 'commit_committer_check'] as const;

function projectIds(p: GlProject) {
  return { project: p.path_with_namespace, project_id: p.id, default_branch: p.default_branch };
}

/** The live objects as the state recorded them (the inverse of outputsOf for what the rules read). */
export function liveFromOutputs<T extends ResourceType>(type: T, o: Record<string, any>): LiveOf[T] {
  const project = (): GlProject =>
    ({ id: o.project_id, path_with_namespace: o.project, default_branch: o.default_branch ?? null, visibility: o.visibility, public_jobs: o.public_jobs, ...pick(o, PROJECT_SETTING_KEYS) }) as GlProject;
  const ownerRef = (): TargetRef =>
    o.group !== undefined ? { kind: 'group', path: o.group, id: o.owner_id } : { kind: 'project', path: o.project, id: o.owner_id };
  switch (type) {
    case 'GroupSecurity':
      return {
        group: { id: o.group_id, full_path: o.group, parent_id: o.parent_id ?? null, ...pick(o, GROUP_KEYS) } as GlGroup,
        ancestors: (o.ancestors ?? []) as GlGroupAncestor[],
      } as LiveOf[T];
    case 'ProjectSecurity':
      return {
        project: project(),
        ...(o.ci_inbound_job_token_scope_enabled !== undefined ? { jobTokenScope: { inbound_enabled: o.ci_inbound_job_token_scope_enabled, outbound_enabled: false } } : {}),
        ...(APPROVAL_FLAGS.some((k) => o[k] !== undefined) ? { approvals: pick(o, APPROVAL_FLAGS) as unknown as GlProjectApprovals } : {}),
      } as LiveOf[T];
    case 'ProtectedBranch':
      return {
        project: project(),
        branch: o.protected
          ? ({
              id: o.protected_branch_id,
              name: o.name,
              allow_force_push: o.allow_force_push,
              push_access_levels: o.push_access_levels ?? [],
              merge_access_levels: o.merge_access_levels ?? [],
              unprotect_access_levels: [],
              ...pick(o, ['code_owner_approval_required', 'inherited']),
            } as GlProtectedBranch)
          : null,
      } as LiveOf[T];
    case 'ApprovalRule':
      return {
        project: project(),
        approvalRules: (o.approval_rules ?? []) as GlApprovalRule[],
        protectedBranches: ((o.protected_branches ?? []) as string[]).map((name) => ({ name }) as GlProtectedBranch),
      } as LiveOf[T];
    case 'Webhook':
      return {
        owner: ownerRef(),
        hook: o.exists ? ({ id: o.hook_id, url: o.url, enable_ssl_verification: o.enable_ssl_verification } as GlHook) : null,
      } as LiveOf[T];
    case 'VariableProtection':
      return {
        owner: ownerRef(),
        variable: o.exists ? ({ key: o.key, environment_scope: o.environment_scope, ...pick(o, ['masked', 'protected', 'hidden', 'variable_type']) } as GlVariable) : null,
      } as LiveOf[T];
    case 'PushRule':
      return { owner: ownerRef(), rule: o.exists ? ({ ...pick(o, ['id', ...PUSH_RULE_KEYS]) } as unknown as GlPushRule) : null } as LiveOf[T];
    case 'DeployKey':
      return {
        owner: { kind: 'project', path: o.project, id: o.owner_id },
        key: o.exists ? ({ id: o.key_id, title: o.title, can_push: o.can_push } as GlDeployKey) : null,
      } as LiveOf[T];
    case 'InstanceSettings': {
      const settings = pick(o, INSTANCE_KEYS);
      for (const k of (o.returned_keys ?? []) as string[]) if ((INSTANCE_KEYS as readonly string[]).includes(k) && settings[k] === undefined) settings[k] = null;
      return { settings: settings as GlApplicationSettings } as LiveOf[T];
    }
  }
  throw new Error(`gitlab-posture provider: unknown resource type ${String(type)}`);
}
