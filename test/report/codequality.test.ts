import { describe, expect, it } from 'vitest';
import { render } from '../../checks/report';
import type { CodeQualityIssue } from '../../checks/report/codequality';
import { makeResult, RULES, shuffled } from './fixtures';

const issues = (text: string): CodeQualityIssue[] => JSON.parse(text);

describe('codequality report', () => {
  const list = issues(render('codequality', makeResult(), { rules: RULES }));

  it('lists unwaived findings and unread targets, waived ones left out', () => {
    expect(list.map((i) => [i.check_name, i.severity])).toEqual([
      ['two-factor.required', 'blocker'],
      ['ci.public-jobs', 'minor'],
      ['mr-approvals.min-approvals', 'major'],
      ['protected-branches.force-push', 'critical'],
      ['webhooks.allowed-hosts', 'major'],
      ['gitlab-posture.read-error', 'blocker'],
    ]);
    expect(list[3]).toEqual({
      description: 'acme/web: Force push is allowed on protected branch main',
      check_name: 'protected-branches.force-push',
      fingerprint: list[3].fingerprint,
      severity: 'critical',
      location: { path: 'baseline.yaml', lines: { begin: 1 } },
    });
  });

  it('has unique sha256 fingerprints that stay the same across runs and input order', () => {
    const fps = list.map((i) => i.fingerprint);
    expect(new Set(fps).size).toBe(list.length);
    for (const fp of fps) expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(issues(render('codequality', shuffled(makeResult()), { rules: RULES })).map((i) => i.fingerprint)).toEqual(fps);
  });

  it('changes the fingerprint when the branch differs', () => {
    const result = makeResult();
    result.findings[1].branch = 'release/1';
    const other = issues(render('codequality', result, { rules: RULES }));
    expect(other[3].fingerprint).not.toBe(list[3].fingerprint);
    expect(other[0].fingerprint).toBe(list[0].fingerprint);
  });

  it('points at the baseline file it was given', () => {
    const custom = issues(render('codequality', makeResult(), { rules: RULES, baselineFile: 'security/posture.yaml' }));
    expect(new Set(custom.map((i) => i.location.path))).toEqual(new Set(['security/posture.yaml']));
  });
});
