// One function per area read: the endpoint it calls (gitlab-api.md §3) and what it keeps.
import type { GitlabClient } from '../../gitlab/client';
import { ForbiddenError, NotFoundError } from '../../gitlab/errors';
import type { GlMember, GlPushRule, GlVariable } from '../../gitlab/types';
import type { Read } from '../../model/target';
import type { GroupRead, InstanceRead, ProjectRead } from '../../policies/rule';
import { readOf } from './read';
import { fetchAncestors } from './ancestors';


/** Variable values are secrets: the snapshot (saved to disk, shown in reports) keeps only their flags. */
function withoutValues(variables: GlVariable[]): GlVariable[] {
  return variables.map(({ value: _value, ...rest }) => rest);
}

/**
 * Users' 2FA and external flags are only in the administrator's view of users (GET /users filters `two_factor`
 * and `external` are admin-only, lib/api/users.rb). Read once per client and run; a non-admin token gets 403 and
 * the members keep no flags, so the rules that need them skip instead of guessing.
 */
const currentUsers = new WeakMap<GitlabClient, Promise<{ id: number; is_admin?: boolean }>>();

/** GET /user once per client and run: `is_admin` is present (and true) only for administrators. */
function currentUser(c: GitlabClient): Promise<{ id: number; is_admin?: boolean }> {
  let me = currentUsers.get(c);
  if (!me) currentUsers.set(c, (me = c.get<{ id: number; is_admin?: boolean }>('/user')));
  return me;
}

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

async function membersOf(c: GitlabClient, path: string): Promise<GlMember[]> {
  const members = await c.all<GlMember>(path, { per_page: 100 });
  const flags = await flagsFor(c);
  if (!flags) return members;
  return members.map((m) => ({ ...m, two_factor_enabled: !flags.without2fa.has(m.id), external: flags.external.has(m.id) }));
}


/**
 * GET /groups/:id/push_rule answers 404 both when the group has none and when the token may not manage push rules
 * (ee/lib/api/group_push_rule.rb: `not_found! unless can?(:change_push_rules)`, Maintainer+). Only a token that
 * could see a rule may read the 404 as "no rule"; for any other it is an error, never a finding.
 */
async function groupPushRule(c: GitlabClient, id: number): Promise<GlPushRule | null> {
  const path = `/groups/${id}/push_rule`;
  try {
    return await c.get<GlPushRule>(path);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  const user = await currentUser(c);
  if (user.is_admin) return null;
  const member = await c.get<{ access_level: number }>(`/groups/${id}/members/all/${user.id}`).catch((e: unknown) => {
    if (e instanceof NotFoundError) return { access_level: 0 };
    throw e;
  });
  if (member.access_level >= 40) return null;
  throw new ForbiddenError({
    method: 'GET',
    path,
    status: 404,
    detail: 'GitLab answers 404 to a token that may not manage push rules',
    hint: 'Push rules need Maintainer on the group: use a Maintainer token, or turn the push-rules.* rules off.',
    needs: 'Maintainer',
  });
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
  // `null` when the project has no push rule (ee/lib/api/project_push_rule.rb presents nil).
  pushRule: (c, id) => c.get<GlPushRule | null>(`/projects/${id}/push_rule`),
  members: (c, id) => membersOf(c, `/projects/${id}/members`),
  deployKeys: (c, id) => c.all(`/projects/${id}/deploy_keys`, { per_page: 100 }),
};

const groupReads: Record<Exclude<GroupRead, 'group'>, (c: GitlabClient, id: number) => Promise<unknown>> = {
  hooks: (c, id) => c.all(`/groups/${id}/hooks`, { per_page: 100 }),
  variables: async (c, id) => withoutValues(await c.all<GlVariable>(`/groups/${id}/variables`, { per_page: 100 })),
  mrApprovalSetting: (c, id) => c.get(`/groups/${id}/merge_request_approval_setting`),
  pushRule: (c, id) => groupPushRule(c, id),
  members: (c, id) => membersOf(c, `/groups/${id}/members`),
  // Per group (revert's verification, watch); collect and --since-last use attachAncestors, which reads each once.
  ancestors: (c, id) => fetchAncestors(c, id),
};

const instanceReads: Record<InstanceRead, (c: GitlabClient) => Promise<unknown>> = {
  settings: (c) => c.get('/application/settings'),
  admins: (c) => c.all('/users', { admins: true, per_page: 100 }),
};

export function fetchInstanceRead(client: GitlabClient, read: InstanceRead): Promise<Read<unknown>> {
  return readOf(() => instanceReads[read](client));
}

export function fetchProjectRead<K extends ProjectRead>(client: GitlabClient, id: number, read: K): Promise<Read<unknown>> {
  if (read === 'project') return readOf(() => client.get(`/projects/${id}`));
  return readOf(() => projectReads[read as Exclude<ProjectRead, 'project'>](client, id));
}

export function fetchGroupRead<K extends GroupRead>(client: GitlabClient, id: number, read: K): Promise<Read<unknown>> {
  // with_projects=false: GroupDetail otherwise embeds up to 100 projects (lib/api/groups.rb).
  if (read === 'group') return readOf(() => client.get(`/groups/${id}`, { with_projects: false }));
  return readOf(() => groupReads[read as Exclude<GroupRead, 'group'>](client, id));
}
