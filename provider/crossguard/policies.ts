// CrossGuard policies over the dynamic GitLab resources (provider/). One ResourceValidationPolicy per catalog rule
// that guards a resource input; each judges the resource's declared inputs with the rule through the one rule
// runner (provider/judge.ts), against the user's baseline: the policy config's `baseline` names the file, loaded
// with the CLI's own loader (its rule switches, parameters, waivers and gitlab.tier apply); without one, the
// hardened profile. Per-policy config keys override single parameters. A weakening input is a mandatory violation naming the rule and the incident scenario it defends; set a
// policy's `enforcementLevel` to `advisory` in the pack config to only warn. `remediate` sets the weakened input to
// the baseline value where that value is unambiguous.
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { loadBaseline, loadProfile } from '../../checks/baseline/load';
import type { Baseline } from '../../model/baseline';
import { findWaiver } from '../../checks/baseline/waivers';
import { areaParams, type Area } from '../../policies/params';
import { isRuleId } from '../../policies/rule-ids';
import type { RunContext } from '../../policies/run';
import type { GlApprovalRule, GlProtectedBranch, Visibility } from '../../gitlab/types';
import { fieldsOf, GUARDS, judge, type Drift, type LiveOf, type RuleGuard } from '../judge';
import { RESOURCE_TYPES, typeToken, type ResourceType } from '../../model/resources';

/** Baseline parameters per area of the hardened profile: the defaults when no baseline file is configured. */
function hardenedParams(): Record<Area, Record<string, unknown>> {
  const settings = loadProfile('hardened').settings as Record<string, Record<string, unknown>>;
  const out = {} as Record<Area, Record<string, unknown>>;
  for (const area of Object.keys(areaParams) as Area[]) out[area] = areaParams[area].parse(settings[area] ?? {}) as Record<string, unknown>;
  return out;
}

const PARAMS = hardenedParams();

/** What a policy judges against: the configured baseline file, else the hardened profile. */
interface Against {
  params: Record<Area, Record<string, unknown>>;
  baseline?: Baseline;
}

const loaded = new Map<string, Baseline>();

/** Loads the configured baseline once per file, with the CLI's loader; a broken file is the loader's clear error. */
function againstOf(config: Record<string, unknown>): Against {
  const file = config.baseline;
  if (typeof file !== 'string' || file === '') return { params: PARAMS };
  let baseline = loaded.get(file);
  if (!baseline) {
    // Like the program: an expired waiver simply no longer applies.
    baseline = loadBaseline(file, { allowExpiredWaivers: true });
    loaded.set(file, baseline);
  }
  return { params: baseline.params as unknown as Record<Area, Record<string, unknown>>, baseline };
}

