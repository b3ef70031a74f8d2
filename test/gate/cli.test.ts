// `gitlab-posture gate` through the CLI: exit codes, output formats, invalid files.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';
import { runCli } from '../helpers/cli';

function files(base: string, head: string) {
  const dir = tempDir('posture-gate-');
  const b = join(dir, 'base.yaml');
  const h = join(dir, 'head.yaml');
  writeFileSync(b, base);
  writeFileSync(h, head);
  return { dir, base: b, head: h };
}

const HARD = 'targets: { groups: [acme] }\nprofile: hardened\n';

describe('gate CLI', () => {
  it('exits 1 on a weakening and lists it in JSON', async () => {
    const f = files(HARD, `${HARD}settings:\n  mr-approvals: { min_approvals: 1 }\n`);
    const r = await runCli(['gate', '--base', f.base, '--head', f.head, '--format', 'json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.summary).toEqual({ weakenings: 1, strengthenings: 0, pass: false });
    expect(json.weakenings).toEqual([
      { kind: 'param-loosened', path: 'settings.mr-approvals.min_approvals', from: 2, to: 1, message: 'settings.mr-approvals.min_approvals loosened: 2 -> 1' },
    ]);
  });

  it('exits 0 when the head is only stricter', async () => {
    const f = files('targets: { groups: [acme] }\nprofile: baseline\n', HARD);
    const r = await runCli(['gate', '--base', f.base, '--head', f.head, '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pass: the baseline only gets stricter');
    expect(r.stdout).not.toContain('Weakenings');
  });

  it('writes a markdown MR comment with --output', async () => {
    const f = files(HARD, `${HARD.replace('hardened', 'baseline')}`);
    const out = join(f.dir, 'gate.md');
    const r = await runCli(['gate', '--base', f.base, '--head', f.head, '--format', 'markdown', '--output', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const md = r.files[out];
    expect(md).toContain('## GitLab posture gate: FAIL: 29 weakenings of the baseline');
    expect(md).toContain('| rule-disabled | <code>rules.mr-approvals.reset-on-push</code> | <code>on</code> | <code>off</code> |');
    expect(md).toContain('| param-loosened | <code>settings.two-factor.max_grace_period</code> | <code>8</code> | <code>48</code> | settings.two-factor.max_grace_period loosened: 8 -&gt; 48 (profile hardened -&gt; baseline) |');
  });

  it('exits 2 and names every problem of both files', async () => {
    const f = files('targets: { groups: [acme] }\nprofile: hardend\n', 'targets: { groups: [acme] }\nsettings:\n  mr-approvals: { min_approvals: two }\n');
    const r = await runCli(['gate', '--base', f.base, '--head', f.head]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${f.base}:2: profile:`);
    expect(r.stderr).toContain(`${f.head}:3: settings.mr-approvals.min_approvals:`);
  });

  it('loads a base whose waiver has expired since', async () => {
    const waiver = 'waivers:\n  - { rule: visibility.project, target: acme/docs-site, reason: docs, expires: 2020-01-01 }\n';
    const f = files(HARD + waiver, HARD);
    const r = await runCli(['gate', '--base', f.base, '--head', f.head, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).weakenings).toEqual([]);
  });

  it('needs both --base and --head', async () => {
    const f = files(HARD, HARD);
    const r = await runCli(['gate', '--base', f.base]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '--head <file>' not specified");
  });
});
