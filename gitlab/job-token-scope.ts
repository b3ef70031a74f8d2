// CI/CD job token scope (lib/api/ci/job_token_scope.rb): whether the inbound allowlist is enforced.
import type { GitlabClient } from './client';
import type { GlJobTokenScope } from './types';

export function getJobTokenScope(client: GitlabClient, projectId: number): Promise<GlJobTokenScope> {
  return client.get<GlJobTokenScope>(`/projects/${projectId}/job_token_scope`);
}
