// checks/init: the rendered baseline text, without a GitLab (the e2e test covers the live path).
import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../checks/baseline/load';
import { renderInitBaseline, safeUrl, waiversFor } from '../../checks/init';
import type { Finding } from '../../model/result';

const TODAY = new Date('2026-03-10T23:59:00Z');

function finding(rule: string, path: string, message: string, kind: 'group' | 'project' | 'instance' = 'project'): Finding {
  return {
    rule,
    area: rule.split('.')[0]!,
    severity: 'high',
    target: { kind, path, id: 1 },
    setting: 's',
    expected: true,
    actual: false,
    message,
    revertible: true,
    waived: false,
  };
}

const FINDINGS = [
  finding('visibility.project', 'acme/web', 'Project acme/web is public'),
  finding('ci.masked-variables', 'acme/deploy', 'TOKEN is not masked'),
  finding('ci.masked-variables', 'acme/deploy', 'TOKEN is not protected'),
  finding('protected-branches.force-push', 'acme/web', 'Force push is allowed on protected branch main'),
  finding('two-factor.required', 'acme', '2FA off', 'group'),
  finding('instance.two-factor-required', '(instance)', 'The instance does not require two-factor authentication', 'instance'),
];

describe('waiversFor', () => {
  it('one per rule + target, grouped by target path, catalog order inside a target', () => {
    expect(waiversFor(FINDINGS).map((w) => `${w.target} ${w.rule} ${w.messages.length}`)).toEqual([
      '(instance) instance.two-factor-required 1',
      'acme two-factor.required 1',
      'acme/deploy ci.masked-variables 2',
      'acme/web visibility.project 1',
      'acme/web protected-branches.force-push 1',
    ]);
  });
});

describe('renderInitBaseline', () => {
  const input = { url: 'https://gitlab.example.com/', group: 'acme', profile: 'hardened' as const, today: TODAY, findings: FINDINGS };

  it('--waive-existing: every waiver expires 30 days ahead, applies to its finding, and the file loads', () => {
    const text = renderInitBaseline({ ...input, waiveExisting: true, gitlab: { tier: 'premium', tierSource: 'license', version: '17.0.0-ee' } });
    const b = parseBaseline(text, 'baseline.yaml', { now: TODAY });
    expect(b.waivers).toHaveLength(5);
    expect(b.waivers.every((w) => w.expires === '2026-04-09' && w.reason === 'existing exception, review')).toBe(true);
    expect(b.waivers[0]).toMatchObject({ rule: 'instance.two-factor-required', target: '(instance)' });
    expect(b.gitlab).toEqual({ url: 'https://gitlab.example.com' });
    expect(text).toContain('  # tier: premium   # detected (from /license, GitLab 17.0.0-ee); pin it if detection is wrong\n');
    expect(text).toContain('  #   TOKEN is not masked\n  #   TOKEN is not protected\n  - rule: ci.masked-variables\n');
  });

  it('the skeleton (nothing collected yet) loads with the chosen profile and no waivers', () => {
    const text = renderInitBaseline({ url: 'https://gitlab.example.com', group: 'acme/platform', profile: 'baseline', today: TODAY });
    const b = parseBaseline(text, 'baseline.yaml', { now: TODAY });
    expect(b.profile).toBe('baseline');
    expect(b.targets.groups).toEqual(['acme/platform']);
    expect(b.waivers).toEqual([]);
    expect(text).not.toContain('Current violations');
    expect(text).not.toContain('No current violations');
  });

  it('settings examples are commented out and paste back as valid settings', () => {
    const text = renderInitBaseline({ ...input, findings: [] });
    const examples = text
      .split('\n')
      .filter((l) => /^# {3}[a-z-]+: \{/.test(l))
      .map((l) => l.replace(/^# /, ''));
    expect(examples).toHaveLength(12); // one per area of policies/params.ts
    const uncommented = text.replace('waivers: []', `settings:\n${examples.join('\n')}\nwaivers: []`);
    expect(parseBaseline(uncommented, 'b.yaml', { now: TODAY }).params['mr-approvals'].min_approvals).toBe(2);
    expect(text).toContain('# No current violations under this profile.');
  });

  it('an odd group path is quoted, not read as another YAML type', () => {
    const text = renderInitBaseline({ ...input, group: 'on', findings: [] });
    expect(text).toContain('groups: ["on"]');
    expect(parseBaseline(text, 'b.yaml', { now: TODAY }).targets.groups).toEqual(['on']);
  });

  it('safeUrl drops credentials and a trailing slash', () => {
    expect(safeUrl('https://user:pw@gitlab.example.com/')).toBe('https://gitlab.example.com');
    expect(safeUrl('https://gitlab.example.com/gitlab/')).toBe('https://gitlab.example.com/gitlab');
  });
});
