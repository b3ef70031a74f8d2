// Issue 14, items 6 and 7: GitLab values (and journal or baseline text) are attacker-controlled after an incident.
// Each test feeds an attacker's string through a report, plan or gate and asserts what reaches the reader:
// no raw control character on a terminal or in a file, no extra line, no live link or image in Markdown.
import { describe, expect, it } from 'vitest';
import { render } from '../../checks/report';
import { renderGate } from '../../checks/gate';
import type { GateResult } from '../../checks/gate/compare';
import { formatPlan, formatResult } from '../../checks/revert/format';
import type { Plan } from '../../checks/revert/plan';
import type { CheckResult, Finding } from '../../model/result';
import { makeResult, RULES, web } from './fixtures';

// ESC (a title-setting OSC sequence and a screen clear), BEL, CR, NEL (C1), U+2028 / U+2029.
const ESCAPES = '\u001b]0;pwned\u0007\u001b[2J';
const FORGED_LINE = '\r## GitLab posture: compliant\r\n## GitLab posture: compliant\u2028## forged\u2029## forged\u0085## forged';
const LINKS = '[click](javascript:alert(1)) ![t](https://evil.example/pixel.png) https://evil.example/x www.evil.example';
const ANY_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

function hostile(): CheckResult {
  const r = makeResult();
  const evil: Finding = {
    rule: 'protected-branches.force-push', area: 'protected-branches', severity: 'high', target: web, setting: 'allow_force_push',
    branch: `main${ESCAPES}`, expected: false, actual: `yes${ESCAPES}`, revertible: true, waived: false,
    message: `Force push on ${ESCAPES}${FORGED_LINE} ${LINKS}`,
  };
  const waived: Finding = { ...evil, branch: 'release', waived: true, waiver: { reason: `ok${FORGED_LINE}${LINKS}`, expires: '2027-01-01' } as never };
  return { ...r, gitlab: { ...r.gitlab, version: `16.0${ESCAPES}\r\nGitLab https://fake` }, findings: [...r.findings, evil, waived] };
}

describe('markdown reports neutralise line breaks and links (item 6)', () => {
  const md = render('markdown', hostile(), { rules: RULES });

  it('no CR, CRLF, NEL or U+2028/2029 survives, so no forged heading line', () => {
    expect(md).not.toMatch(/[\r\u0085\u2028\u2029]/);
    expect(md.split('\n').filter((l) => l.startsWith('## '))).toEqual([md.split('\n')[0]]);
    expect(md.split('\n').some((l) => /^## forged/.test(l))).toBe(false);
  });

  it('GitLab values never become links, images or autolinks', () => {
    expect(md).not.toContain('](');
    expect(md).not.toContain('![');
    expect(md).not.toContain('https://evil.example');
    expect(md).not.toContain('www.evil.example');
    expect(md).toContain('&#91;click&#93;(javascript:alert(1))');
  });

  it('no raw control character in the file', () => {
    expect(md).not.toMatch(ANY_CONTROL);
  });
});

describe('the gate verdict cannot be forged from a waiver reason (item 6)', () => {
  const result: GateResult = {
    schemaVersion: 1,
    base: 'base.yaml',
    head: 'head.yaml',
    weakenings: [{ kind: 'waiver-added', path: 'waivers[0]', from: null, to: 'x', message: `New waiver (ok\n## GitLab posture gate: pass: no change\r\npass: no change${FORGED_LINE})` }],
    strengthenings: [],
  } as unknown as GateResult;

  it('markdown: one verdict heading, the FAIL one', () => {
    const md = renderGate('markdown', result);
    expect(md.split('\n').filter((l) => l.startsWith('#') && l.includes('posture gate'))).toEqual(['## GitLab posture gate: FAIL: 1 weakening of the baseline']);
    expect(md.split('\n').some((l) => /^pass: /.test(l))).toBe(false);
    expect(md).not.toMatch(/[\r\u0085\u2028\u2029]/);
  });

  it('table: one verdict line, the FAIL one', () => {
    const text = renderGate('table', result);
    expect(text.split('\n').filter((l) => /^(pass|FAIL):/.test(l))).toEqual(['FAIL: 1 weakening of the baseline']);
    expect(text).not.toMatch(ANY_CONTROL);
  });
});

describe('no raw control character reaches a terminal or a report file (item 7)', () => {
  it.each(['table', 'json', 'sarif', 'codequality', 'junit', 'html'] as const)('%s report', (format) => {
    const text = render(format, hostile(), { rules: RULES });
    expect(text).not.toMatch(ANY_CONTROL);
    if (format === 'json') {
      const parsed = JSON.parse(text) as { findings: Finding[]; gitlab: { version: string } };
      // Escaped, not dropped: the JSON still carries the value GitLab sent.
      expect(parsed.gitlab.version).toBe(`16.0${ESCAPES}\r\nGitLab https://fake`);
    }
  });

  it('table header: a version string cannot add a line', () => {
    const text = render('table', hostile(), { rules: RULES });
    const [first, second] = text.split('\n');
    expect(first).toMatch(/^GitLab https:\/\/gitlab\.example\.com \(16\.0\ufffd.* GitLab https:\/\/fake, \w+\)$/);
    expect(second).toBe('');
  });

  it('revert plan and results', () => {
    const f = hostile().findings.at(-2)!;
    const plan: Plan = {
      steps: [{ seq: 1, finding: f, change: { method: 'PATCH', path: `/projects/12/protected_branches/main${ESCAPES}`, body: {} } }],
      needsDestructive: [], manual: [{ finding: f, reason: `locked${ESCAPES}` }], superseded: [],
    };
    const text = formatPlan(plan, 'https://gitlab.example.com', true) +
      formatResult({ step: { id: { run: 'r', seq: 1, url: 'u', target: web, rule: f.rule, setting: f.setting, branch: f.branch! }, change: plan.steps[0]!.change, serialKey: 'k', readBefore: async () => null, verify: async () => ({ verified: true }) }, outcome: 'failed', error: `400 ${FORGED_LINE}` });
    expect(text).not.toMatch(ANY_CONTROL);
    expect(text.split('\n').some((l) => l.startsWith('## GitLab'))).toBe(false);
  });
});
