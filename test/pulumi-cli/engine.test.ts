// The Pulumi program through the real Pulumi engine (scripts/pulumi-cli.sh builds the CLI): `pulumi up` on the
// incident scenario, the drift gate, refresh of a deleted hook, the CrossGuard pack, and the token kept out of
// the state and of every CLI output. The other test/pulumi suites use runtime.setMocks and direct provider calls;
// this one is what docs/pulumi.md ("Verified with the Pulumi engine") describes.
// Without a built CLI the suite reports itself skipped, with the reason in its name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSim, type RunningSim } from '../../sim';
import { ACME_HARDENED, runCli } from '../helpers/cli';
import type { CheckResult } from '../../model/result';
import { cliStatus, explain, Workspace, type Run } from './pulumi';

const cli = cliStatus();
const STEP = 15 * 60_000;

/** Targets the incident scenario leaves compliant (sim/scenarios/incident.ts touches none of them). */
const COMPLIANT_PROJECTS = ['acme/docs-site', 'acme/sandbox/scratch'];
/** The incident's exfiltration hook on acme/api (sim/scenarios/incident.ts, EXFIL_HOOK_URL): its findings. */
const LEFT_TO_REVERT = [
  'webhooks.allowed-hosts acme/api url',
  'webhooks.ssl-verification acme/api enable_ssl_verification',
  'webhooks.ssl-verification acme/api url',
];

