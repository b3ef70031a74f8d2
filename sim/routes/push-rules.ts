// [Push rules API] Premium (ee/lib/api/project_push_rule.rb, ee/lib/api/group_push_rule.rb; entity
// ee/lib/api/entities/group_push_rule.rb). Project: Maintainer (admin_push_rules), unlicensed 403, GET answers
// `null` without a rule. Group: anyone who may not change push rules (below Maintainer, or unlicensed) gets 404,
// and so does a GET without a rule. Writes are audited one event per column (Audit::PushRules::
// GroupPushRulesChangesAuditor EVENT_TYPE_PER_ATTR; the project auditor's names follow the same pattern with
// `project_`, as its spec shows for commit_committer_check).
import type { GlPushRule } from '../../gitlab/types';
import { atLeastTier } from '../entities';
import { errors, groupRole, SimHttpError, parseBool, parseIntParam, requireGroup, requireProject, Role, type Route, type RouteRequest, type RouteResult, type SimContext } from '../kit';
import { emptyPushRule, nextId, type SimGroup, type SimProject } from '../state';

const BOOL_KEYS = ['deny_delete_tag', 'member_check', 'prevent_secrets', 'commit_committer_check', 'commit_committer_name_check', 'reject_unsigned_commits', 'reject_non_dco_commits'] as const;
const STRING_KEYS = ['commit_message_regex', 'commit_message_negative_regex', 'branch_name_regex', 'author_email_regex', 'file_name_regex'] as const;
const ALL_KEYS = [...BOOL_KEYS, ...STRING_KEYS, 'max_file_size'];

/** The entity: the licence-gated checks appear only where their feature is available (Premium and up here). */
function present(ctx: SimContext, rule: GlPushRule, owner: SimProject | SimGroup, projectId?: number): Record<string, unknown> {
  const out: Record<string, unknown> = { ...rule };
  if (projectId !== undefined) out.project_id = projectId;
  if (!atLeastTier(ctx.state, 'premium', owner)) {
    for (const k of ['commit_committer_check', 'commit_committer_name_check', 'reject_unsigned_commits', 'reject_non_dco_commits']) delete out[k];
  }
  return out;
}

/** Declared params, `at_least_one_of` them (Grape), coerced. */
function changesOf(req: RouteRequest): Partial<GlPushRule> {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(req.body, k) && req.body[k] !== undefined;
  if (!ALL_KEYS.some(has)) throw errors.badParam(`${ALL_KEYS.join(', ')} are missing, at least one parameter must be provided`);
  const out: Record<string, unknown> = {};
  for (const k of BOOL_KEYS) if (has(k)) out[k] = parseBool(req.body[k], k);
  for (const k of STRING_KEYS) if (has(k)) out[k] = req.body[k] === null ? null : String(req.body[k]);
  if (has('max_file_size')) out.max_file_size = parseIntParam(req.body.max_file_size, 'max_file_size');
  return out as Partial<GlPushRule>;
}

const EVENT_SUFFIX: Record<string, string> = {
  max_file_size: 'max_file_size_updated',
  file_name_regex: 'file_name_regex_updated',
  author_email_regex: 'author_email_regex_updated',
  commit_message_negative_regex: 'commit_message_negative_regex_updated',
  commit_message_regex: 'commit_message_regex_updated',
  branch_name_regex: 'branch_name_regex_updated',
  commit_committer_check: 'commit_committer_check_updated',
  reject_unsigned_commits: 'reject_unsigned_commits_updated',
  reject_non_dco_commits: 'reject_non_dco_commits_updated',
  deny_delete_tag: 'reject_deny_delete_tag_updated',
  member_check: 'reject_member_check_updated',
  prevent_secrets: 'prevent_secrets_updated',
};

function apply(ctx: SimContext, rule: GlPushRule, changes: Partial<GlPushRule>, entity: { entity_type: 'Group' | 'Project'; entity_id: number; entity_path: string }): void {
  const prefix = entity.entity_type === 'Group' ? 'group_push_rules_' : 'project_push_rules_';
  for (const [k, v] of Object.entries(changes)) {
    const before = (rule as unknown as Record<string, unknown>)[k];
    if (before === v) continue;
    (rule as unknown as Record<string, unknown>)[k] = v;
    const suffix = EVENT_SUFFIX[k];
    ctx.audit({ ...entity, event_name: suffix ? prefix + suffix : 'audit_operation', target_type: 'PushRule', target_id: rule.id, target_details: entity.entity_path, change: k, from: before, to: v });
  }
}

