// InstanceSettings: the application settings the instance.* rules own (GET/PUT /application/settings, lib/api/settings.rb,
// lib/api/entities/application_setting.rb), called as the Pulumi engine would, against the simulator. Administrator
// token only: with any other token it cannot read, and that is an error, never "no drift"; nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simWithProvider, type RunningSim } from '../helpers/pulumi-provider';
import { providerFor } from '../../provider/serializable';
import type { ResourceType } from '../../model/resources';
import type * as pulumi from '@pulumi/pulumi';

let sim: RunningSim;
let token: string;
let of: (t: ResourceType) => pulumi.dynamic.ResourceProvider;
const leaks: string[] = [];

beforeAll(async () => {
  ({ sim, token, of } = await simWithProvider({ scenario: 'incident' }, 'admin'));
});
afterAll(async () => {
  expect(leaks.join('\n')).not.toContain(token);
  await sim.close();
});

const settings = () => sim.state.application_settings as Record<string, unknown>;
const writes = () => Object.entries(sim.counts()).filter(([k]) => !k.startsWith('GET ')).map(([k, n]) => `${k} x${n}`);
function keep<T>(v: T): T {
  leaks.push(JSON.stringify(v));
  return v;
}

/** What the program declares from the hardened profile (provider/program.ts instanceInputs). */
const INPUTS = {
  require_two_factor_authentication: true,
  two_factor_grace_period: 8,
  max_number_of_repository_downloads: 100,
  max_number_of_repository_downloads_within_time_period: 3600,
  auto_ban_user_on_excessive_projects_download: true,
  signup_enabled: false,
  email_confirmation_setting: 'soft',
  password_authentication_enabled_for_git: false,
  throttle_authenticated_api_enabled: true,
  throttle_authenticated_web_enabled: true,
  throttle_unauthenticated_api_enabled: true,
  throttle_unauthenticated_web_enabled: true,
  default_branch_protection_defaults: { allowed_to_push: [{ access_level: 40 }], allowed_to_merge: [{ access_level: 40 }], allow_force_push: false, developer_can_initial_push: false },
  restricted_visibility_levels: ['public'],
  default_project_visibility: 'internal',
  default_group_visibility: 'internal',
  allow_local_requests_from_web_hooks_and_services: false,
  allow_local_requests_from_system_hooks: false,
  max_personal_access_token_lifetime: 90,
  admin_mode: true,
  allow_runner_registration_token: false,
  version: '2',
};

