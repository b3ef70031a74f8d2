// One function per area read the rules can need (policies/rule.ts needs): which gitlab/ area read fills it.
import type { GitlabClient } from '../../gitlab/client';
import { getGroup } from '../../gitlab/groups';
import { getProject } from '../../gitlab/projects';
import { listProtectedBranches } from '../../gitlab/protected-branches';
import { getMrApprovalSetting, getProjectApprovals, listApprovalRules } from '../../gitlab/approvals';
import { listHooks } from '../../gitlab/hooks';
import { listVariables } from '../../gitlab/variables';
import { getJobTokenScope } from '../../gitlab/job-token-scope';
import { getGroupPushRule, getProjectPushRule } from '../../gitlab/push-rules';
import { listMembers } from '../../gitlab/members';
import { listDeployKeys } from '../../gitlab/deploy-keys';
import { getApplicationSettings } from '../../gitlab/instance';
import { listAdmins } from '../../gitlab/users';
import type { Read } from '../../model/target';
import type { GroupRead, InstanceRead, ProjectRead } from '../../policies/rule';
import { readOf } from '../../gitlab/read';
import { checkResponse, READ_SCHEMAS } from '../../gitlab/schemas';

// Where each read comes from, for errors that name the endpoint (`:id` is the target's id).
const PROJECT_PATHS: Record<ProjectRead, string> = {
  project: '', protectedBranches: '/protected_branches', approvals: '/approvals', approvalRules: '/approval_rules',
  mrApprovalSetting: '/merge_request_approval_setting', hooks: '/hooks', variables: '/variables',
  jobTokenScope: '/job_token_scope', pushRule: '/push_rule', members: '/members', deployKeys: '/deploy_keys',
};
const GROUP_PATHS: Record<GroupRead, string> = {
  group: '', hooks: '/hooks', variables: '/variables', mrApprovalSetting: '/merge_request_approval_setting', pushRule: '/push_rule', members: '/members',
  ancestors: ' (its ancestor groups)',
};
const INSTANCE_PATHS: Record<InstanceRead, string> = { settings: '/application/settings', admins: '/users?admins=true' };
import { fetchAncestors } from './ancestors';

const projectReads: Record<ProjectRead, (c: GitlabClient, id: number) => Promise<unknown>> = {
  project: getProject,
  protectedBranches: listProtectedBranches,
  approvals: getProjectApprovals,
  approvalRules: listApprovalRules,
  mrApprovalSetting: (c, id) => getMrApprovalSetting(c, 'project', id),
  hooks: (c, id) => listHooks(c, 'project', id),
  variables: (c, id) => listVariables(c, 'project', id),
  jobTokenScope: getJobTokenScope,
  pushRule: getProjectPushRule,
  members: (c, id) => listMembers(c, 'project', id),
  deployKeys: listDeployKeys,
};

const groupReads: Record<GroupRead, (c: GitlabClient, id: number) => Promise<unknown>> = {
  group: getGroup,
  hooks: (c, id) => listHooks(c, 'group', id),
  variables: (c, id) => listVariables(c, 'group', id),
  mrApprovalSetting: (c, id) => getMrApprovalSetting(c, 'group', id),
  pushRule: getGroupPushRule,
  members: (c, id) => listMembers(c, 'group', id),
  // Per group (revert's verification, watch); collect and --since-last use attachAncestors, which reads each once.
  ancestors: (c, id) => fetchAncestors(c, id),
};

const instanceReads: Record<InstanceRead, (c: GitlabClient) => Promise<unknown>> = {
  settings: getApplicationSettings,
  admins: listAdmins,
};

export function fetchInstanceRead(client: GitlabClient, read: InstanceRead): Promise<Read<unknown>> {
  return readOf(async () => checkResponse(READ_SCHEMAS.instance[read], await instanceReads[read](client), INSTANCE_PATHS[read]));
}

export function fetchProjectRead<K extends ProjectRead>(client: GitlabClient, id: number, read: K): Promise<Read<unknown>> {
  return readOf(async () => checkResponse(READ_SCHEMAS.project[read as ProjectRead], await projectReads[read](client, id), `/projects/${id}${PROJECT_PATHS[read]}`));
}

export function fetchGroupRead<K extends GroupRead>(client: GitlabClient, id: number, read: K): Promise<Read<unknown>> {
  return readOf(async () => checkResponse(READ_SCHEMAS.group[read as GroupRead], await groupReads[read](client, id), `/groups/${id}${GROUP_PATHS[read]}`));
}
