// CI/CD variables (lib/api/ci/variables.rb, group_variables.rb). Values are secrets: they never leave this file
// (gitlab/secrets.ts); only the flags (masked, protected, hidden, scope) do.
import { enc, type GitlabClient } from './client';
import { NotFoundError } from './errors';
import { scrub } from './secrets';
import type { GlVariable } from './types';

export async function listVariables(client: GitlabClient, owner: 'group' | 'project', id: number): Promise<GlVariable[]> {
  return scrub(await client.all<GlVariable>(`/${owner}s/${id}/variables`, { per_page: 100 }), { variable: true });
}

/** One variable by key and environment scope; null when it does not exist. */
export async function getVariable(client: GitlabClient, owner: 'group' | 'project', id: number, key: string, scope: string): Promise<GlVariable | null> {
  try {
    return scrub(await client.get<GlVariable>(`/${owner}s/${id}/variables/${enc(key)}`, { 'filter[environment_scope]': scope }), { variable: true });
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}