/** The declared inputs as if they were live objects; undeclared fields get compliant values and are never judged. */
export function liveFromInputs<T extends ResourceType>(type: T, i: Record<string, any>): LiveOf[T] {
  const project = (path: string, def: string | null = 'main') =>
    ({
      id: 0,
      path_with_namespace: path,
      default_branch: def,
      visibility: (i.visibility ?? 'private') as Visibility,
      public_jobs: i.public_jobs ?? false,
      forking_access_level: i.forking_access_level ?? 'disabled',
      only_allow_merge_if_pipeline_succeeds: i.only_allow_merge_if_pipeline_succeeds ?? true,
      only_allow_merge_if_all_discussions_are_resolved: i.only_allow_merge_if_all_discussions_are_resolved ?? true,
    }) as never;
  const owner = { kind: i.group !== undefined ? 'group' : 'project', path: i.group ?? i.project ?? '(unknown)', id: 0 } as const;
  const level = (v: unknown) => [{ id: 1, access_level: typeof v === 'number' ? v : 40, access_level_description: '' }];
  switch (type) {
    case 'GroupSecurity':
      return {
        group: {
          id: 0,
          full_path: i.group,
          parent_id: null,
          visibility: i.visibility ?? 'private',
          require_two_factor_authentication: i.require_two_factor_authentication ?? true,
          two_factor_grace_period: i.two_factor_grace_period ?? 0,
          unique_project_download_limit: i.unique_project_download_limit ?? 1,
          unique_project_download_limit_interval_in_seconds: i.unique_project_download_limit_interval_in_seconds ?? 1,
          auto_ban_user_on_excessive_projects_download: i.auto_ban_user_on_excessive_projects_download ?? true,
          prevent_forking_outside_group: i.prevent_forking_outside_group ?? true,
          project_creation_level: i.project_creation_level ?? 'noone',
          subgroup_creation_level: i.subgroup_creation_level ?? 'owner',
          default_branch_protection_defaults: i.default_branch_protection_defaults ?? {
            allowed_to_push: [{ access_level: 0 }],
            allowed_to_merge: [{ access_level: 0 }],
            allow_force_push: false,
          },
        },
        ancestors: [],
      } as never;
    case 'ProjectSecurity':
      return {
        project: project(i.project),
        jobTokenScope: { inbound_enabled: i.ci_inbound_job_token_scope_enabled ?? true, outbound_enabled: false },
        approvals: {
          merge_requests_author_approval: i.merge_requests_author_approval ?? false,
          merge_requests_disable_committers_approval: i.merge_requests_disable_committers_approval ?? true,
          reset_approvals_on_push: i.reset_approvals_on_push ?? true,
          disable_overriding_approvers_per_merge_request: i.disable_overriding_approvers_per_merge_request ?? true,
        },
      } as never;
    case 'ProtectedBranch': {
      const branch: GlProtectedBranch = {
        id: 1,
        name: i.name,
        allow_force_push: i.allow_force_push ?? false,
        code_owner_approval_required: i.code_owner_approval_required ?? true,
        push_access_levels: level(i.push_access_level),
        merge_access_levels: level(i.merge_access_level),
        unprotect_access_levels: [],
      };
      return { project: project(i.project, i.name), branch } as never;
    }
    case 'ApprovalRule': {
      const rule = { id: 1, name: 'declared', rule_type: 'any_approver', approvals_required: i.approvals_required ?? 0, eligible_approvers: [], users: [], groups: [], protected_branches: [], applies_to_all_protected_branches: false } as unknown as GlApprovalRule;
      return { project: project(i.project), approvalRules: [rule], protectedBranches: [] } as never;
    }
    case 'Webhook':
      return { owner, hook: { id: 0, url: typeof i.url === 'string' ? i.url : 'https://declared.invalid/', enable_ssl_verification: i.enable_ssl_verification ?? true, created_at: '' } } as never;
    case 'VariableProtection':
      return { owner, variable: { key: i.key, masked: i.masked ?? true, protected: i.protected ?? true, environment_scope: i.environment_scope ?? '*', variable_type: 'env_var', raw: false } } as never;
    case 'DeployKey':
      return { owner: { kind: 'project', path: i.project ?? '(unknown)', id: 0 }, key: { id: typeof i.key_id === 'number' ? i.key_id : 0, title: 'declared', can_push: i.can_push ?? false } } as never;
    case 'InstanceSettings':
      return {
        settings: {
          require_two_factor_authentication: i.require_two_factor_authentication ?? true,
          two_factor_grace_period: i.two_factor_grace_period ?? 0,
          max_number_of_repository_downloads: i.max_number_of_repository_downloads ?? 1,
          max_number_of_repository_downloads_within_time_period: i.max_number_of_repository_downloads_within_time_period ?? 1,
          auto_ban_user_on_excessive_projects_download: i.auto_ban_user_on_excessive_projects_download ?? true,
          // A declared signup_enabled is judged alone: no approval or allowed domains stand in for it.
          signup_enabled: i.signup_enabled ?? false,
          require_admin_approval_after_user_signup: false,
          domain_allowlist: [],
          email_confirmation_setting: i.email_confirmation_setting ?? 'hard',
          password_authentication_enabled_for_git: i.password_authentication_enabled_for_git ?? false,
          throttle_authenticated_api_enabled: i.throttle_authenticated_api_enabled ?? true,
          throttle_authenticated_web_enabled: i.throttle_authenticated_web_enabled ?? true,
          throttle_unauthenticated_api_enabled: i.throttle_unauthenticated_api_enabled ?? true,
          throttle_unauthenticated_web_enabled: i.throttle_unauthenticated_web_enabled ?? true,
          default_branch_protection_defaults: i.default_branch_protection_defaults ?? { allowed_to_push: [{ access_level: 0 }], allowed_to_merge: [{ access_level: 0 }], allow_force_push: false },
          restricted_visibility_levels: i.restricted_visibility_levels ?? ['public'],
          default_project_visibility: i.default_project_visibility ?? 'private',
          default_group_visibility: i.default_group_visibility ?? 'private',
          allow_local_requests_from_web_hooks_and_services: i.allow_local_requests_from_web_hooks_and_services ?? false,
          allow_local_requests_from_system_hooks: i.allow_local_requests_from_system_hooks ?? false,
          max_personal_access_token_lifetime: i.max_personal_access_token_lifetime ?? 1,
          admin_mode: i.admin_mode ?? true,
          allow_runner_registration_token: i.allow_runner_registration_token ?? false,
        },
      } as never;
    case 'PushRule': {
      const k = (key: string) => i[key] ?? true;
      const rule = { id: 0, deny_delete_tag: false, reject_unsigned_commits: k('reject_unsigned_commits'), prevent_secrets: k('prevent_secrets'), member_check: k('member_check'), commit_committer_check: k('commit_committer_check') };
      return { owner, rule } as never;
    }
  }
  throw new Error(`provider/crossguard: unknown resource type ${String(type)}`);
}

