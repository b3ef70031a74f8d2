// The Pulumi program's logic (index.ts only wires config to it): baseline -> resolved targets -> resources. It uses
// the CLI's own loader (checks/baseline), target resolution (checks/collect resolveTargets), rule switches,
// tier gates and waivers, so `pulumi preview` and `gitlab-posture check` judge the same targets by the same rules.
// A waived, disabled or below-tier rule's setting is simply not declared: the resource leaves it alone.
import * as pulumi from '@pulumi/pulumi';
import type { Baseline } from '../model/baseline';
import { loadBaseline } from '../checks/baseline/load';
import { findWaiver } from '../checks/baseline/waivers';
import { resolveTargets } from '../gitlab/targets';
import type { GitlabInfo } from '../model/snapshot';
import type { TargetKind } from '../model/target';
import { GitlabClient } from '../gitlab/client';
import { detectGitlab } from '../gitlab/tier';
import { targetTier } from '../model/tiers';
import { toReadError } from '../gitlab/errors';
import type { GlDeployKey, GlGroup, GlProject } from '../gitlab/types';
import { listHooks } from '../gitlab/hooks';
import { listVariables } from '../gitlab/variables';
import type { TargetRef } from '../model/target';
import { runRule, type TargetState } from '../policies/run';
import { ruleById } from '../policies/catalog';
import { minTierFor, tierAtLeast } from '../policies/rule';
import { requiredBranches } from '../policies/match';
import { looksSecret } from '../policies/ci';
import { allowedHosts } from '../policies/webhooks';
import type { RuleId } from '../policies/rule-ids';
import { ApprovalRule, DeployKey, GroupSecurity, InstanceSettings, ProjectSecurity, ProtectedBranch, PushRule, VariableProtection, Webhook } from './resources';
import { listDeployKeys } from '../gitlab/deploy-keys';
import { branchProtectionDefaultsFor } from '../policies/groups';
import type { ResourceType } from '../model/resources';
import { allowHttpOf, checkGitlabUrl } from './gitlab-url';

export interface TargetSummary {
  kind: 'group' | 'project' | 'instance';
  id: number;
  /** Resource names declared for this target, `<Type> <name>`. */
  resources: string[];
  /** Rule ids whose settings are declared. */
  enforced: string[];
  waived: string[];
  /** Rules not declared here and why (disabled in the baseline, below the detected tier). */
  skipped: { rule: string; reason: string }[];
}

export interface ProgramSummary {
  gitlab: { url: string; tier: string; tierSource: string };
  profile: string;
  targets: Record<string, TargetSummary>;
  /** The instance's settings (instance.* rules), when the baseline turns any of them on. */
  instance?: TargetSummary;
}

export interface DeclareOptions {
  baseline: Baseline;
  client: GitlabClient;
  /** Tier/admin facts; detected with the client when absent. */
  gitlab?: GitlabInfo;
  /** Waiver clock (default now). */
  now?: Date;
  /** Extra options for every resource (e.g. a provider or `protect`). */
  resourceOptions?: pulumi.CustomResourceOptions;
  /** Called with every resource declared (tests wait for their registration). */
  onResource?: (r: pulumi.CustomResource) => void;
}

type Gate = (rule: RuleId) => boolean;

