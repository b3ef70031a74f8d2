// The dynamic provider's implementation, loaded inside each provider method at run time (provider/serializable.ts),
// so Pulumi's closure serialization never has to capture it. Every method builds its own GitlabClient from the
// credentials `configure` stored (Pulumi secret config gitlab:token / gitlab:url) or GITLAB_TOKEN / GITLAB_URL;
// the token never enters inputs, outputs or state.
//
// Semantics (docs/pulumi.md): create adopts the existing object and writes only the declared fields that the
// rule catalog finds weaker than declared; read refreshes the live values; diff judges the stored live values
// with the catalog rules (a stricter live value is no drift); update writes the weakened fields back through the
// rules' own `fix` (protected branches PATCHed in place) and re-reads to verify; delete changes nothing. A declared
// hook deleted in GitLab reads as gone and is recreated only with `recreateWithoutToken` (its secret token is lost).
import { GitlabClient } from '../gitlab/client';
import { GitlabError } from '../gitlab/errors';
import type { Change } from '../policies/rule';
import { fieldsOf, judge, type Drift } from './judge';
import { liveFromOutputs, outputsOf, readLive, type LiveOf } from './live';
import type { AnyInputs, InputsOf, ResourceType } from '../model/resources';
import { RESOURCE_TYPES } from '../model/resources';
import { allowHttpOf, checkGitlabUrl } from './gitlab-url';

/** Where `configure` keeps the stack's GitLab settings: a process global, never a property of the serialized provider. */
const CONFIG_SLOT = Symbol.for('gitlab-posture/provider-config');

interface ProviderConfig {
  url?: string;
  token?: string;
  /** `gitlab:allowHttp`: a plain http:// URL to a host that is not loopback (the CLI's --allow-http). */
  allowHttp?: string;
}

interface ConfigLike {
  get(key: string): string | undefined;
}

/** ResourceProvider.configure: Pulumi passes the stack config; keep only what the provider needs. */
export async function configure(config: ConfigLike): Promise<void> {
  const url = config.get('gitlab:url');
  const token = config.get('gitlab:token');
  const allowHttp = config.get('gitlab:allowHttp');
  (globalThis as Record<symbol, ProviderConfig>)[CONFIG_SLOT] = { ...(url ? { url } : {}), ...(token ? { token } : {}), ...(allowHttp ? { allowHttp } : {}) };
}

/** A client for one provider call; throws a how-to-fix error when the URL or token is missing. */
export function connect(): GitlabClient {
  const cfg = (globalThis as Record<symbol, ProviderConfig | undefined>)[CONFIG_SLOT] ?? {};
  const url = cfg.url || process.env.GITLAB_URL;
  const token = cfg.token || process.env.GITLAB_TOKEN;
  if (!url) throw new Error('gitlab-posture provider: no GitLab URL. Set it with `pulumi config set gitlab:url https://gitlab.example.com` or GITLAB_URL.');
  if (!token) {
    throw new Error('gitlab-posture provider: no GitLab token. Set it with `pulumi config set --secret gitlab:token` (never in plain config) or GITLAB_TOKEN.');
  }
  try {
    checkGitlabUrl(url, cfg.url ? 'gitlab:url' : 'GITLAB_URL', allowHttpOf(cfg.allowHttp));
  } catch (e) {
    throw new Error(`gitlab-posture provider: ${(e as Error).message}`);
  }
  return new GitlabClient({ url, token, userAgent: 'gitlab-posture-pulumi' });
}

// ---------------------------------------------------------------------------------------------------------------
// check: input validation (no network).

const VISIBILITIES = ['private', 'internal', 'public'];
const LEVELS = [0, 30, 40, 60];
/** Inputs that could carry a credential or a secret value: refused, whatever their value. */
const FORBIDDEN = ['token', 'private_token', 'value', 'password'];

type Failure = { property: string; reason: string };

