// InstanceSettings and DeployKey through the real Pulumi engine (scripts/pulumi-cli.sh builds the CLI), with an
// administrator token on the simulator's hardened scenario: `pulumi up` restores weakened instance settings and turns a
// deploy key's write access off; the stored providers read them back (the drift gate passes, a null PAT lifetime is
// drift); the token stays out of the state and every output. Without a built CLI the suite reports itself skipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSim, type RunningSim } from '../../sim';
import { ACME_HARDENED } from '../helpers/cli';
import { cliStatus, explain, Workspace, type Run } from './pulumi';

const cli = cliStatus();
const STEP = 15 * 60_000;

describe.skipIf(!cli.ok)(`pulumi CLI: InstanceSettings and DeployKey${cli.ok ? '' : ` - SKIPPED: ${cli.reason}`}`, () => {
  let sim: RunningSim;
  let ws: Workspace;
  let token: string;
  const settings = () => sim.state.application_settings as Record<string, unknown>;
  const key = () => sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!.deploy_keys.find((k) => k.id === 9001)!;
  const writes = () => Object.entries(sim.counts()).filter(([route]) => !route.startsWith('GET ')).reduce((n, [, c]) => n + c, 0);

  const pulumi = async (args: string[], expectCode: number | null = 0): Promise<Run> => {
    const run = await ws.pulumi(args);
    if (expectCode !== null) expect(run.code, explain(run)).toBe(expectCode);
    return run;
  };

  beforeAll(async () => {
    if (!cli.ok) return;
    sim = await startSim({ scenario: 'hardened' });
    token = sim.tokens.admin;
    sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!.deploy_keys.push({ id: 9001, title: 'ci-deploy', can_push: true });
    Object.assign(settings(), { admin_mode: false, signup_enabled: true, require_admin_approval_after_user_signup: false, require_two_factor_authentication: false });
    ws = new Workspace(cli.bin, 'admin');
    const baselineFile = join(ws.root, 'baseline.yaml');
    writeFileSync(baselineFile, `gitlab: { url: "${sim.url}" }\n${ACME_HARDENED}`);
    await pulumi(['login', `file://${ws.backend}`]);
    await pulumi(['stack', 'init', ws.stack, '--secrets-provider', 'passphrase']);
    await pulumi(['config', 'set', 'gitlab:url', sim.url]);
    await pulumi(['config', 'set', 'gitlab-posture:baseline', baselineFile]);
    const set = await ws.pulumi(['config', 'set', '--secret', 'gitlab:token'], token);
    expect(set.code, explain(set)).toBe(0);
  }, STEP);

  afterAll(async () => {
    await sim?.close();
    ws?.close();
  });

  it('pulumi up restores the instance settings and makes the deploy key read-only', async () => {
    await pulumi(['up', '--yes', '--skip-preview']);
    expect(settings()).toMatchObject({ admin_mode: true, signup_enabled: false, require_two_factor_authentication: true, two_factor_grace_period: 8 });
    expect(key().can_push).toBe(false);
    const types = ws.state().checkpoint.latest.resources.map((r) => `${r.type.split(':').pop()} ${r.urn.split('::').pop()}`);
    expect(types).toContain('InstanceSettings instance');
    expect(types).toContain('DeployKey acme/web:deploy_key:9001');
  }, STEP);

  it('the stored providers read back: no drift, no write; a "no maximum" PAT lifetime (null) is drift', async () => {
    sim.resetCounts();
    await pulumi(['preview', '--refresh', '--expect-no-changes']);
    expect(writes()).toBe(0);
    settings().max_personal_access_token_lifetime = null;
    key().can_push = true;
    const gate = await pulumi(['preview', '--refresh', '--expect-no-changes'], null);
    expect(gate.code, explain(gate)).toBe(7);
    expect(gate.stdout).toMatch(/~ +pulumi-nodejs:dynamic\/gitlab:InstanceSettings instance +update/);
    expect(gate.stdout).toMatch(/~ +pulumi-nodejs:dynamic\/gitlab:DeployKey acme\/web:deploy_key:9001 +update/);
    expect(writes()).toBe(0);
    await pulumi(['up', '--yes', '--refresh', '--skip-preview']);
    expect(settings().max_personal_access_token_lifetime).toBe(90);
    expect(key().can_push).toBe(false);
  }, STEP);

  it('keeps the administrator token out of the backend and every CLI output', () => {
    for (const run of ws.runs) expect(run.stdout + run.stderr, run.command).not.toContain(token);
    for (const [file, text] of Object.entries(ws.backendFiles())) expect(text, file).not.toContain(token);
  });
});