/** Declares the resources for every target of the baseline and returns the per-target summary. */
export async function declarePosture(opts: DeclareOptions): Promise<ProgramSummary> {
  const { baseline, client } = opts;
  const now = (opts.now ?? new Date()).toISOString();
  const info = opts.gitlab ?? (await detectGitlab(client, { baselineTier: baseline.gitlab.tier, topGroups: [...baseline.targets.groups, ...baseline.targets.projects] }));
  const resolved = await resolveTargets(client, baseline);
  if (resolved.errors.length > 0) {
    // Declaring only what could be read would look like a complete program; refuse instead.
    throw new Error(
      `gitlab-posture: some baseline targets could not be read, so no resources are declared:\n  ` +
        resolved.errors.map((e) => `${e.target.path}: ${e.message}`).join('\n  '),
    );
  }
  const p = baseline.params;
  const ro = opts.resourceOptions;
  const targets: Record<string, TargetSummary> = {};

  const gateFor = (kind: TargetKind, path: string, summary: TargetSummary): Gate => (id) => {
    const rule = ruleById(id);
    if (!rule) return false;
    if (baseline.enabled[id] === false) return note(summary.skipped, id, 'off in the baseline');
    const need = minTierFor(rule, kind);
    // Each target at its own top-level namespace's tier (model/tiers.ts), like check.
    const t = targetTier(info, { kind, path });
    if ('undetermined' in t) {
      if (need !== 'free') throw new Error(`gitlab-posture: ${path}: ${t.undetermined}`);
    } else if (!tierAtLeast(t.tier, need)) {
      return note(summary.skipped, id, `requires ${need} (detected ${t.tier}${t.namespace !== undefined ? ` for namespace ${t.namespace}` : ''})`);
    }
    if (findWaiver(baseline.waivers, id, path, now)) {
      if (!summary.waived.includes(id)) summary.waived.push(id);
      return false;
    }
    if (!summary.enforced.includes(id)) summary.enforced.push(id);
    return true;
  };
  const add = (summary: TargetSummary, r: pulumi.CustomResource, type: ResourceType, name: string) => {
    summary.resources.push(`${type} ${name}`);
    opts.onResource?.(r);
  };

  // Summaries in the baseline's order (groups, then projects); resources are declared projects first (see below).
  for (const g of resolved.groups) targets[g.full_path] = newSummary('group', g.id);
  for (const pr of resolved.projects) targets[pr.path_with_namespace] = newSummary('project', pr.id);

  // Apply order. GitLab refuses a group more private than a project or subgroup in it (PUT /groups/:id -> 400 "private
  // is not allowed since there are sub-groups or projects with higher visibility"; the sim does the same), and a
  // project or subgroup more open than its group (docs/gitlab-behaviour.md, Visibility). Our resources only tighten, so a group's
  // visibility can be restored only after its descendants': each GroupSecurity declaring visibility dependsOn every
  // visibility-declaring resource below it, and groups are declared deepest first so those exist. (Loosening would
  // need the opposite order; no resource here ever loosens, see docs/pulumi.md "Apply order".)
  const visibilityGuards: { path: string; resource: pulumi.CustomResource }[] = [];
  const below = (path: string) => visibilityGuards.filter((v) => v.path.startsWith(`${path}/`)).map((v) => v.resource);

  for (const pr of resolved.projects) {
    const path = pr.path_with_namespace;
    const s = targets[path]!;
    const on = gateFor('project', path, s);
    const inputs: Record<string, unknown> = { project: path };
    if (on('visibility.project')) inputs.visibility = p.visibility.max_project_visibility;
    if (on('ci.public-jobs')) inputs.public_jobs = false;
    if (on('ci.job-token-scope')) inputs.ci_inbound_job_token_scope_enabled = true;
    if (on('mr-approvals.author-approval')) inputs.merge_requests_author_approval = false;
    if (on('mr-approvals.committer-approval')) inputs.merge_requests_disable_committers_approval = true;
    if (on('mr-approvals.reset-on-push')) inputs.reset_approvals_on_push = true;
    if (on('mr-approvals.override-in-mr')) inputs.disable_overriding_approvers_per_merge_request = true;
    if (on('projects.forking')) inputs.forking_access_level = p.projects.max_forking_access_level;
    if (on('projects.pipeline-must-succeed')) inputs.only_allow_merge_if_pipeline_succeeds = true;
    if (on('projects.discussions-resolved')) inputs.only_allow_merge_if_all_discussions_are_resolved = true;
    if (Object.keys(inputs).length > 1) {
      const r = new ProjectSecurity(path, inputs as never, ro);
      if (inputs.visibility) visibilityGuards.push({ path, resource: r });
      add(s, r, 'ProjectSecurity', path);
    }

    // Protected branches: one resource per required branch or pattern (`default` = the default branch; an empty
    // repository has none). A waived default-protected rule means "do not create protections" here.
    const pb = p['protected-branches'];
    if (on('protected-branches.default-protected')) {
      const pushOn = on('protected-branches.push');
      const mergeOn = on('protected-branches.merge');
      const forceOn = on('protected-branches.force-push');
      const ownersOn = on('protected-branches.code-owner-approval');
      for (const branch of requiredBranches(pb.branches, pr.default_branch ?? null)) {
        const name = `${path}:branch:${branch}`;
        const r = new ProtectedBranch(
          name,
          {
            project: path,
            name: branch,
            ...(pushOn ? { push_access_level: pb.push_access_level } : {}),
            ...(mergeOn ? { merge_access_level: pb.merge_access_level } : {}),
            ...(forceOn ? { allow_force_push: pb.allow_force_push } : {}),
            ...(ownersOn ? { code_owner_approval_required: true } : {}),
          },
          ro,
        );
        add(s, r, 'ProtectedBranch', name);
      }
    }
    if (pr.default_branch && on('mr-approvals.min-approvals')) {
      const name = `${path}:approvals`;
      add(s, new ApprovalRule(name, { project: path, approvals_required: p['mr-approvals'].min_approvals }, ro), 'ApprovalRule', name);
    }
    declarePushRule({ project: path }, on, (r, n) => add(s, r, 'PushRule', n), ro);
    await declareHooksAndVariables(client, 'project', pr, on, baseline, (r, t, n) => add(s, r, t, n), ro, now);
    if (on('projects.deploy-key-write')) {
      // One resource per deploy key enabled on the project: each stays read-only (write access turned off in place).
      const keys = (await orThrow(() => listDeployKeys(client, pr.id), path)) as GlDeployKey[];
      for (const k of keys) {
        const name = `${path}:deploy_key:${k.id}`;
        add(s, new DeployKey(name, { project: path, key_id: k.id, can_push: false }, ro), 'DeployKey', name);
      }
    }
  }

  for (const g of [...resolved.groups].sort((a, b) => depth(b.full_path) - depth(a.full_path))) {
    const s = targets[g.full_path]!;
    const on = gateFor('group', g.full_path, s);
    const inputs: Record<string, unknown> = { group: g.full_path };
    if (on('two-factor.required')) inputs.require_two_factor_authentication = true;
    if (on('two-factor.grace-period')) inputs.two_factor_grace_period = p['two-factor'].max_grace_period;
    if (on('visibility.group')) inputs.visibility = p.visibility.max_group_visibility;
    // Forking protection lives on the top-level group and covers its subgroups (ee/lib/ee/api/groups.rb).
    if (g.parent_id === null && on('groups.prevent-forking-outside')) inputs.prevent_forking_outside_group = true;
    if (on('groups.project-creation')) inputs.project_creation_level = p.groups.max_project_creation_level;
    if (on('groups.subgroup-creation')) inputs.subgroup_creation_level = p.groups.max_subgroup_creation_level;
    if (on('groups.default-branch-protection')) {
      inputs.default_branch_protection_defaults = {
        allowed_to_push: [{ access_level: p.groups.default_branch_push_access_level }],
        allowed_to_merge: [{ access_level: p.groups.default_branch_merge_access_level }],
        allow_force_push: false,
        developer_can_initial_push: false,
      };
    }
    // Git abuse limits exist only on top-level groups (docs/gitlab-behaviour.md, Git abuse rate limits).
    if (g.parent_id === null && on('git-abuse.download-limit')) {
      inputs.unique_project_download_limit = p['git-abuse'].max_download_limit;
      inputs.unique_project_download_limit_interval_in_seconds = p['git-abuse'].max_interval_seconds;
      inputs.auto_ban_user_on_excessive_projects_download = p['git-abuse'].auto_ban;
    }
    if (Object.keys(inputs).length > 1) {
      const r = new GroupSecurity(g.full_path, inputs as never, inputs.visibility ? withDependsOn(ro, below(g.full_path)) : ro);
      if (inputs.visibility) visibilityGuards.push({ path: g.full_path, resource: r });
      add(s, r, 'GroupSecurity', g.full_path);
    }
    // A subgroup without a push rule of its own hands its closest ancestor's to new projects, so check judges only
    // top-level groups' absence (policies/push-rules.ts); the program declares the rule where check would ask for it.
    if (g.parent_id === null) declarePushRule({ group: g.full_path }, on, (r, n) => add(s, r, 'PushRule', n), ro);
    await declareHooksAndVariables(client, 'group', g, on, baseline, (r, t, n) => add(s, r, t, n), ro, now);
  }

  const instance = declareInstance(baseline, info, gateFor, (summary, r, name) => add(summary, r, 'InstanceSettings', name), ro);
  return {
    gitlab: { url: client.url, tier: info.tier, tierSource: info.tierSource },
    profile: baseline.profile,
    targets,
    ...(instance ? { instance } : {}),
  };
}

