// [Users API] and [Personal access tokens API] (gitlab-api.md §1.1): who the token belongs to and what it may do.
import { errors, parseIntParam, type Route } from '../kit';
import { userEntity } from '../entities';

export const routes: Route[] = [
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

