// Project and group webhooks (lib/api/project_hooks.rb, ee/lib/api/group_hooks.rb; group hooks are Premium).
// The hook's `token` is write-only: GitLab never returns it.
import type { GitlabClient } from './client';
import type { GlHook } from './types';

export function listHooks(client: GitlabClient, owner: 'group' | 'project', id: number): Promise<GlHook[]> {
  return client.all<GlHook>(`/${owner}s/${id}/hooks`, { per_page: 100 });
}