/** The instance.* rules with a setting InstanceSettings owns, and the inputs each declares from the baseline. */
function instanceInputs(p: Baseline['params']): [RuleId, Record<string, unknown>][] {
  return [
    ['instance.two-factor-required', { require_two_factor_authentication: true }],
    ['instance.two-factor-grace-period', { two_factor_grace_period: p['two-factor'].max_grace_period }],
    [
      'instance.git-abuse-download-limit',
      {
        max_number_of_repository_downloads: p['git-abuse'].max_download_limit,
        max_number_of_repository_downloads_within_time_period: p['git-abuse'].max_interval_seconds,
        auto_ban_user_on_excessive_projects_download: p['git-abuse'].auto_ban,
      },
    ],
    ['instance.signup', { signup_enabled: false }],
    ['instance.email-confirmation', { email_confirmation_setting: p.instance.min_email_confirmation }],
    ['instance.git-password-auth', { password_authentication_enabled_for_git: false }],
    [
      'instance.rate-limits',
      { throttle_authenticated_api_enabled: true, throttle_authenticated_web_enabled: true, throttle_unauthenticated_api_enabled: true, throttle_unauthenticated_web_enabled: true },
    ],
    ['instance.default-branch-protection', { default_branch_protection_defaults: branchProtectionDefaultsFor(p.groups) }],
    ['instance.restricted-public', { restricted_visibility_levels: ['public'] }],
    ['instance.default-visibility', { default_project_visibility: 'internal', default_group_visibility: 'internal' }],
    ['instance.local-requests', { allow_local_requests_from_web_hooks_and_services: false, allow_local_requests_from_system_hooks: false }],
    ['instance.pat-lifetime', { max_personal_access_token_lifetime: p.instance.max_pat_lifetime_days }],
    ['instance.admin-mode', { admin_mode: true }],
    ['instance.runner-registration-token', { allow_runner_registration_token: false }],
  ];
}

