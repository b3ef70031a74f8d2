// Push rules (Premium; ee/lib/api/project_push_rule.rb, group_push_rule.rb).
import type { GitlabClient } from './client';
import { ForbiddenError, NotFoundError } from './errors';
import { groupAccessLevel } from './members';
import type { GlPushRule } from './types';
import { currentUser } from './users';

/** `null` when the project has no push rule (the API presents nil). */
export function getProjectPushRule(c: GitlabClient, id: number): Promise<GlPushRule | null> {
  return c.get<GlPushRule | null>(`/projects/${id}/push_rule`);
}

/**
 * GET /groups/:id/push_rule answers 404 both when the group has none and when the token may not manage push rules
 * (ee/lib/api/group_push_rule.rb: `not_found! unless can?(:change_push_rules)`, Maintainer+). Only a token that
 * could see a rule may read the 404 as "no rule"; for any other it is an error, never a finding.
 */
export async function getGroupPushRule(c: GitlabClient, id: number): Promise<GlPushRule | null> {
  const path = `/groups/${id}/push_rule`;
  try {
    return await c.get<GlPushRule>(path);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  const user = await currentUser(c);
  if (user.is_admin) return null;
  if ((await groupAccessLevel(c, id, user.id)) >= 40) return null;
  throw new ForbiddenError({
    method: 'GET',
    path,
    status: 404,
    detail: 'GitLab answers 404 to a token that may not manage push rules',
    hint: 'Push rules need Maintainer on the group: use a Maintainer token, or turn the push-rules.* rules off.',
    needs: 'Maintainer',
  });
}