function validate(type: ResourceType, i: Record<string, unknown>): Failure[] {
  const f: Failure[] = [];
  const str = (k: string, required = true) => {
    if (i[k] === undefined && !required) return;
    if (typeof i[k] !== 'string' || (i[k] as string).length === 0) f.push({ property: k, reason: `${k} must be a non-empty string` });
  };
  const bool = (k: string) => i[k] !== undefined && typeof i[k] !== 'boolean' && f.push({ property: k, reason: `${k} must be true or false` });
  const int = (k: string, min: number, max: number, required = false) => {
    if (i[k] === undefined && !required) return;
    const v = i[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) f.push({ property: k, reason: `${k} must be an integer from ${min} to ${max}` });
  };
  const vis = (k: string) => i[k] !== undefined && !VISIBILITIES.includes(i[k] as string) && f.push({ property: k, reason: `${k} must be one of ${VISIBILITIES.join(', ')}` });
  const level = (k: string) => !LEVELS.includes(i[k] as number) && f.push({ property: k, reason: `${k} must be one of ${LEVELS.join(', ')} (No one, Developer, Maintainer, Admin)` });
  const owner = () => {
    const n = ['group', 'project'].filter((k) => i[k] !== undefined).length;
    if (n !== 1) f.push({ property: 'project', reason: 'set exactly one of group and project (the owner\'s full path)' });
    else str(i.group !== undefined ? 'group' : 'project');
  };
  for (const k of FORBIDDEN) {
    if (k in i) f.push({ property: k, reason: `${k} is not an input: the GitLab token comes from gitlab:token / GITLAB_TOKEN and variable values are never managed` });
  }
  str('version', false);
  switch (type) {
    case 'GroupSecurity':
      str('group');
      bool('require_two_factor_authentication');
      int('two_factor_grace_period', 0, 100_000);
      vis('visibility');
      int('unique_project_download_limit', 0, 10_000);
      int('unique_project_download_limit_interval_in_seconds', 0, 864_000);
      bool('auto_ban_user_on_excessive_projects_download');
      if ((i.unique_project_download_limit === undefined) !== (i.unique_project_download_limit_interval_in_seconds === undefined)) {
        f.push({ property: 'unique_project_download_limit', reason: 'declare unique_project_download_limit and unique_project_download_limit_interval_in_seconds together' });
      }
      break;
    case 'ProjectSecurity':
      str('project');
      vis('visibility');
      for (const k of ['public_jobs', 'ci_inbound_job_token_scope_enabled', 'merge_requests_author_approval', 'merge_requests_disable_committers_approval', 'reset_approvals_on_push', 'disable_overriding_approvers_per_merge_request']) bool(k);
      break;
    case 'ProtectedBranch':
      str('project');
      str('name');
      if (i.push_access_level !== undefined) level('push_access_level');
      if (i.merge_access_level !== undefined) level('merge_access_level');
      bool('allow_force_push');
      bool('code_owner_approval_required');
      break;
    case 'ApprovalRule':
      str('project');
      int('approvals_required', 1, 100, true);
      break;
    case 'Webhook':
      owner();
      str('url');
      bool('enable_ssl_verification');
      bool('recreateWithoutToken');
      break;
    case 'VariableProtection':
      owner();
      str('key');
      str('environment_scope', false);
      bool('masked');
      bool('protected');
      break;
    case 'PushRule':
      owner();
      // Only `true` is meaningful: a resource never turns a push rule check off.
      for (const k of ['reject_unsigned_commits', 'prevent_secrets', 'member_check', 'commit_committer_check']) {
        if (i[k] !== undefined && i[k] !== true) f.push({ property: k, reason: `${k} must be true (leave it out to not manage it)` });
      }
      break;
    case 'DeployKey':
      str('project');
      int('key_id', 1, Number.MAX_SAFE_INTEGER, true);
      // Only `false`: the resource turns write access off and never grants it.
      if (i.can_push !== undefined && i.can_push !== false) f.push({ property: 'can_push', reason: 'can_push must be false (leave it out to not manage it)' });
      break;
    case 'InstanceSettings':
      f.push(...validateInstance(i));
      break;
  }
  return f;
}