/**
 * One InstanceSettings resource with the settings of every instance.* rule that is on and at or below the tier. The
 * settings answer administrators only: with another token the rules are skipped with that reason (as `check` skips
 * them), never declared to pass. instance.stale-admins is about people, not a setting: `check` reports it.
 */
function declareInstance(
  baseline: Baseline,
  info: GitlabInfo,
  gateFor: (kind: TargetKind, path: string, summary: TargetSummary) => Gate,
  add: (summary: TargetSummary, r: pulumi.CustomResource, name: string) => void,
  ro: pulumi.CustomResourceOptions | undefined,
): TargetSummary | undefined {
  const rules = instanceInputs(baseline.params);
  const wanted = [...rules.map(([id]) => id), 'instance.stale-admins' as RuleId].filter((id) => baseline.enabled[id] !== false);
  if (wanted.length === 0) return undefined;
  const summary: TargetSummary = { kind: 'instance', id: 0, resources: [], enforced: [], waived: [], skipped: [] };
  if (!info.isAdmin) {
    for (const id of wanted) note(summary.skipped, id, 'needs an administrator token');
    return summary;
  }
  if (wanted.includes('instance.stale-admins')) note(summary.skipped, 'instance.stale-admins', 'not a setting: demoting or blocking an administrator is for people (check reports it)');
  const on = gateFor('instance', '(instance)', summary);
  const inputs: Record<string, unknown> = {};
  for (const [id, values] of rules) if (on(id)) Object.assign(inputs, values);
  if (Object.keys(inputs).length > 0) add(summary, new InstanceSettings('instance', inputs as never, ro), 'instance');
  return summary;
}

