// One function per area read: the endpoint it calls (gitlab-api.md §3) and what it keeps.
import type { GitlabClient } from '../../gitlab/client';
import type { GlVariable } from '../../gitlab/types';
import type { Read } from '../../model/target';
import type { GroupRead, ProjectRead } from '../../policies/rule';
import { readOf } from './read';
import { fetchAncestors } from './ancestors';


/** Variable values are secrets: the snapshot (saved to disk, shown in reports) keeps only their flags. */
function withoutValues(variables: GlVariable[]): GlVariable[] {
  return variables.map(({ value: _value, ...rest }) => rest);
}

const projectReads: Record<Exclude<ProjectRead, 'project'>, (c: GitlabClient, id: number) => Promise<unknown>> = {
  // The list returns wildcard rules by pattern ('release/*'); rules match names themselves.
  protectedBranches: (c, id) => c.all(`/projects/${id}/protected_branches`, { per_page: 100 }),
  approvals: (c, id) => c.get(`/projects/${id}/approvals`),
  approvalRules: (c, id) => c.all(`/projects/${id}/approval_rules`, { per_page: 100 }),
  mrApprovalSetting: (c, id) => c.get(`/projects/${id}/merge_request_approval_setting`),
  hooks: (c, id) => c.all(`/projects/${id}/hooks`, { per_page: 100 }),
  variables: async (c, id) => withoutValues(await c.all<GlVariable>(`/projects/${id}/variables`, { per_page: 100 })),
  jobTokenScope: (c, id) => c.get(`/projects/${id}/job_token_scope`),
};

const groupReads: Record<Exclude<GroupRead, 'group'>, (c: GitlabClient, id: number) => Promise<unknown>> = {
  hooks: (c, id) => c.all(`/groups/${id}/hooks`, { per_page: 100 }),
  variables: async (c, id) => withoutValues(await c.all<GlVariable>(`/groups/${id}/variables`, { per_page: 100 })),
  mrApprovalSetting: (c, id) => c.get(`/groups/${id}/merge_request_approval_setting`),
  // Per group (revert's verification, watch); collect and --since-last use attachAncestors, which reads each once.
  ancestors: (c, id) => fetchAncestors(c, id),
};

export function fetchProjectRead<K extends ProjectRead>(client: GitlabClient, id: number, read: K): Promise<Read<unknown>> {
  if (read === 'project') return readOf(() => client.get(`/projects/${id}`));
  return readOf(() => projectReads[read as Exclude<ProjectRead, 'project'>](client, id));
}

export function fetchGroupRead<K extends GroupRead>(client: GitlabClient, id: number, read: K): Promise<Read<unknown>> {
  // with_projects=false: GroupDetail otherwise embeds up to 100 projects (lib/api/groups.rb).
  if (read === 'group') return readOf(() => client.get(`/groups/${id}`, { with_projects: false }));
  return readOf(() => groupReads[read as Exclude<GroupRead, 'group'>](client, id));
}
