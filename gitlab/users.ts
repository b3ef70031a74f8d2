// Users (lib/api/users.rb): author ids of audit events -> usernames, one GET /users/:id per distinct id, cached.
// A deleted or unreadable user resolves to null; callers fall back to the name the event carries.
import type { GitlabClient } from './client';

export interface UsernameCache {
  usernameOf(id: number): Promise<string | null>;
}

/** `limit`: how many names to keep (oldest dropped first), for long-running `watch`. */
export function usernameCache(client: GitlabClient, limit = Infinity): UsernameCache {
  const names = new Map<number, Promise<string | null>>();
  return {
    usernameOf(id) {
      if (!Number.isInteger(id) || id <= 0) return Promise.resolve(null);
      let p = names.get(id);
      if (!p) {
        p = client.get<{ username?: unknown }>(`/users/${id}`).then(
          (u) => (typeof u?.username === 'string' ? u.username : null),
          () => null,
        );
        if (names.size >= limit) names.delete(names.keys().next().value as number);
        names.set(id, p);
      }
      return p;
    },
  };
}

/** GET /user: the token's own user. */
export function getCurrentUser(client: GitlabClient): Promise<{ id?: unknown; username?: unknown }> {
  return client.get<{ id?: unknown; username?: unknown }>('/user');
}

const currentUsers = new WeakMap<GitlabClient, Promise<{ id: number; is_admin?: boolean }>>();

/** GET /user once per client and run: `is_admin` is present (and true) only for administrators. */
export function currentUser(c: GitlabClient): Promise<{ id: number; is_admin?: boolean }> {
  let me = currentUsers.get(c);
  if (!me) currentUsers.set(c, (me = c.get<{ id: number; is_admin?: boolean }>('/user')));
  return me;
}

/** GET /users?admins=true: the instance's administrators (administrator token). */
export function listAdmins(c: GitlabClient): Promise<unknown[]> {
  return c.all('/users', { admins: true, per_page: 100 });
}

/** GET /personal_access_tokens/self: the token describing itself (scopes); 404/403 for tokens that cannot. */
export function getTokenSelf(client: GitlabClient): Promise<{ scopes?: string[] }> {
  return client.get<{ scopes?: string[] }>('/personal_access_tokens/self');
}