/** The push rule checks the baseline turns on (push-rules.*, Premium), as one PushRule resource of the owner. */
function declarePushRule(
  owner: { group: string } | { project: string },
  on: Gate,
  add: (r: pulumi.CustomResource, name: string) => void,
  ro: pulumi.CustomResourceOptions | undefined,
): void {
  const checks: Record<string, true> = {};
  if (on('push-rules.reject-unsigned-commits')) checks.reject_unsigned_commits = true;
  if (on('push-rules.prevent-secrets')) checks.prevent_secrets = true;
  if (on('push-rules.member-check')) checks.member_check = true;
  if (on('push-rules.committer-check')) checks.commit_committer_check = true;
  if (Object.keys(checks).length === 0) return;
  const name = `${'group' in owner ? owner.group : owner.project}:push_rule`;
  add(new PushRule(name, { ...owner, ...checks }, ro), name);
}

/**
 * Hooks and variables are objects, not settings: the program lists them and declares one resource per hook that
 * passes the allowed-hosts rule (an unknown hook is a check finding; Pulumi never deletes it) and per variable whose
 * key looks secret. Values are never kept; hook URLs go in as Pulumi secrets.
 */
async function declareHooksAndVariables(
  client: GitlabClient,
  kind: 'group' | 'project',
  owner: GlGroup | GlProject,
  on: Gate,
  baseline: Baseline,
  add: (r: pulumi.CustomResource, type: ResourceType, name: string) => void,
  ro: pulumi.CustomResourceOptions | undefined,
  now: string,
): Promise<void> {
  const path = kind === 'group' ? (owner as GlGroup).full_path : (owner as GlProject).path_with_namespace;
  const ownerInput = kind === 'group' ? { group: path } : { project: path };
  if (on('webhooks.ssl-verification')) {
    const hooks = await orThrow(() => listHooks(client, kind, owner.id), path);
    const target: TargetRef = { kind, path, id: owner.id };
    for (const h of hooks) {
      // The program gated tiers already (`on`), so the runner judges without a tier.
      const state = { target, topLevel: false, group: ok(owner), project: ok(owner), hooks: ok([h]) } as unknown as TargetState;
      const verdict = runRule(allowedHosts, state, baseline.params.webhooks, { isAdmin: false, now });
      if (verdict.kind === 'failed' || verdict.kind === 'unread') throw new Error(`gitlab-posture: ${path}: rule ${allowedHosts.id} could not judge hook ${h.id}`);
      if (verdict.kind === 'judged' && verdict.findings.length > 0) continue; // unknown host: reported by check, not adopted
      const name = `${path}:hook:${h.id}`;
      add(new Webhook(name, { ...ownerInput, url: pulumi.secret(h.url), enable_ssl_verification: true }, ro), 'Webhook', name);
    }
  }
  if (on('ci.masked-variables')) {
    const ci = baseline.params.ci;
    const vars = await orThrow(() => listVariables(client, kind, owner.id), path);
    for (const v of vars) {
      if (!looksSecret(v.key, ci.secret_patterns)) continue;
      const scope = v.environment_scope ?? '*';
      const name = `${path}:variable:${v.key}${scope === '*' ? '' : `@${scope}`}`;
      const r = new VariableProtection(
        name,
        { ...ownerInput, key: v.key, ...(scope !== '*' ? { environment_scope: scope } : {}), masked: true, ...(ci.require_protected ? { protected: true } : {}) },
        ro,
      );
      add(r, 'VariableProtection', name);
    }
  }
}

