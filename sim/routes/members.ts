// [Group and project members API] direct members (lib/api/members.rb, entity lib/api/entities/member.rb): any
// role that can see the group or project may list them.
import { userBasicEntity } from '../entities';
import { errors, groupAncestors, parseIntParam, requireGroup, requireProject, type Route, type SimContext } from '../kit';
import { paginate } from '../pagination';
import type { SimMember } from '../state';

function memberEntity(ctx: SimContext, m: SimMember): Record<string, unknown> | undefined {
  const u = ctx.state.users.find((x) => x.id === m.user_id);
  if (!u) return undefined;
  // lib/api/entities/member.rb: expose :user, merge: true, using: UserBasic.
  return {
    ...userBasicEntity(ctx, u),
    access_level: m.access_level,
    created_at: m.created_at ?? null,
    expires_at: null,
    membership_state: 'active',
  };
}

function list(ctx: SimContext, members: SimMember[]): Record<string, unknown>[] {
  return members.map((m) => memberEntity(ctx, m)).filter((x): x is Record<string, unknown> => x !== undefined);
}

export const routes: Route[] = [
  {
    method: 'GET',
    pattern: '/groups/:id/members',
    handler: (req, ctx) => paginate(req, list(ctx, requireGroup(ctx, req.params.id).members)),
  },
  {
    // Including membership inherited from ancestors: the highest role wins (lib/api/members.rb, members/all/:user_id).
    method: 'GET',
    pattern: '/groups/:id/members/all/:user_id',
    handler: (req, ctx) => {
      const group = requireGroup(ctx, req.params.id);
      const userId = parseIntParam(req.params.user_id, 'user_id');
      const found = groupAncestors(ctx.state, group)
        .flatMap((g) => g.members.filter((m) => m.user_id === userId))
        .sort((a, b) => b.access_level - a.access_level)[0];
      const entity = found && memberEntity(ctx, found);
      if (!entity) throw errors.notFound('Member');
      return { status: 200, body: entity };
    },
  },
  {
    method: 'GET',
    pattern: '/projects/:id/members',
    handler: (req, ctx) => paginate(req, list(ctx, requireProject(ctx, req.params.id).members)),
  },
];