/**
 * Where the two APIs differ; everything else (params, entity, audit events) is the same code in GitLab too
 * (PushRules::CreateOrUpdateService, one params block).
 */
interface Owner<T extends { id: number; push_rule?: GlPushRule | null }> {
  resource: 'projects' | 'groups';
  /** The owner the token may manage push rules of, or GitLab's refusal. */
  find: (ctx: SimContext, ref: string) => T;
  /** Project routes answer 403 below Premium (check_project_feature_available!); group routes 404 in `find`. */
  minTier?: 'premium';
  /** GET when the owner has no rule. */
  none: () => RouteResult;
  /** POST when a rule exists: 422 with this message. */
  exists: string;
  /** Only the project entity carries project_id. */
  projectId?: (owner: T) => number;
  audit: (owner: T) => { entity_type: 'Group' | 'Project'; entity_id: number; entity_path: string };
}

const PROJECT: Owner<SimProject> = {
  resource: 'projects',
  // authorize! :admin_push_rules: Maintainer and up.
  find: (ctx, ref) => requireProject(ctx, ref, Role.Maintainer),
  minTier: 'premium',
  // present nil: the body is `null`.
  none: () => ({ status: 200, body: null }),
  exists: 'Project push rule exists',
  projectId: (p) => p.id,
  audit: (p) => ({ entity_type: 'Project', entity_id: p.id, entity_path: p.path_with_namespace }),
};

const GROUP: Owner<SimGroup> = {
  resource: 'groups',
  find: (ctx, ref) => {
    const group = requireGroup(ctx, ref);
    // check_group_push_rule_access!: not_found! unless can?(:change_push_rules) (Maintainer+, licensed).
    if (!atLeastTier(ctx.state, 'premium', group) || groupRole(ctx.state, ctx.user, group) < Role.Maintainer) throw errors.recordNotFound();
    return group;
  },
  // not_found! unless push_rule: the same 404 as a token that may not see push rules.
  none: () => {
    throw errors.recordNotFound();
  },
  exists: 'Group push rule exists, try updating',
  audit: (g) => ({ entity_type: 'Group', entity_id: g.id, entity_path: g.full_path }),
};

function pushRuleRoutes<T extends { id: number; push_rule?: GlPushRule | null }>(o: Owner<T>): Route[] {
  const route = (method: Route['method'], handler: (owner: T, req: RouteRequest, ctx: SimContext) => RouteResult): Route => ({
    method,
    pattern: `/${o.resource}/:id/push_rule`,
    ee: true,
    ...(o.minTier ? { minTier: o.minTier } : {}),
    handler: (req, ctx) => handler(o.find(ctx, req.params.id), req, ctx),
  });
  // The licence is the owner's namespace's (its top-level group's plan on a GitLab.com-like sim).
  const body = (ctx: SimContext, owner: T, rule: GlPushRule) => present(ctx, rule, owner as unknown as SimProject | SimGroup, o.projectId?.(owner));
  return [
    route('GET', (owner, _req, ctx) => (owner.push_rule ? { status: 200, body: body(ctx, owner, owner.push_rule) } : o.none())),
    route('POST', (owner, req, ctx) => {
      if (owner.push_rule) throw new SimHttpError(422, { message: o.exists });
      const changes = changesOf(req);
      const rule = (owner.push_rule = emptyPushRule(nextId(ctx.state), ctx.now().toISOString()));
      apply(ctx, rule, changes, o.audit(owner));
      return { status: 201, body: body(ctx, owner, rule) };
    }),
    route('PUT', (owner, req, ctx) => {
      if (!owner.push_rule) throw errors.notFound('Push rule');
      apply(ctx, owner.push_rule, changesOf(req), o.audit(owner));
      return { status: 200, body: body(ctx, owner, owner.push_rule) };
    }),
  ];
}

export const routes: Route[] = [...pushRuleRoutes(PROJECT), ...pushRuleRoutes(GROUP)];