/** InstanceSettings: each input at the one value (or range) its instance.* rule can judge; see model/resources.ts. */
function validateInstance(i: Record<string, unknown>): Failure[] {
  const f: Failure[] = [];
  const exactly = (k: string, want: unknown) => {
    if (i[k] !== undefined && i[k] !== want) f.push({ property: k, reason: `${k} must be ${JSON.stringify(want)} (leave it out to not manage it)` });
  };
  const int = (k: string, min: number, max: number) => {
    const v = i[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)) f.push({ property: k, reason: `${k} must be an integer from ${min} to ${max}` });
  };
  const together = (keys: string[]) => {
    const n = keys.filter((k) => i[k] !== undefined).length;
    if (n !== 0 && n !== keys.length) f.push({ property: keys[0]!, reason: `declare ${keys.join(', ')} together (one rule judges them all)` });
  };
  exactly('require_two_factor_authentication', true);
  int('two_factor_grace_period', 0, 100_000);
  // GitLab accepts 0..10000 and 0..864000 (ApplicationSetting validations); 0 turns the limit off, so a declared maximum starts at 1.
  int('max_number_of_repository_downloads', 1, 10_000);
  int('max_number_of_repository_downloads_within_time_period', 1, 864_000);
  if (i.auto_ban_user_on_excessive_projects_download !== undefined && typeof i.auto_ban_user_on_excessive_projects_download !== 'boolean') {
    f.push({ property: 'auto_ban_user_on_excessive_projects_download', reason: 'auto_ban_user_on_excessive_projects_download must be true or false' });
  }
  together(['max_number_of_repository_downloads', 'max_number_of_repository_downloads_within_time_period']);
  exactly('signup_enabled', false);
  if (i.email_confirmation_setting !== undefined && !['soft', 'hard'].includes(i.email_confirmation_setting as string)) {
    f.push({ property: 'email_confirmation_setting', reason: 'email_confirmation_setting must be soft or hard (the weakest allowed)' });
  }
  exactly('password_authentication_enabled_for_git', false);
  const throttles = ['throttle_authenticated_api_enabled', 'throttle_authenticated_web_enabled', 'throttle_unauthenticated_api_enabled', 'throttle_unauthenticated_web_enabled'];
  for (const k of throttles) exactly(k, true);
  together(throttles);
  const d = i.default_branch_protection_defaults as Record<string, unknown> | undefined;
  if (d !== undefined && (typeof d !== 'object' || d === null || !Array.isArray(d.allowed_to_push) || !Array.isArray(d.allowed_to_merge) || d.allow_force_push !== false)) {
    f.push({ property: 'default_branch_protection_defaults', reason: 'default_branch_protection_defaults needs allowed_to_push and allowed_to_merge ([{ access_level }]) and allow_force_push: false' });
  }
  const levels = i.restricted_visibility_levels;
  if (levels !== undefined && !(Array.isArray(levels) && levels.length === 1 && levels[0] === 'public')) {
    f.push({ property: 'restricted_visibility_levels', reason: 'restricted_visibility_levels must be ["public"] (the level instance.restricted-public requires; others are not managed)' });
  }
  exactly('default_project_visibility', 'internal');
  exactly('default_group_visibility', 'internal');
  together(['default_project_visibility', 'default_group_visibility']);
  exactly('allow_local_requests_from_web_hooks_and_services', false);
  exactly('allow_local_requests_from_system_hooks', false);
  together(['allow_local_requests_from_web_hooks_and_services', 'allow_local_requests_from_system_hooks']);
  int('max_personal_access_token_lifetime', 1, 400);
  exactly('admin_mode', true);
  exactly('allow_runner_registration_token', false);
  return f;
}

