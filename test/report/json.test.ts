import { describe, expect, it } from 'vitest';
import { render } from '../../checks/report';
import { makeCleanResult, makeResult, RULES, shuffled } from './fixtures';

const ctx = { rules: RULES };

describe('json report', () => {
  it('renders the DESIGN.md shape in contract key order, 2-space indent, trailing newline', () => {
    const text = render('json', makeCleanResult(), ctx);
    expect(text).toBe(
      [
        '{',
        '  "schemaVersion": 1,',
        '  "gitlab": {',
        '    "url": "https://gitlab.example.com",',
        '    "version": "17.5.0",',
        '    "tier": "free"',
        '  },',
        '  "summary": {',
        '    "targets": 12,',
        '    "findings": 0,',
        '    "waived": 0,',
        '    "skipped": 0,',
        '    "errors": 0,',
        '    "complete": true',
        '  },',
        '  "findings": [],',
        '  "skipped": [],',
        '  "errors": []',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('orders findings by target path, then rule, and keys of each finding as the contract lists them', () => {
    const report = JSON.parse(render('json', makeResult(), ctx));
    expect(Object.keys(report)).toEqual(['schemaVersion', 'gitlab', 'summary', 'findings', 'skipped', 'errors']);
    expect(report.findings.map((f: { target: { path: string }; rule: string }) => `${f.target.path} ${f.rule}`)).toEqual([
      'acme two-factor.required',
      'acme/api ci.public-jobs',
      'acme/api mr-approvals.min-approvals',
      'acme/docs-site visibility.project',
      'acme/web protected-branches.force-push',
      'acme/web webhooks.allowed-hosts',
    ]);
    const force = report.findings[4];
    expect(Object.keys(force)).toEqual([
      'rule', 'area', 'severity', 'target', 'setting', 'branch', 'expected', 'actual', 'message', 'revertible', 'waived', 'explanation',
    ]);
    expect(force).toEqual({
      rule: 'protected-branches.force-push',
      area: 'protected-branches',
      severity: 'high',
      target: { kind: 'project', path: 'acme/web', id: 12 },
      setting: 'allow_force_push',
      branch: 'main',
      expected: false,
      actual: true,
      message: 'Force push is allowed on protected branch main',
      revertible: true,
      waived: false,
      explanation: { event_id: 5012, author: 'mallory', at: '2026-11-20T03:14:00Z', ip: '203.0.113.9',
        event_name: 'protected_branch_updated', from: false, to: true },
    });
    expect(report.findings[3].waiver).toEqual({ reason: 'public documentation site', expires: '2027-03-01' });
    expect(report.skipped.map((s: { target: { path: string }; rule: string }) => `${s.target.path} ${s.rule}`)).toEqual([
      'acme git-abuse.download-limit',
      'acme/api ci.masked-variables',
      'acme/web ci.masked-variables',
    ]);
    expect(report.errors).toEqual([
      { target: { kind: 'project', path: 'acme/broken', id: 15 },
        message: 'GET /projects/15/protected_branches -> 503: Service Unavailable. Retry later, or add acme/broken to targets.exclude.',
        rules: ['protected-branches.force-push', 'protected-branches.push'] },
    ]);
  });

  it('is byte-identical whatever order the evaluator produced lists and keys in', () => {
    expect(render('json', shuffled(makeResult()), ctx)).toBe(render('json', makeResult(), ctx));
  });

  it('leaves the evaluated pairs out and keeps expired waivers', () => {
    const result = { ...makeResult(), expiredWaivers: [{ rule: 'ci.public-jobs', target: 'acme/api', reason: 'demo', expires: '2026-01-01' }] };
    const report = JSON.parse(render('json', result, ctx));
    expect(report.evaluated).toBeUndefined();
    expect(report.expiredWaivers).toEqual([{ rule: 'ci.public-jobs', target: 'acme/api', reason: 'demo', expires: '2026-01-01' }]);
  });
});
