// [Push rules API] Premium (ee/lib/api/project_push_rule.rb, ee/lib/api/group_push_rule.rb; entity
// ee/lib/api/entities/group_push_rule.rb). Project: Maintainer (admin_push_rules), unlicensed 403, GET answers
// `null` without a rule. Group: anyone who may not change push rules (below Maintainer, or unlicensed) gets 404,
// and so does a GET without a rule. Writes are audited one event per column (Audit::PushRules::
// GroupPushRulesChangesAuditor EVENT_TYPE_PER_ATTR; the project auditor's names follow the same pattern with
// `project_`, as its spec shows for commit_committer_check).
import type { GlPushRule } from '../../gitlab/types';
import { atLeastTier } from '../entities';
import { errors, groupRole, SimHttpError, parseBool, parseIntParam, requireGroup, requireProject, Role, type Route, type RouteRequest, type SimContext } from '../kit';
import { nextId, type SimGroup, type SimProject } from '../state';

const BOOL_KEYS = ['deny_delete_tag', 'member_check', 'prevent_secrets', 'commit_committer_check', 'commit_committer_name_check', 'reject_unsigned_commits', 'reject_non_dco_commits'] as const;
const STRING_KEYS = ['commit_message_regex', 'commit_message_negative_regex', 'branch_name_regex', 'author_email_regex', 'file_name_regex'] as const;
const ALL_KEYS = [...BOOL_KEYS, ...STRING_KEYS, 'max_file_size'];

export function emptyPushRule(id: number, created: string): GlPushRule {
  return {
    id,
    created_at: created,
    commit_message_regex: null,
    commit_message_negative_regex: null,
    branch_name_regex: null,
    author_email_regex: null,
    file_name_regex: null,
    deny_delete_tag: false,
    member_check: false,
    prevent_secrets: false,
    max_file_size: 0,
    commit_committer_check: false,
    commit_committer_name_check: false,
    reject_unsigned_commits: false,
    reject_non_dco_commits: false,
  };
}

/** The entity: the licence-gated checks appear only where their feature is available (Premium and up here). */
function present(ctx: SimContext, rule: GlPushRule, owner: SimProject | SimGroup): Record<string, unknown> {
  const out: Record<string, unknown> = { ...rule };
  if ('path_with_namespace' in owner) out.project_id = owner.id;
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

function projectFor(ctx: SimContext, ref: string): SimProject {
  return requireProject(ctx, ref, Role.Maintainer);
}

function groupFor(ctx: SimContext, ref: string): SimGroup {
  const group = requireGroup(ctx, ref);
  // check_group_push_rule_access!: not_found! unless can?(:change_push_rules) (Maintainer+, licensed).
  if (!atLeastTier(ctx.state, 'premium', group) || groupRole(ctx.state, ctx.user, group) < Role.Maintainer) throw errors.recordNotFound();
  return group;
}

const projectEntityRef = (p: SimProject) => ({ entity_type: 'Project' as const, entity_id: p.id, entity_path: p.path_with_namespace });
const groupEntityRef = (g: SimGroup) => ({ entity_type: 'Group' as const, entity_id: g.id, entity_path: g.full_path });

export const routes: Route[] = [
  {
    method: 'GET',
    pattern: '/projects/:id/push_rule',
    ee: true,
    minTier: 'premium',
    handler: (req, ctx) => {
      const p = projectFor(ctx, req.params.id);
      return { status: 200, body: p.push_rule ? present(ctx, p.push_rule, p) : null };
    },
  },
  {
    method: 'POST',
    pattern: '/projects/:id/push_rule',
    ee: true,
    minTier: 'premium',
    handler: (req, ctx) => {
      const p = projectFor(ctx, req.params.id);
      if (p.push_rule) throw new SimHttpError(422, { message: 'Project push rule exists' });
      const changes = changesOf(req);
      p.push_rule = emptyPushRule(nextId(ctx.state), ctx.now().toISOString());
      apply(ctx, p.push_rule, changes, projectEntityRef(p));
      return { status: 201, body: present(ctx, p.push_rule, p) };
    },
  },
  {
    method: 'PUT',
    pattern: '/projects/:id/push_rule',
    ee: true,
    minTier: 'premium',
    handler: (req, ctx) => {
      const p = projectFor(ctx, req.params.id);
      if (!p.push_rule) throw errors.notFound('Push rule');
      apply(ctx, p.push_rule, changesOf(req), projectEntityRef(p));
      return { status: 200, body: present(ctx, p.push_rule, p) };
    },
  },
  {
    method: 'GET',
    pattern: '/groups/:id/push_rule',
    ee: true,
    handler: (req, ctx) => {
      const g = groupFor(ctx, req.params.id);
      if (!g.push_rule) throw errors.recordNotFound();
      return { status: 200, body: present(ctx, g.push_rule, g) };
    },
  },
  {
    method: 'POST',
    pattern: '/groups/:id/push_rule',
    ee: true,
    handler: (req, ctx) => {
      const g = groupFor(ctx, req.params.id);
      if (g.push_rule) throw new SimHttpError(422, { message: 'Group push rule exists, try updating' });
      const changes = changesOf(req);
      g.push_rule = emptyPushRule(nextId(ctx.state), ctx.now().toISOString());
      apply(ctx, g.push_rule, changes, groupEntityRef(g));
      return { status: 201, body: present(ctx, g.push_rule, g) };
    },
  },
  {
    method: 'PUT',
    pattern: '/groups/:id/push_rule',
    ee: true,
    handler: (req, ctx) => {
      const g = groupFor(ctx, req.params.id);
      if (!g.push_rule) throw errors.notFound('Push rule');
      apply(ctx, g.push_rule, changesOf(req), groupEntityRef(g));
      return { status: 200, body: present(ctx, g.push_rule, g) };
    },
  },
];