export async function check(type: ResourceType, _olds: Record<string, unknown>, news: Record<string, unknown>) {
  const failures = validate(type, news);
  return { inputs: news, ...(failures.length > 0 ? { failures } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------
// Ids.

function idOf<T extends ResourceType>(type: T, inputs: Record<string, unknown>, live: LiveOf[T]): string {
  switch (type) {
    case 'GroupSecurity':
      return `group:${(live as LiveOf['GroupSecurity']).group.id}`;
    case 'ProjectSecurity':
      return `project:${(live as LiveOf['ProjectSecurity']).project.id}`;
    case 'ProtectedBranch':
      return `project:${(live as LiveOf['ProtectedBranch']).project.id}:protected_branch:${String(inputs.name)}`;
    case 'ApprovalRule':
      return `project:${(live as LiveOf['ApprovalRule']).project.id}:approvals`;
    case 'Webhook': {
      const l = live as LiveOf['Webhook'];
      return `${l.owner.kind}:${l.owner.id}:hook:${l.hook?.id ?? 'missing'}`;
    }
    case 'VariableProtection': {
      const l = live as LiveOf['VariableProtection'];
      return `${l.owner.kind}:${l.owner.id}:variable:${String(inputs.key)}:${(inputs.environment_scope as string | undefined) ?? '*'}`;
    }
    case 'PushRule':
      return `${(live as LiveOf['PushRule']).owner.kind}:${(live as LiveOf['PushRule']).owner.id}:push_rule`;
    case 'DeployKey':
      return `project:${(live as LiveOf['DeployKey']).owner.id}:deploy_key:${Number(inputs.key_id)}`;
    case 'InstanceSettings':
      return 'instance:application_settings';
  }
  throw new Error(`gitlab-posture provider: unknown resource type ${String(type)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Writes.

function describe(type: ResourceType, i: Record<string, unknown>): string {
  if (type === 'InstanceSettings') return 'InstanceSettings (instance)';
  const where = (i.group ?? i.project) as string;
  const what = i.name ?? i.key ?? (i.key_id !== undefined ? `deploy key ${String(i.key_id)}` : undefined);
  return `${type} ${where}${what !== undefined ? ` ${String(what)}` : ''}`;
}

/** The writes that bring the drifts back, merged per endpoint; manual and destructive fixes become problems. */
export function planWrites(drifts: readonly Drift[]): { changes: Change[]; problems: string[] } {
  const changes: Change[] = [];
  const problems: string[] = [];
  for (const d of drifts) {
    const fix = d.rule.fix(d.finding, d.params as never);
    if ('manual' in fix) {
      problems.push(`${d.finding.message} [${d.rule.id}]: ${fix.manual}`);
      continue;
    }
    if (fix.destructive) {
      problems.push(
        `${d.finding.message} [${d.rule.id}]: the fix removes access from someone named (${fix.method} ${fix.path}); ` +
          'Pulumi does not do that: run `gitlab-posture revert --allow-destructive` or change it by hand.',
      );
      continue;
    }
    // Several settings of one group/project go in one PUT; approval-rule POSTs create objects and stay apart. A push
    // rule is one object per owner: its checks go in one POST (a second would answer 422 "exists").
    const same = changes.find((c) => c.method === fix.method && c.path === fix.path && (c.method !== 'POST' || /\/(approvals|push_rule)$/.test(c.path)));
    if (same && fix.body) same.body = { ...same.body, ...fix.body };
    else changes.push({ ...fix, ...(fix.body ? { body: { ...fix.body } } : {}) });
  }
  return { changes, problems };
}

/** Objects a resource may create when they are missing (a declared protection, a declared hook). */
async function createMissing<T extends ResourceType>(client: GitlabClient, type: T, i: Record<string, any>, live: LiveOf[T]): Promise<boolean> {
  if (type === 'Webhook' && (live as LiveOf['Webhook']).hook === null) {
    const o = (live as LiveOf['Webhook']).owner;
    // GitLab never returns a hook's secret token, URL variable or custom header values (docs/gitlab-behaviour.md, Webhooks), so a hook
    // created here has none of them: the receiver could no longer tell GitLab's deliveries from anyone else's. Only
    // on explicit request. The URL is not named in the message: it may embed a secret.
    if (i.recreateWithoutToken !== true) {
      throw new Error(
        `${describe(type, i)}: no hook with the declared URL in ${o.kind} ${o.path} (deleted in GitLab?). ` +
          'GitLab never returns a hook\'s secret token, so Pulumi cannot recreate it as it was. Recreate the hook in GitLab ' +
          'with its secret token and run `pulumi up --refresh` (the hook is adopted by URL), or set `recreateWithoutToken: true` ' +
          'on this Webhook resource to create it without a secret token.',
      );
    }
    await client.post(`/${o.kind}s/${o.id}/hooks`, { url: i.url, enable_ssl_verification: i.enable_ssl_verification ?? true });
    return true;
  }
  if (type === 'DeployKey' && (live as LiveOf['DeployKey']).key === null) {
    const o = (live as LiveOf['DeployKey']).owner;
    throw new Error(
      `${describe(type, i)}: no deploy key ${String(i.key_id)} is enabled on project ${o.path}. DeployKey only turns an existing key's write access off; ` +
        'it never adds keys. Remove the resource, or enable the key on the project first.',
    );
  }
  if (type === 'VariableProtection' && (live as LiveOf['VariableProtection']).variable === null) {
    const o = (live as LiveOf['VariableProtection']).owner;
    throw new Error(
      `${describe(type, i)}: no variable ${i.key} (environment ${i.environment_scope ?? '*'}) in ${o.kind} ${o.path}. ` +
        'VariableProtection manages the masked/protected flags of an existing variable only; create the variable in GitLab first or remove the resource.',
    );
  }
  return false;
}

/**
 * Adopt-and-enforce: judge live with the declared inputs, write the rules' fixes, re-read and judge again
 * (POST /projects/:id/approvals answers 201 and keeps a flag the group or instance locks;
 * docs/gitlab-behaviour.md, Merge request approvals). A second round covers what only
 * exists after the first (code owner approval on a branch just protected). Drift left after that is an error.
 */
async function enforce<T extends ResourceType>(client: GitlabClient, type: T, i: Record<string, unknown>): Promise<LiveOf[T]> {
  let live = await readLive(client, type, i);
  if (await createMissing(client, type, i, live)) live = await readLive(client, type, i);
  for (let round = 0; round < 2; round++) {
    const drifts = judge(type, i as unknown as InputsOf[T], live);
    if (drifts.length === 0) return live;
    const { changes, problems } = planWrites(drifts);
    if (problems.length > 0) throw new Error(`${describe(type, i)}: cannot bring back to the declared values:\n  ${problems.join('\n  ')}`);
    for (const c of changes) {
      try {
        await client.request(c.method, c.path, c.body ? { body: c.body } : {});
      } catch (e) {
        throw new Error(`${describe(type, i)}: ${e instanceof GitlabError ? e.message : String(e)}`);
      }
    }
    live = await readLive(client, type, i);
  }
  const left = judge(type, i as unknown as InputsOf[T], live);
  if (left.length > 0) {
    throw new Error(
      `${describe(type, i)}: GitLab accepted the writes but still reports ${left.map((d) => `${d.finding.setting} = ${JSON.stringify(d.finding.actual)}`).join(', ')}. ` +
        'A group or instance setting probably locks it (docs/gitlab-behaviour.md, Merge request approvals): change it there, then run `pulumi up` again.',
    );
  }
  return live;
}

// ---------------------------------------------------------------------------------------------------------------
// The ResourceProvider methods, by type.

const IDENTITY: Record<ResourceType, string[]> = {
  GroupSecurity: ['group'],
  ProjectSecurity: ['project'],
  ProtectedBranch: ['project', 'name'],
  ApprovalRule: ['project'],
  Webhook: ['group', 'project'],
  VariableProtection: ['group', 'project', 'key', 'environment_scope'],
  PushRule: ['group', 'project'],
  DeployKey: ['project', 'key_id'],
  InstanceSettings: [],
};

function assertType(type: string): asserts type is ResourceType {
  if (!(RESOURCE_TYPES as readonly string[]).includes(type)) throw new Error(`gitlab-posture provider: unknown resource type ${type}`);
}

export async function create(type: ResourceType, inputs: Record<string, unknown>) {
  assertType(type);
  const client = connect();
  const live = await enforce(client, type, inputs);
  return { id: idOf(type, inputs, live), outs: outputsOf(type, inputs, live) };
}

export async function read(type: ResourceType, id: string, props: Record<string, unknown> = {}) {
  assertType(type);
  const client = connect();
  // A target that cannot be read is an error (never "gone", never "compliant"): the client throws.
  const live = await readLive(client, type, props, props);
  // The owner was readable but the declared hook is not among its hooks: it is gone. An empty id tells Pulumi so
  // (refresh drops it from the state; the next `up` shows a create, which needs recreateWithoutToken).
  if (type === 'Webhook' && (live as LiveOf['Webhook']).hook === null) return { id: '', props: {} };
  // A deploy key removed from the project no longer has write access to it: gone, nothing to enforce.
  if (type === 'DeployKey' && (live as LiveOf['DeployKey']).key === null) return { id: '', props: {} };
  return { id, props: outputsOf(type, props, live) };
}

export async function diff(type: ResourceType, _id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
  assertType(type);
  const replaces = IDENTITY[type].filter((k) => (olds[k] ?? (k === 'environment_scope' ? '*' : undefined)) !== (news[k] ?? (k === 'environment_scope' ? '*' : undefined)));
  if (type === 'Webhook' && olds.exists !== true && olds.url !== news.url) replaces.push('url');
  if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: false };
  const drifts = judge(type, news as unknown as InputsOf[typeof type], liveFromOutputs(type, olds));
  const stale = olds.version !== news.version;
  const missingHook = type === 'Webhook' && olds.exists !== true;
  // `fields` is informational (the dynamic provider protocol forwards only `changes`/`replaces`).
  return { changes: drifts.length > 0 || stale || missingHook, ...(drifts.length > 0 ? { fields: [...new Set(drifts.flatMap((d) => fieldsOf(type, d)))] } : {}) };
}

export async function update(type: ResourceType, _id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
  assertType(type);
  const client = connect();
  const live = await enforceTracked(client, type, news, olds);
  return { outs: outputsOf(type, news, live) };
}

/** enforce(), but a known hook is followed by id so a URL edit in GitLab does not lose it. */
async function enforceTracked<T extends ResourceType>(client: GitlabClient, type: T, i: Record<string, unknown>, olds: Record<string, unknown>): Promise<LiveOf[T]> {
  if (type !== 'Webhook' || typeof olds.hook_id !== 'number') return enforce(client, type, i);
  const live = (await readLive(client, type, i, olds)) as LiveOf['Webhook'];
  if (live.hook === null) return enforce(client, type, i);
  return enforce(client, type, { ...i, url: live.hook.url }) as Promise<LiveOf[T]>;
}

/**
 * Removing a resource from the program never loosens GitLab: nothing is written, nothing is deleted (the same
 * effect as `retainOnDelete: true`, without needing it). The settings simply stop being managed.
 */
export async function remove(type: ResourceType, _id: string, _props: Record<string, unknown>): Promise<void> {
  assertType(type);
}

export type { AnyInputs };