describe.skipIf(!cli.ok)(`pulumi CLI against the simulator${cli.ok ? '' : ` - SKIPPED: ${cli.reason}`}`, () => {
  let sim: RunningSim;
  let ws: Workspace;
  let token: string;
  let baselineFile: string;

  /** Runs pulumi and asserts its exit code (0 unless given; null: any, the caller asserts). */
  const pulumi = async (args: string[], expectCode: number | null = 0): Promise<Run> => {
    const run = await ws.pulumi(args);
    if (expectCode !== null) expect(run.code, explain(run)).toBe(expectCode);
    return run;
  };
  const check = async () => {
    const run = await runCli(['check', '--baseline', baselineFile, '--format', 'json'], { GITLAB_TOKEN: token });
    return { code: run.code, result: JSON.parse(run.stdout) as CheckResult };
  };
  const projectState = (path: string) => JSON.stringify(sim.state.projects.find((p) => p.path_with_namespace === path));
  const writes = () => Object.entries(sim.counts()).filter(([route]) => !route.startsWith('GET ')).reduce((n, [, c]) => n + c, 0);

  beforeAll(async () => {
    if (!cli.ok) return;
    sim = await startSim({ scenario: 'incident' });
    token = sim.tokens.owner;
    ws = new Workspace(cli.bin);
    baselineFile = join(ws.root, 'baseline.yaml');
    writeFileSync(baselineFile, `gitlab: { url: "${sim.url}" }\n${ACME_HARDENED}`);
    await pulumi(['login', `file://${ws.backend}`]);
    await pulumi(['stack', 'init', ws.stack, '--secrets-provider', 'passphrase']);
    await pulumi(['config', 'set', 'gitlab:url', sim.url]);
    await pulumi(['config', 'set', 'gitlab-posture:baseline', baselineFile]);
    // From stdin, as a user pipes it: the token is never a command-line argument.
    const set = await ws.pulumi(['config', 'set', '--secret', 'gitlab:token'], token);
    expect(set.code, explain(set)).toBe(0);
  }, STEP);

  afterAll(async () => {
    await sim?.close();
    ws?.close();
  });

  it('stores the token as a passphrase-encrypted secret in the stack config', () => {
    const config = readFileSync(join(ws.project, `Pulumi.${ws.stack}.yaml`), 'utf8');
    expect(config).toMatch(/gitlab:token:\n\s+secure: v1:/);
    expect(config).not.toContain(token);
  });

  it('pulumi up on the incident scenario fixes every finding and writes nothing to compliant targets', async () => {
    const before = await check();
    expect(before.code).toBe(1);
    expect(before.result.summary.findings).toBeGreaterThan(0);
    const compliantBefore = COMPLIANT_PROJECTS.map(projectState);
    const eventsBefore = sim.state.audit_events.length;

    const up = await pulumi(['up', '--yes', '--skip-preview']);
    // Adopt on create: every declared resource is created in the state; only the weakened settings are written.
    const created = Number(/Resources:\n\s+\+ (\d+) created/.exec(up.stdout)?.[1]);
    const declared = ws.state().checkpoint.latest.resources.filter((r) => r.type.startsWith('pulumi-nodejs:dynamic/gitlab:'));
    expect(created).toBe(declared.length + 1); // + the stack

    // What Pulumi leaves alone (docs/pulumi.md, "What `pulumi up` leaves to `revert --allow-destructive`"): the
    // attacker's hook on a host outside webhooks.allowed_hosts is not declared, so never changed or deleted.
    const after = await check();
    expect(after.result.findings.map((f) => `${f.rule} ${f.target.path} ${f.setting}`).sort()).toEqual(LEFT_TO_REVERT);
    expect(after.code).toBe(1);
    const revert = await runCli(['revert', '--baseline', baselineFile, '--yes', '--allow-destructive', '--journal', join(ws.root, 'journal')], { GITLAB_TOKEN: token });
    expect(revert.code, revert.all).toBe(0);
    expect((await check()).code).toBe(0);
    // Compliant projects are byte-for-byte what they were; every audit event `up` caused is on a target the
    // incident had weakened.
    expect(COMPLIANT_PROJECTS.map(projectState)).toEqual(compliantBefore);
    const weakened = new Set(before.result.findings.map((f) => f.target.path));
    const touched = new Set(sim.state.audit_events.slice(eventsBefore).map((e) => e.details.entity_path));
    expect([...touched].filter((p) => !weakened.has(p!))).toEqual([]);
    expect(touched.size).toBeGreaterThan(0);
  }, STEP);

  it('reads the stored provider back: preview --refresh --expect-no-changes passes and writes nothing', async () => {
    sim.resetCounts();
    await pulumi(['preview', '--refresh', '--expect-no-changes', '--diff']);
    expect(writes()).toBe(0);
  }, STEP);

  it('fails the drift gate after an incident-style change, naming the resource and the field', async () => {
    const web = sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!;
    const res = await fetch(`${sim.apiUrl}/projects/${web.id}/protected_branches/main`, {
      method: 'PATCH',
      headers: { 'PRIVATE-TOKEN': token, 'content-type': 'application/json' },
      body: JSON.stringify({ allow_force_push: true }),
    });
    expect(res.status).toBe(200);
    sim.resetCounts();
    // The CI gate as docs/pulumi.md writes it: fails, names the resource (not the field).
    const plain = await pulumi(['preview', '--refresh', '--expect-no-changes'], null);
    expect(plain.code, explain(plain)).toBe(7);
    expect(plain.stdout).toMatch(/~ +pulumi-nodejs:dynamic\/gitlab:ProtectedBranch acme\/web:branch:main +update/);
    expect(plain.stderr).toContain('error: no changes were expected for preview but changes were proposed');
    // With --diff the refresh step also names the field and the live value.
    const gate = await pulumi(['preview', '--refresh', '--expect-no-changes', '--diff'], null);
    expect(gate.code, explain(gate)).toBe(7);
    const out = gate.stdout + gate.stderr;
    // The refresh step shows the live change (the update step cannot: the dynamic provider protocol forwards no
    // per-field diff, see docs/pulumi.md).
    expect(out).toMatch(/ProtectedBranch::acme\/web:branch:main\]\n\s+--outputs:--\n\s+~ allow_force_push\s*: false => true/);
    expect(out).toMatch(/error: .*no changes were expected/i);
    // The scheduled drift report of docs/pulumi.md ("Workflows").
    const scheduled = await pulumi(['refresh', '--preview-only', '--expect-no-changes'], null);
    expect(scheduled.code, explain(scheduled)).not.toBe(0);
    expect(scheduled.stdout, explain(scheduled)).toMatch(/~ +pulumi-nodejs:dynamic\/gitlab:ProtectedBranch acme\/web:branch:main +update/);
    expect(writes()).toBe(0);
    // `pulumi up --refresh` puts it back.
    await pulumi(['up', '--yes', '--refresh', '--skip-preview']);
    expect(web.protected_branches.find((b) => b.name === 'main')!.allow_force_push).toBe(false);
  }, STEP);

  it('pulumi refresh after a deleted hook drops it from the state without writing to GitLab', async () => {
    const docs = sim.state.projects.find((p) => p.path_with_namespace === 'acme/docs-site')!;
    const hook = docs.hooks[0];
    const name = `acme/docs-site:hook:${hook.id}`;
    const inState = () => ws.state().checkpoint.latest.resources.some((r) => r.urn.endsWith(`::${name}`));
    expect(inState()).toBe(true);
    const res = await fetch(`${sim.apiUrl}/projects/${docs.id}/hooks/${hook.id}`, { method: 'DELETE', headers: { 'PRIVATE-TOKEN': token } });
    expect(res.status).toBe(204);

    sim.resetCounts();
    const refresh = await pulumi(['refresh', '--yes', '--skip-preview']);
    expect(refresh.stdout).toMatch(new RegExp(`- .*Webhook\\s+${name.replace(/[/:]/g, '\\$&')}\\s+deleted`));
    expect(inState()).toBe(false);
    expect(writes()).toBe(0);
    // The program lists hooks, so it no longer declares the deleted one: nothing left to do, nothing recreated.
    await pulumi(['preview', '--expect-no-changes']);
    expect(docs.hooks.some((h) => h.id === hook.id)).toBe(false);
  }, STEP);

  it('pulumi preview --policy-pack blocks a program change that weakens the baseline', async () => {
    // The program change: the stack's baseline allows a 48 h 2FA grace period instead of the hardened 8 h, and one
    // approval instead of two.
    const weaker = join(ws.root, 'weaker.yaml');
    writeFileSync(weaker, `gitlab: { url: "${sim.url}" }\n${ACME_HARDENED}  two-factor: { max_grace_period: 48 }\n  mr-approvals: { min_approvals: 1 }\n`);
    await pulumi(['config', 'set', 'gitlab-posture:baseline', weaker]);
    // Without the pack the change previews cleanly (GitLab has at most 8 h and 2 approvals: stricter is not drift)...
    await pulumi(['preview']);
    // ...with it, the mandatory policy fails the preview.
    const blocked = await pulumi(['preview', '--policy-pack', join(__dirname, '../../provider/crossguard')], null);
    expect(blocked.code, explain(blocked)).not.toBe(0);
    const out = blocked.stdout + blocked.stderr;
    expect(out).toMatch(/\[mandatory\] +two-factor\.grace-period +\(pulumi-nodejs:dynamic\/gitlab:GroupSecurity: acme\)/);
    expect(out).toMatch(/\[mandatory\] +mr-approvals\.min-approvals +\(pulumi-nodejs:dynamic\/gitlab:ApprovalRule: acme\/web:approvals\)/);
    await pulumi(['config', 'set', 'gitlab-posture:baseline', baselineFile]);
    await pulumi(['preview', '--policy-pack', join(__dirname, '../../provider/crossguard')]);
  }, STEP);

  it('keeps the GitLab token out of the state, the backend, the workspace and every CLI output', () => {
    expect(ws.runs.length).toBeGreaterThan(8);
    for (const run of ws.runs) expect(run.stdout + run.stderr, run.command).not.toContain(token);
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(ws.root);
    expect(files.some((f) => f.endsWith(`${ws.stack}.json`))).toBe(true);
    for (const f of files) expect(readFileSync(f, 'utf8'), f).not.toContain(token);
    // The dynamic providers are in the state (__provider), and they capture no credentials.
    const providers = ws.state().checkpoint.latest.resources.filter((r) => r.type.startsWith('pulumi-nodejs:dynamic/gitlab:'));
    expect(providers.length).toBeGreaterThan(10);
    for (const r of providers) expect(typeof r.outputs?.__provider).toBe('string');
  });
});
