// Protected branches (lib/api/protected_branches.rb). The list returns wildcard rules by pattern ('release/*'),
// so rules match names themselves instead of fetching each branch.
import { enc, type GitlabClient } from './client';
import { NotFoundError } from './errors';
import type { GlProtectedBranch } from './types';

export function listProtectedBranches(client: GitlabClient, projectId: number): Promise<GlProtectedBranch[]> {
  return client.all<GlProtectedBranch>(`/projects/${projectId}/protected_branches`, { per_page: 100 });
}

/** One protection by name or pattern; null when the branch is not protected (404 on a readable project). */
export async function getProtectedBranch(client: GitlabClient, projectId: number, name: string): Promise<GlProtectedBranch | null> {
  try {
    return await client.get<GlProtectedBranch>(`/projects/${projectId}/protected_branches/${enc(name)}`);
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}