const ok = <T>(value: T) => ({ ok: true as const, value });

async function orThrow<T>(read: () => Promise<T>, target: string): Promise<T> {
  try {
    return await read();
  } catch (e) {
    throw new Error(`gitlab-posture: ${target}: ${toReadError(e).message}`);
  }
}

function depth(path: string): number {
  return path.split('/').length;
}

/** The caller's resource options plus extra dependsOn edges (a caller's dependsOn is kept). */
function withDependsOn(ro: pulumi.CustomResourceOptions | undefined, extra: pulumi.Resource[]): pulumi.CustomResourceOptions | undefined {
  if (extra.length === 0) return ro;
  const own = ro?.dependsOn;
  if (own === undefined) return { ...ro, dependsOn: extra };
  const merged = pulumi.output(own).apply((d) => [...(Array.isArray(d) ? d : [d]), ...extra]);
  return { ...ro, dependsOn: merged as pulumi.Input<pulumi.Input<pulumi.Resource>[]> };
}

function newSummary(kind: 'group' | 'project', id: number): TargetSummary {
  return { kind, id, resources: [], enforced: [], waived: [], skipped: [] };
}

function note(list: { rule: string; reason: string }[], rule: string, reason: string): false {
  if (!list.some((x) => x.rule === rule)) list.push({ rule, reason });
  return false;
}

/** A secret Output's plain value, at program time (never exported or logged). */
function unwrap<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => (resolve(v), v)));
}

/**
 * index.ts: the stack config `gitlab-posture:baseline` (default baseline.yaml), `gitlab:url` (else GITLAB_URL, else
 * the baseline's gitlab.url) and the secret `gitlab:token` (else GITLAB_TOKEN).
 */
export async function runProgram(extra: Pick<DeclareOptions, 'onResource'> = {}): Promise<ProgramSummary> {
  const file = new pulumi.Config('gitlab-posture').get('baseline') ?? 'baseline.yaml';
  // Like `check`: an expired waiver is reported by the CLI and simply no longer applies here.
  const baseline = loadBaseline(file, { allowExpiredWaivers: true });
  const gitlab = new pulumi.Config('gitlab');
  const url = gitlab.get('url') ?? process.env.GITLAB_URL ?? baseline.gitlab.url;
  const source = gitlab.get('url') !== undefined ? 'gitlab:url' : process.env.GITLAB_URL !== undefined ? 'GITLAB_URL' : `gitlab.url in ${file}`;
  const secret = gitlab.getSecret('token');
  const token = (secret ? await unwrap(secret) : undefined) ?? process.env.GITLAB_TOKEN;
  if (!url) throw new Error(`${file}: no GitLab URL: set gitlab.url in the baseline, \`pulumi config set gitlab:url …\` or GITLAB_URL.`);
  if (!token) throw new Error('No GitLab token: `pulumi config set --secret gitlab:token` or GITLAB_TOKEN.');
  checkGitlabUrl(url, source, allowHttpOf(gitlab.get('allowHttp')));
  const client = new GitlabClient({ url, token, userAgent: 'gitlab-posture-pulumi' });
  return declarePosture({ baseline, client, ...extra });
}

