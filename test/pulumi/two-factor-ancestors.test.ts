// GroupSecurity judges 2FA as `check` does: GitLab enforces 2FA on a member when the group or any ancestor requires it,
// with the shortest grace period among them (User#expanded_groups_requiring_two_factor_authentication,
// User#update_two_factor_requirement). So a subgroup under an enforcing ancestor is no drift, and the provider never
// PUTs 2FA on it (Group#two_factor_authentication_allowed can refuse it there). Provider methods called directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simWithProvider, type RunningSim } from '../helpers/pulumi-provider';
import type { ResourceType } from '../../model/resources';
import type * as pulumi from '@pulumi/pulumi';

let sim: RunningSim;
let of: (t: ResourceType) => pulumi.dynamic.ResourceProvider;
beforeAll(async () => {
  ({ sim, of } = await simWithProvider({ scenario: 'incident' }));
});
afterAll(async () => sim.close());

const group = (path: string) => sim.state.groups.find((g) => g.full_path === path)!;
const INPUTS = { group: 'acme/sandbox', require_two_factor_authentication: true, two_factor_grace_period: 8, version: '1' };
const writes = () => Object.entries(sim.counts()).filter(([k]) => !k.startsWith('GET ')).map(([k]) => k);

describe('GroupSecurity on a subgroup: 2FA is the group\'s or an ancestor\'s', () => {
  let id: string;
  let outs: Record<string, unknown>;

  it('create under an enforcing top-level group writes nothing and stores the ancestors it judged with', async () => {
    group('acme').require_two_factor_authentication = true;
    group('acme').two_factor_grace_period = 8;
    group('acme/sandbox').require_two_factor_authentication = false;
    sim.resetCounts();
    const res = await of('GroupSecurity').create(INPUTS);
    ({ id, outs } = res);
    expect(writes()).toEqual([]);
    expect(group('acme/sandbox').require_two_factor_authentication).toBe(false);
    expect(outs).toMatchObject({
      require_two_factor_authentication: false,
      ancestors: [{ id: group('acme').id, full_path: 'acme', parent_id: null, require_two_factor_authentication: true, two_factor_grace_period: 8 }],
    });
    expect(await of('GroupSecurity').diff!(id, outs, INPUTS)).toEqual({ changes: false });
  });

  it("an ancestor's long grace period is that ancestor's drift, not the subgroup's: no change, no PUT", async () => {
    group('acme').two_factor_grace_period = 72;
    sim.resetCounts();
    const { props } = await of('GroupSecurity').read!(id, outs);
    expect(props).toMatchObject({ ancestors: [{ full_path: 'acme', two_factor_grace_period: 72 }] });
    expect(await of('GroupSecurity').diff!(id, props!, INPUTS)).toEqual({ changes: false });
    // `pulumi up` after a version bump runs update: still nothing written on the subgroup.
    await of('GroupSecurity').update!(id, props!, { ...INPUTS, version: '2' });
    expect(writes()).toEqual([]);
    // The top-level group's own resource reports it.
    const top = await of('GroupSecurity').create({ group: 'acme', two_factor_grace_period: 8, version: '1' });
    expect(group('acme').two_factor_grace_period).toBe(8);
    expect(top.outs).toMatchObject({ two_factor_grace_period: 8, ancestors: [] });
  });

  it('when no ancestor enforces 2FA any more, the subgroup drifts and update PUTs it on the subgroup', async () => {
    group('acme').require_two_factor_authentication = false;
    const { props } = await of('GroupSecurity').read!(id, outs);
    expect(await of('GroupSecurity').diff!(id, props!, INPUTS)).toMatchObject({ changes: true, fields: ['require_two_factor_authentication'] });
    sim.resetCounts();
    const { outs: after } = await of('GroupSecurity').update!(id, props!, INPUTS);
    expect(writes()).toEqual(['PUT /groups/:id']);
    expect(group('acme/sandbox').require_two_factor_authentication).toBe(true);
    expect(after).toMatchObject({ require_two_factor_authentication: true });
  });
});
