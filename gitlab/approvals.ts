// Merge request approvals (Premium; ee/lib/api/merge_request_approvals.rb, project_approval_rules.rb,
// merge_request_approval_settings.rb): the project flags, the approval rules, and the settings API that tells
// whether a group or the instance locks a flag.
import type { GitlabClient } from './client';
import type { GlApprovalRule, GlMrApprovalSetting, GlProjectApprovals } from './types';

export function getProjectApprovals(client: GitlabClient, projectId: number): Promise<GlProjectApprovals> {
  return client.get<GlProjectApprovals>(`/projects/${projectId}/approvals`);
}

export function listApprovalRules(client: GitlabClient, projectId: number): Promise<GlApprovalRule[]> {
  return client.all<GlApprovalRule>(`/projects/${projectId}/approval_rules`, { per_page: 100 });
}

export function getMrApprovalSetting(client: GitlabClient, owner: 'group' | 'project', id: number): Promise<GlMrApprovalSetting> {
  return client.get<GlMrApprovalSetting>(`/${owner}s/${id}/merge_request_approval_setting`);
}