/** Finding setting -> the resource input that holds it, where the names differ. */
const INPUT_OF: Record<string, string> = {
  push_access_levels: 'push_access_level',
  merge_access_levels: 'merge_access_level',
  inbound_enabled: 'ci_inbound_job_token_scope_enabled',
  'default_branch_protection_defaults.allowed_to_push': 'default_branch_protection_defaults',
  'default_branch_protection_defaults.allowed_to_merge': 'default_branch_protection_defaults',
  'default_branch_protection_defaults.allow_force_push': 'default_branch_protection_defaults',
  // The unauthenticated web limit's column (policies/instance.ts reads either name).
  throttle_unauthenticated_enabled: 'throttle_unauthenticated_web_enabled',
};

function inputField(type: ResourceType, d: Drift): string | undefined {
  const field = INPUT_OF[d.finding.setting] ?? d.finding.setting;
  return fieldsOf(type, d).includes(field) || (GUARDS[type] as RuleGuard[]).some((g) => (g.fields as string[]).includes(field)) ? field : undefined;
}

/** Inputs whose declared value is not the value the rule's fix writes (the fix writes `private`; the input is the most open allowed). */
const REMEDIATED_INPUT: Record<string, unknown> = {
  'InstanceSettings.default_project_visibility': 'internal',
  'InstanceSettings.default_group_visibility': 'internal',
};

interface Match {
  type: ResourceType;
  guard: RuleGuard;
}

/** Judges one resource's inputs with one rule; only rules with at least one declared field apply. */
export function violationsOf(ruleId: string, resourceType: string, props: Record<string, unknown>, config: Record<string, unknown> = {}, now: Date = new Date()): Drift[] {
  const out: Drift[] = [];
  const against = againstOf(config);
  const { baseline } = against;
  // A rule the baseline turns off guards nothing; a waiver for this group or project lets the input through.
  if (baseline && isRuleId(ruleId) && baseline.enabled[ruleId] === false) return [];
  const owner = typeof props.project === 'string' ? props.project : typeof props.group === 'string' ? props.group : undefined;
  if (baseline && owner !== undefined && findWaiver(baseline.waivers, ruleId, owner, now.toISOString())) return [];
  // The baseline's gitlab.tier gates like check does; without it the program's own tier gate has decided.
  // Declared inputs need no token to judge: instance rules (administrator-only against GitLab) apply here too.
  const ctx: RunContext = { isAdmin: true, now: now.toISOString(), ...(baseline?.gitlab.tier ? { tier: baseline.gitlab.tier } : {}) };
  for (const type of RESOURCE_TYPES) {
    if (typeToken(type) !== resourceType) continue;
    for (const guard of GUARDS[type] as RuleGuard[]) {
      if (guard.rule.id !== ruleId) continue;
      if (!(guard.fields as string[]).some((f) => props[f] !== undefined)) continue;
      const base = { ...against.params[guard.rule.area as Area], ...pickParams(guard.rule.area as Area, config) };
      // The resource's own branch is a required one by construction; the check's `branches` param picks which.
      if (type === 'ProtectedBranch') base.branches = [props.name];
      const drifts = judge(type, props as never, liveFromInputs(type, props), (g) => (g === guard ? base : null), ctx);
      out.push(...drifts);
    }
  }
  return out;
}

