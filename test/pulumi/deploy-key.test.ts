// DeployKey: a deploy key's write access to one project, turned off in place with PUT /projects/:id/deploy_keys/:key_id
// can_push=false (lib/api/deploy_keys.rb, Maintainer). The key is never deleted or created. Provider methods called
// as the Pulumi engine would, against the simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simWithProvider, type RunningSim } from '../helpers/pulumi-provider';
import type { ResourceType } from '../../model/resources';
import type * as pulumi from '@pulumi/pulumi';

let sim: RunningSim;
let token: string;
let of: (t: ResourceType) => pulumi.dynamic.ResourceProvider;
const leaks: string[] = [];

beforeAll(async () => {
  ({ sim, token, of } = await simWithProvider({ scenario: 'incident' }));
  const web = sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!;
  web.deploy_keys.push({ id: 9001, title: 'ci-deploy', can_push: true }, { id: 9002, title: 'mirror', can_push: false });
});
afterAll(async () => {
  expect(leaks.join('\n')).not.toContain(token);
  await sim.close();
});

const keys = () => sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!.deploy_keys;
const writes = () => Object.entries(sim.counts()).filter(([k]) => !k.startsWith('GET ')).map(([k, n]) => `${k} x${n}`);
const INPUTS = { project: 'acme/web', key_id: 9001, can_push: false, version: '2' };

describe('DeployKey', () => {
  let id: string;
  let outs: Record<string, unknown>;

  it('create turns write access off in place and keeps the key', async () => {
    sim.resetCounts();
    const res = await of('DeployKey').create(INPUTS);
    leaks.push(JSON.stringify(res));
    ({ id, outs } = res);
    expect(writes()).toEqual(['PUT /projects/:id/deploy_keys/:key_id x1']);
    expect(keys()).toEqual([{ id: 9001, title: 'ci-deploy', can_push: false }, { id: 9002, title: 'mirror', can_push: false }]);
    expect(id).toMatch(/^project:\d+:deploy_key:9001$/);
    expect(outs).toMatchObject({ project: 'acme/web', key_id: 9001, exists: true, title: 'ci-deploy', can_push: false });
    expect(await of('DeployKey').diff!(id, outs, INPUTS)).toEqual({ changes: false });
  });

  it('write access turned back on is drift; update turns it off again', async () => {
    keys()[0]!.can_push = true;
    const { props } = await of('DeployKey').read!(id, outs);
    expect(props).toMatchObject({ can_push: true });
    expect(await of('DeployKey').diff!(id, props!, INPUTS)).toEqual({ changes: true, fields: ['can_push'] });
    const { outs: after } = await of('DeployKey').update!(id, props!, INPUTS);
    expect(keys()[0]!.can_push).toBe(false);
    expect(after).toMatchObject({ can_push: false });
    outs = after!;
  });

  it('a key removed from the project reads as gone (it can no longer push); create for it is an error', async () => {
    const saved = keys().splice(0, 1);
    try {
      expect(await of('DeployKey').read!(id, outs)).toEqual({ id: '', props: {} });
      await expect(of('DeployKey').create(INPUTS)).rejects.toThrow(
        'DeployKey acme/web deploy key 9001: no deploy key 9001 is enabled on project acme/web. DeployKey only turns an existing key\'s write access off; it never adds keys.',
      );
    } finally {
      keys().unshift(...saved);
    }
  });

  it('delete writes nothing: the key keeps its current access', async () => {
    sim.resetCounts();
    await of('DeployKey').delete!(id, outs);
    expect(sim.totalRequests()).toBe(0);
    expect(keys()).toHaveLength(2);
  });

  it('check accepts only can_push false and a numeric key id', async () => {
    const res = await of('DeployKey').check!({}, { project: 'acme/web', key_id: 'abc', can_push: true });
    expect(res.failures).toEqual([
      { property: 'key_id', reason: 'key_id must be an integer from 1 to 9007199254740991' },
      { property: 'can_push', reason: 'can_push must be false (leave it out to not manage it)' },
    ]);
  });
});
