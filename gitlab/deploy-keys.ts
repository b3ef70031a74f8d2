// Project deploy keys (lib/api/deploy_keys.rb). The key material is public; `can_push` is what rules read.
import type { GitlabClient } from './client';

export function listDeployKeys(c: GitlabClient, projectId: number): Promise<unknown[]> {
  return c.all(`/projects/${projectId}/deploy_keys`, { per_page: 100 });
}
