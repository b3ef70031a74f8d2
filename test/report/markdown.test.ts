import { describe, expect, it } from 'vitest';
import { render } from '../../checks/report';
import { mdCell } from '../../checks/report/markdown';
import { FINDINGS, makeCleanResult, makeResult, RULES } from './fixtures';

describe('markdown report', () => {
  const md = render('markdown', makeResult(), { rules: RULES, generatedAt: '2026-11-21T10:00:00Z', toolVersion: '0.1.0' });

  it('leads with the status and the counts', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('## GitLab posture: INCOMPLETE: 1 target could not be read');
    expect(md).toContain('**5 targets, 6 findings (1 waived), 3 skipped, 1 error**');
    expect(md).toContain('checked 2026-11-21T10:00:00Z by gitlab-posture 0.1.0');
  });

  it('puts unread targets before the findings', () => {
    const errors = md.indexOf('### Could not read 1 target: these were NOT checked');
    expect(errors).toBeGreaterThan(0);
    expect(errors).toBeLessThan(md.indexOf('### Findings'));
    expect(md).toContain('- **project <code>acme/broken</code>**: GET /projects/15/protected_branches -&gt; 503');
  });

  it('tables unwaived findings by severity, escaping pipes and markup', () => {
    expect(md).toContain('### Findings (1 critical, 1 high, 2 medium, 1 low)');
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Severity') && !l.startsWith('| ---'));
    const open = rows.slice(0, 5).map((r) => r.split(' | ')[0].slice(2));
    expect(open).toEqual(['critical', 'high', 'medium', 'medium', 'low']);
    expect(md).toContain('Merge requests need 1 approval \\| expected 2');
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script&gt;');
    expect(md).toContain('changed by mallory at 2026-11-20T03:14:00Z from 203.0.113.9');
  });

  it('collapses waived and skipped into <details>', () => {
    expect(md).toContain('<details><summary>Waived (1)</summary>');
    expect(md).toContain('public documentation site (until 2027-03-01)');
    expect(md).toContain('<details><summary>Skipped (3)</summary>');
    expect(md).toContain('- variables need a Maintainer token: 2 checks (<code>ci.masked-variables</code>)');
  });

  it('breaks @mentions in plain cells (an MR comment must not notify users named in GitLab values), not in code', () => {
    expect(mdCell('hook posts to @mallory and team@corp')).toBe('hook posts to @\u200bmallory and team@\u200bcorp');
    expect(mdCell('@mallory', true)).toBe('@mallory');
    const result = makeResult();
    result.findings[0]!.message = 'added by @mallory';
    expect(render('markdown', result, { rules: RULES })).not.toContain('by @mallory');
  });

  it('says compliant for a clean, complete run', () => {
    const clean = render('markdown', makeCleanResult(), { rules: RULES });
    expect(clean.split('\n')[0]).toBe('## GitLab posture: compliant');
    expect(clean).not.toContain('### Findings');
    expect(clean).not.toContain('<details>');
  });

  it("shows explain's from/to whole, however long (issue 15, item 10): the table cell wraps", () => {
    const from = 'https://hooks.acme.example/web/' + 'a'.repeat(90);
    const to = 'https://exfil.example/collect/' + 'b'.repeat(90);
    const [, force] = FINDINGS;
    const long = { ...force!, explanation: { ...(force!.explanation as object), from, to } } as typeof force;
    const out = render('markdown', { ...makeResult(), findings: [long!] }, { rules: RULES });
    // mdCell is the cell's own sanitizing (autolinks broken, markup escaped): the values come through whole.
    expect(out).toContain(mdCell(`: ${from} -> ${to}`));
    expect(out).not.toContain('…');
  });
});

