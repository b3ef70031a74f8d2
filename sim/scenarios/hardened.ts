// Scenario "hardened": an Ultimate instance where everything meets the `hardened` profile.
import type { SimGroup, SimProject, SimState, SimUser } from '../state';
import { addGroup, addHook, addProject, addUsers, emptyState, hoursBefore, pastEvent, protectedBranch, variable, type ScenarioOptions } from './build';

export interface AcmeWorld {
  state: SimState;
  users: Record<'root' | 'alice' | 'bob' | 'dave' | 'mallory', SimUser>;
  groups: Record<'acme' | 'acme/platform' | 'acme/sandbox', SimGroup>;
  projects: Record<'acme/web' | 'acme/api' | 'acme/platform/infra' | 'acme/platform/deploy' | 'acme/sandbox/scratch' | 'acme/docs-site', SimProject>;
  now: Date;
}

export function buildHardened(opts: ScenarioOptions = {}): AcmeWorld {
  const now = opts.now ?? new Date();
  const created = hoursBefore(now, 24 * 400).toISOString();
  const state = emptyState(opts);
  const users = addUsers(state, opts);
  const acme = addGroup(state, 'acme', null, created, [
    { user_id: users.alice.id, access_level: 50 },
    { user_id: users.mallory.id, access_level: 50 },
    { user_id: users.bob.id, access_level: 40 },
    { user_id: users.dave.id, access_level: 30 },
  ]);
  const platform = addGroup(state, 'platform', acme, created);
  const sandbox = addGroup(state, 'sandbox', acme, created);

  const web = addProject(state, acme, 'web', created);
  const api = addProject(state, acme, 'api', created);
  const infra = addProject(state, platform, 'infra', created);
  const deploy = addProject(state, platform, 'deploy', created);
  const scratch = addProject(state, sandbox, 'scratch', created);
  const docs = addProject(state, acme, 'docs-site', created);

  // Recent work everywhere (projects.inactive) and users seen recently (instance.stale-admins).
  const recent = hoursBefore(now, 24 * 2).toISOString();
  for (const p of [web, api, infra, deploy, scratch, docs]) p.last_activity_at = recent;
  for (const u of state.users) {
    u.last_sign_in_at = recent;
    u.last_activity_on = recent.slice(0, 10);
  }

  api.protected_branches.push(protectedBranch(state, 'release/*'));
  api.branches.push('release/1.0');
  addHook(state, web, 'https://hooks.acme.example/web', true, created);
  addHook(state, api, 'https://hooks.acme.example/api', true, created);
  addHook(state, docs, 'https://hooks.acme.example/docs', true, created);
  web.variables.push(variable('NPM_TOKEN', 'npm_Xf83kQ0pLz91Aa', true, true), variable('NODE_ENV', 'production', false, false));
  api.variables.push(variable('DATABASE_PASSWORD', 'Pg-9f2k1LmQ7zX4', true, true));
  infra.variables.push(variable('TF_API_KEY', 'tfk_71Hsd9Qe02LmZ', true, true));
  deploy.variables.push(variable('DEPLOY_PRIVATE_KEY', 'c2VjcmV0LWtleS1tYXRlcmlhbA', true, true), variable('REGION', 'eu-west-1', false, false));

  // Ordinary history: the hardening itself, weeks ago, by alice from the office network.
  pastEvent(state, users.alice, '198.51.100.20', hoursBefore(now, 24 * 30), {
    entity_type: 'Group', entity_id: acme.id, entity_path: acme.full_path, event_name: 'group_two_factor_grace_period_updated',
    change: 'two_factor_grace_period', from: 48, to: 8,
  });
  pastEvent(state, users.bob, '198.51.100.21', hoursBefore(now, 24 * 20), {
    entity_type: 'Project', entity_id: api.id, entity_path: api.path_with_namespace, event_name: 'protected_branch_created',
    target_id: api.protected_branches[1].id, target_type: 'ProtectedBranch', target_details: 'release/*', custom_message: 'Added protected branch with [allowed to push: [Maintainers]] and [allowed to merge: [Maintainers]]',
  });

  return {
    state,
    users,
    groups: { acme, 'acme/platform': platform, 'acme/sandbox': sandbox },
    projects: { 'acme/web': web, 'acme/api': api, 'acme/platform/infra': infra, 'acme/platform/deploy': deploy, 'acme/sandbox/scratch': scratch, 'acme/docs-site': docs },
    now,
  };
}
