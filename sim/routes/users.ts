// [Users API] and [Personal access tokens API] (docs/gitlab-behaviour.md, Pagination, errors and authentication): who the token belongs to and what it may do.
import { errors, parseBool, parseIntParam, type Route } from '../kit';
import { userEntity } from '../entities';
import { paginate } from '../pagination';

export const routes: Route[] = [
  {
    // lib/api/users.rb: `external` needs an administrator (authenticated_as_admin!); `two_factor` and `admins` are
    // honoured for administrators only and ignored for others.
    method: 'GET',
    pattern: '/users',
    handler: (req, ctx) => {
      const { state, user } = ctx;
      const q = req.query;
      if (q.get('external') !== null && !user.is_admin) throw errors.forbidden();
      let users = state.users;
      if (q.get('active') !== null && parseBool(q.get('active'), 'active')) users = users.filter((u) => u.state === 'active');
      if (user.is_admin) {
        if (q.get('admins') !== null && parseBool(q.get('admins'), 'admins')) users = users.filter((u) => u.is_admin);
        const tf = q.get('two_factor');
        if (tf === 'enabled') users = users.filter((u) => u.two_factor_enabled === true);
        if (tf === 'disabled') users = users.filter((u) => u.two_factor_enabled !== true);
        if (q.get('external') !== null && parseBool(q.get('external'), 'external')) users = users.filter((u) => u.external === true);
      }
      return paginate(req, users.map((u) => userEntity(ctx, user, u)));
    },
  },
  {
    method: 'GET',
    pattern: '/user',
    handler: (_req, ctx) => ({
      status: 200,
      body: { ...userEntity(ctx, ctx.user, ctx.user), created_at: null, two_factor_enabled: true, external: false, private_profile: false },
    }),
  },
  {
    method: 'GET',
    pattern: '/users/:id',
    handler: (req, ctx) => {
      const { state, user } = ctx;
      if (!/^\d+$/.test(req.params.id)) throw errors.notFound('User');
      const id = parseIntParam(req.params.id, 'id');
      const found = state.users.find((u) => u.id === id);
      if (!found) throw errors.notFound('User');
      return { status: 200, body: userEntity(ctx, user, found) };
    },
  },
  {
    method: 'GET',
    pattern: '/personal_access_tokens/self',
    handler: (_req, { state, tokenId }) => {
      const token = state.tokens.find((t) => t.id === tokenId);
      if (!token) throw errors.unauthorized();
      return {
        status: 200,
        body: {
          id: token.id,
          name: token.name,
          description: null,
          revoked: token.revoked,
          created_at: token.created_at,
          scopes: token.scopes,
          user_id: token.user_id,
          last_used_at: null,
          active: !token.revoked,
          expires_at: token.expires_at,
        },
      };
    },
  },
];

