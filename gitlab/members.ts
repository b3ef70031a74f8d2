// Group and project members (lib/api/members.rb). Users' 2FA and external flags are only in the administrator's
// view of users (GET /users filters `two_factor` and `external` are admin-only, lib/api/users.rb): read once per
// client and run; a non-admin token gets none and the members keep no flags, so the rules that need them skip
// instead of guessing.
import type { GitlabClient } from './client';
import { ForbiddenError, NotFoundError } from './errors';
import type { GlMember } from './types';
import { currentUser } from './users';

const userFlags = new WeakMap<GitlabClient, Promise<{ without2fa: Set<number>; external: Set<number> } | null>>();

function flagsFor(c: GitlabClient): Promise<{ without2fa: Set<number>; external: Set<number> } | null> {
  let p = userFlags.get(c);
  if (!p) {
    p = (async () => {
      // For others GitLab ignores the two_factor filter (it would list everyone): ask only as an administrator.
      if (!(await currentUser(c)).is_admin) return null;
      try {
        const [no2fa, ext] = await Promise.all([
          c.all<{ id: number }>('/users', { two_factor: 'disabled', per_page: 100 }),
          c.all<{ id: number }>('/users', { external: true, per_page: 100 }),
        ]);
        return { without2fa: new Set(no2fa.map((u) => u.id)), external: new Set(ext.map((u) => u.id)) };
      } catch (err) {
        if (err instanceof ForbiddenError) return null;
        throw err;
      }
    })();
    userFlags.set(c, p);
  }
  return p;
}

/** Direct members of a group or project, with 2FA/external flags where an administrator may read them. */
export async function listMembers(c: GitlabClient, owner: 'group' | 'project', id: number): Promise<GlMember[]> {
  const members = await c.all<GlMember>(`/${owner}s/${id}/members`, { per_page: 100 });
  const flags = await flagsFor(c);
  if (!flags) return members;
  return members.map((m) => ({ ...m, two_factor_enabled: !flags.without2fa.has(m.id), external: flags.external.has(m.id) }));
}

/** The token user's effective access level in a group (inherited included); 0 when not a member. */
export async function groupAccessLevel(c: GitlabClient, groupId: number, userId: number): Promise<number> {
  try {
    return (await c.get<{ access_level: number }>(`/groups/${groupId}/members/all/${userId}`)).access_level;
  } catch (e) {
    if (e instanceof NotFoundError) return 0;
    throw e;
  }
}