describe('InstanceSettings with an administrator token', () => {
  let id: string;
  let outs: Record<string, unknown>;

  it('create writes back every weakened setting in one PUT, with the grace period GitLab requires alongside 2FA', async () => {
    Object.assign(settings(), {
      require_two_factor_authentication: false,
      signup_enabled: true,
      require_admin_approval_after_user_signup: false,
      email_confirmation_setting: 'off',
      password_authentication_enabled_for_git: true,
      throttle_unauthenticated_enabled: false,
      restricted_visibility_levels: ['internal'],
      default_project_visibility: 'public',
      allow_local_requests_from_system_hooks: true,
      max_personal_access_token_lifetime: null,
      admin_mode: false,
      allow_runner_registration_token: true,
      default_branch_protection_defaults: { allowed_to_push: [{ access_level: 30 }], allowed_to_merge: [{ access_level: 40 }], allow_force_push: true },
    });
    sim.resetCounts();
    const events = sim.state.audit_events.length;
    const res = keep(await of('InstanceSettings').create(INPUTS));
    ({ id, outs } = res);
    expect(id).toBe('instance:application_settings');
    // The sim answers 400 "two_factor_grace_period is missing" to 2FA alone, as Grape does: one PUT, accepted.
    expect(writes()).toEqual(['PUT /application/settings x1']);
    expect(settings()).toMatchObject({
      require_two_factor_authentication: true,
      two_factor_grace_period: 8,
      signup_enabled: false,
      email_confirmation_setting: 'soft',
      password_authentication_enabled_for_git: false,
      throttle_unauthenticated_enabled: true,
      restricted_visibility_levels: ['internal', 'public'],
      default_project_visibility: 'private',
      allow_local_requests_from_system_hooks: false,
      max_personal_access_token_lifetime: 90,
      admin_mode: true,
      allow_runner_registration_token: false,
      default_branch_protection_defaults: { allowed_to_push: [{ access_level: 40 }], allowed_to_merge: [{ access_level: 40 }], allow_force_push: false, developer_can_initial_push: false },
    });
    const changed = sim.state.audit_events.slice(events).map((e) => e.details.change).sort();
    expect(changed).toEqual([
      'admin_mode', 'allow_local_requests_from_system_hooks', 'allow_runner_registration_token', 'default_branch_protection_defaults',
      'default_project_visibility', 'email_confirmation_setting', 'max_personal_access_token_lifetime', 'password_authentication_enabled_for_git',
      'require_two_factor_authentication', 'restricted_visibility_levels', 'signup_enabled', 'throttle_unauthenticated_enabled',
    ]);
    expect(outs).toMatchObject({ signup_enabled: false, throttle_unauthenticated_web_enabled: true, max_personal_access_token_lifetime: 90, admin_mode: true });
    expect(await of('InstanceSettings').diff!(id, outs, INPUTS)).toEqual({ changes: false });
  });

  it('a stricter live value is not drift, and a restricted sign-up passes without turning sign-up off', async () => {
    Object.assign(settings(), { two_factor_grace_period: 2, max_personal_access_token_lifetime: 30, email_confirmation_setting: 'hard', signup_enabled: true, require_admin_approval_after_user_signup: true });
    const { props } = keep(await of('InstanceSettings').read!(id, outs));
    expect(props).toMatchObject({ two_factor_grace_period: 2, signup_enabled: true, require_admin_approval_after_user_signup: true });
    expect(await of('InstanceSettings').diff!(id, props!, INPUTS)).toEqual({ changes: false });
    outs = props!;
  });

  it('read reports drift field by field and update writes only the drifted fields', async () => {
    Object.assign(settings(), { require_two_factor_authentication: false, two_factor_grace_period: 2, admin_mode: false });
    const { props } = keep(await of('InstanceSettings').read!(id, outs));
    expect(await of('InstanceSettings').diff!(id, props!, INPUTS)).toEqual({ changes: true, fields: ['require_two_factor_authentication', 'admin_mode'] });
    sim.resetCounts();
    const events = sim.state.audit_events.length;
    const { outs: after } = keep(await of('InstanceSettings').update!(id, props!, INPUTS));
    expect(writes()).toEqual(['PUT /application/settings x1']);
    // The live 2 h grace period went along with 2FA (required by GitLab), never the declared 8 h.
    expect(settings()).toMatchObject({ require_two_factor_authentication: true, two_factor_grace_period: 2, admin_mode: true });
    expect(sim.state.audit_events.slice(events).map((e) => e.details.change).sort()).toEqual(['admin_mode', 'require_two_factor_authentication']);
    outs = after!;
  });

  it('"no maximum" PAT lifetime (null) stays drift even if the state drops null outputs', async () => {
    settings().max_personal_access_token_lifetime = null;
    const { props } = keep(await of('InstanceSettings').read!(id, outs));
    const { max_personal_access_token_lifetime: _dropped, ...withoutNull } = props!;
    expect(await of('InstanceSettings').diff!(id, withoutNull, INPUTS)).toEqual({ changes: true, fields: ['max_personal_access_token_lifetime'] });
    settings().max_personal_access_token_lifetime = 90;
  });

  it('delete writes nothing', async () => {
    sim.resetCounts();
    await of('InstanceSettings').delete!(id, outs);
    expect(sim.totalRequests()).toBe(0);
  });

  it('check refuses values its rule cannot judge, and half-declared groups of settings', async () => {
    sim.resetCounts();
    const res = keep(
      await of('InstanceSettings').check!({}, {
        signup_enabled: true,
        email_confirmation_setting: 'off',
        restricted_visibility_levels: ['internal'],
        default_project_visibility: 'private',
        throttle_authenticated_api_enabled: true,
        max_personal_access_token_lifetime: 500,
        token: 'glpat-x',
      }),
    );
    expect(res.failures!.map((f) => f.property).sort()).toEqual([
      'default_project_visibility', 'default_project_visibility', 'email_confirmation_setting', 'max_personal_access_token_lifetime',
      'restricted_visibility_levels', 'signup_enabled', 'throttle_authenticated_api_enabled', 'token',
    ]);
    expect(sim.totalRequests()).toBe(0);
  });
});

describe('InstanceSettings without an administrator token', () => {
  const owner = providerFor('InstanceSettings');
  beforeAll(async () => {
    const cfg: Record<string, string> = { 'gitlab:url': sim.url, 'gitlab:token': sim.tokens.owner };
    await owner.configure!({ config: { get: (k: string) => cfg[k], require: (k: string) => cfg[k]! } } as never);
  });
  afterAll(async () => {
    const cfg: Record<string, string> = { 'gitlab:url': sim.url, 'gitlab:token': token };
    await owner.configure!({ config: { get: (k: string) => cfg[k], require: (k: string) => cfg[k]! } } as never);
  });

  const MESSAGE = /^InstanceSettings: cannot read the instance settings \(GET \/application\/settings -> 403\): they need an administrator's token .*Nothing was judged or written/;

  it('read (refresh, preview --refresh) is an error, never "no drift"', async () => {
    const err = await owner.read!('instance:application_settings', { admin_mode: true }).then(() => null, (e: Error) => e);
    leaks.push(String(err));
    expect(err?.message).toMatch(MESSAGE);
  });

  it('create and update refuse before writing anything', async () => {
    settings().admin_mode = false;
    sim.resetCounts();
    await expect(owner.create(INPUTS)).rejects.toThrow(MESSAGE);
    await expect(owner.update!('instance:application_settings', { admin_mode: false }, INPUTS)).rejects.toThrow(MESSAGE);
    expect(writes()).toEqual([]);
    expect(settings().admin_mode).toBe(false);
    expect(String(sim.tokens.owner)).not.toBe(token);
  });
});
