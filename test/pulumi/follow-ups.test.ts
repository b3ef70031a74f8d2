// Provider behaviour behind two program decisions (docs/pulumi.md): the apply order of group and project visibility,
// and a declared hook that was deleted in GitLab. The provider methods are called as the Pulumi engine would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simWithProvider, type RunningSim } from '../helpers/pulumi-provider';
import type { ResourceType } from '../../model/resources';
import type * as pulumi from '@pulumi/pulumi';

describe('apply order: a group is made private only after the projects in it', () => {
  let sim: RunningSim;
  let of: (t: ResourceType) => pulumi.dynamic.ResourceProvider;
  const GROUP = { group: 'acme', require_two_factor_authentication: true, visibility: 'private', version: '1' };
  const WEB = { project: 'acme/web', visibility: 'private', version: '1' };

  beforeAll(async () => {
    // GitLab allows a public project only in a public group, so the incident opened acme before acme/web.
    ({ sim, of } = await simWithProvider({ scenario: 'incident' }));
  });
  afterAll(async () => sim.close());

  const group = () => sim.state.groups.find((g) => g.full_path === 'acme')!;
  const web = () => sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!;

  /** What `pulumi up --refresh` does for a resource already in the state: read, diff, update. */
  async function refreshAndUpdate(type: ResourceType, id: string, inputs: Record<string, unknown>) {
    const { props } = await of(type).read!(id, inputs);
    const d = await of(type).diff!(id, props!, inputs);
    expect(d.changes).toBe(true);
    return of(type).update!(id, props!, inputs);
  }

  it('group first (the order the program no longer allows): GitLab refuses, and nothing changes', async () => {
    expect([group().visibility, web().visibility]).toEqual(['public', 'public']);
    const err = await refreshAndUpdate('GroupSecurity', `group:${group().id}`, GROUP).then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(
      /^GroupSecurity acme: PUT \/groups\/\d+ -> 400: .*private is not allowed since there are sub-groups or projects with higher visibility/,
    );
    // One PUT carries every group setting, so the refusal also held back the 2FA fix.
    expect([group().visibility, group().require_two_factor_authentication, web().visibility]).toEqual(['public', false, 'public']);
  });

  it('in the declared order (project, then the group that dependsOn it) both updates succeed', async () => {
    const project = await refreshAndUpdate('ProjectSecurity', `project:${web().id}`, WEB);
    expect(project.outs).toMatchObject({ project: 'acme/web', visibility: 'private' });
    const grp = await refreshAndUpdate('GroupSecurity', `group:${group().id}`, GROUP);
    expect(grp.outs).toMatchObject({ group: 'acme', visibility: 'private', require_two_factor_authentication: true });
    expect([group().visibility, group().require_two_factor_authentication, web().visibility]).toEqual(['private', true, 'private']);
  });
});

describe('a declared hook deleted in GitLab', () => {
  let sim: RunningSim;
  let token: string;
  let of: (t: ResourceType) => pulumi.dynamic.ResourceProvider;
  const URL = 'https://hooks.acme.example/web';
  const INPUTS = { project: 'acme/web', url: URL, enable_ssl_verification: true, version: '1' };
  let id: string;
  let outs: Record<string, unknown>;

  beforeAll(async () => {
    ({ sim, token, of } = await simWithProvider({ scenario: 'hardened' }));
    ({ id, outs } = await of('Webhook').create(INPUTS));
    // The receiver checks X-Gitlab-Token; the attacker then deletes the hook.
    const hooks = sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!.hooks;
    hooks.find((h) => h.url === URL)!.token = 'receiver-secret';
    hooks.splice(hooks.findIndex((h) => h.url === URL), 1);
  });
  afterAll(async () => sim.close());

  const hooks = () => sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!.hooks;
  const missing = /^Webhook acme\/web: no hook with the declared URL in project acme\/web \(deleted in GitLab\?\)\. GitLab never returns a hook's secret token, .*set `recreateWithoutToken: true` on this Webhook resource/;

  it('was adopted with its id while it existed', () => {
    expect(outs).toMatchObject({ project: 'acme/web', exists: true, enable_ssl_verification: true });
    expect(id).toBe(`project:${sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!.id}:hook:${outs.hook_id as number}`);
  });

  it('read reports it gone: an empty id, so refresh drops it and the next up shows a create', async () => {
    expect(await of('Webhook').read!(id, outs)).toEqual({ id: '', props: {} });
  });

  it('read of a hook whose owner cannot be read is still an error, not "gone"', async () => {
    await expect(of('Webhook').read!(id, { ...outs, project: 'acme/nope' })).rejects.toThrow(/404/);
  });

  it('create (after a refresh) and update (stale state) refuse to recreate it without its token', async () => {
    sim.resetCounts();
    const created = await of('Webhook').create(INPUTS).then(() => null, (e: Error) => e);
    expect(created?.message).toMatch(missing);
    const updated = await of('Webhook').update!(id, outs, INPUTS).then(() => null, (e: Error) => e);
    expect(updated?.message).toMatch(missing);
    // The URL may embed a secret, the token never appears; and nothing was written.
    for (const e of [created, updated]) expect(String(e)).not.toContain(URL);
    for (const e of [created, updated]) expect(String(e)).not.toContain(token);
    expect(sim.counts()['POST /projects/:id/hooks'] ?? 0).toBe(0);
    expect(hooks().some((h) => h.url === URL)).toBe(false);
  });

  it('recreateWithoutToken: true creates it, without a token, and says so in no output', async () => {
    const res = await of('Webhook').create({ ...INPUTS, recreateWithoutToken: true });
    const hook = hooks().find((h) => h.url === URL)!;
    expect([hook.enable_ssl_verification, hook.token]).toEqual([true, undefined]);
    expect(res.outs).toMatchObject({ exists: true, hook_id: hook.id, enable_ssl_verification: true });
    expect(res.outs).not.toHaveProperty('recreateWithoutToken');
    expect(await of('Webhook').diff!(res.id, res.outs, { ...INPUTS, recreateWithoutToken: true })).toMatchObject({ changes: false });
  });

  it('a recreated hook (with its token, by hand) is adopted by URL again', async () => {
    const before = hooks().length;
    const res = await of('Webhook').create(INPUTS);
    expect(hooks().length).toBe(before);
    expect(res.outs).toMatchObject({ exists: true, hook_id: hooks().find((h) => h.url === URL)!.id });
  });

  it('check refuses a non-boolean recreateWithoutToken', async () => {
    const res = await of('Webhook').check!({}, { ...INPUTS, recreateWithoutToken: 'yes' });
    expect(res.failures).toEqual([{ property: 'recreateWithoutToken', reason: 'recreateWithoutToken must be true or false' }]);
  });
});