function pickParams(area: Area, config: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(PARAMS[area]);
  return Object.fromEntries(Object.entries(config).filter(([k]) => keys.includes(k)));
}

function message(d: Drift, field: string | undefined): string {
  const want = field ? ` Declare ${field}: ${JSON.stringify(d.finding.expected)} or stricter.` : '';
  return `[${d.rule.id}] ${d.finding.message}: this weakens the baseline (incident scenario: "${d.rule.scenario}").${want}`;
}

/** Resource types a rule guards, for the policy description. */
function typesOf(ruleId: string): ResourceType[] {
  return RESOURCE_TYPES.filter((t) => (GUARDS[t] as RuleGuard[]).some((g) => g.rule.id === ruleId));
}

/**
 * JSON schema of the policy config: `baseline` (the baseline file to judge against) and the rule's parameters. No
 * defaults: Pulumi would fill them in and they would override the baseline's own values.
 */
function configSchemaOf(area: Area) {
  const properties: Record<string, { type: 'number' | 'boolean' | 'string' | 'array'; description: string }> = {
    baseline: { type: 'string', description: 'baseline.yaml to judge against (rule switches, parameters, waivers, gitlab.tier); default: the hardened profile' },
  };
  for (const [k, v] of Object.entries(PARAMS[area])) {
    const type = Array.isArray(v) ? 'array' : (typeof v as 'number' | 'boolean' | 'string');
    if (['number', 'boolean', 'string', 'array'].includes(type)) properties[k] = { type, description: `overrides settings.${area}.${k} of the baseline (hardened profile: ${JSON.stringify(v)})` };
  }
  return { properties } as ResourceValidationPolicy['configSchema'];
}

function policyFor(ruleId: string): ResourceValidationPolicy {
  const matches: Match[] = typesOf(ruleId).map((type) => ({ type, guard: (GUARDS[type] as RuleGuard[]).find((g) => g.rule.id === ruleId)! }));
  const rule = matches[0]!.guard.rule;
  const judgeArgs = (args: ResourceValidationArgs) => violationsOf(ruleId, args.type, args.props, args.getConfig<Record<string, unknown>>());
  return {
    name: ruleId,
    description: `${rule.title} (${matches.map((m) => m.type).join(', ')}). ${rule.description}`,
    enforcementLevel: 'mandatory',
    configSchema: configSchemaOf(rule.area),
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      const type = RESOURCE_TYPES.find((t) => typeToken(t) === args.type);
      if (!type) return;
      for (const d of judgeArgs(args)) reportViolation(message(d, inputField(type, d)));
    },
    // Unambiguous fixes only: a scalar input set to the baseline value. Nothing else is touched.
    remediateResource: (args: ResourceValidationArgs) => {
      const type = RESOURCE_TYPES.find((t) => typeToken(t) === args.type);
      if (!type) return undefined;
      const drifts = judgeArgs(args);
      if (drifts.length === 0) return undefined;
      const props = { ...args.props };
      for (const d of drifts) {
        const field = inputField(type, d);
        // The input's own value where it differs from what the fix writes (InstanceSettings declares the most open default).
        const v = REMEDIATED_INPUT[`${type}.${field}`] ?? d.finding.expected;
        // Only a scalar input takes a scalar baseline value (never a hash such as default_branch_protection_defaults).
        if (!field || !['boolean', 'number', 'string'].includes(typeof v) || (typeof props[field] === 'object' && props[field] !== null)) return undefined;
        props[field] = v;
      }
      return props;
    },
  };
}

/**
 * Rule ids that a resource input can weaken. protected-branches.default-protected is left out: a ProtectedBranch
 * resource always protects its branch, so no input of it can weaken that rule.
 */
export const GUARDED_RULES: string[] = [
  ...new Set(RESOURCE_TYPES.flatMap((t) => (GUARDS[t] as RuleGuard[]).filter((g) => (g.fields as string[]).some((f) => f !== 'name')).map((g) => g.rule.id))),
];

export const policies: ResourceValidationPolicy[] = GUARDED_RULES.map(policyFor);
