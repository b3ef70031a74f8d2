import { describe, expect, it } from 'vitest';
import { render, summaryLine } from '../../checks/report';
import { FINDINGS, makeCleanResult, makeResult, RULES } from './fixtures';

const ESC = '\u001b[';

describe('table report', () => {
  // A wide terminal: messages stay on one line, so the assertions below can read them whole.
  const text = render('table', makeResult(), { rules: RULES, width: 400 });

  it('wraps long messages to fit a narrow terminal', () => {
    const narrow = render('table', makeResult(), { rules: RULES, width: 120 });
    const widest = Math.max(...narrow.split('\n').filter((l) => l.startsWith('│')).map((l) => l.length));
    const wide = Math.max(...text.split('\n').filter((l) => l.startsWith('│')).map((l) => l.length));
    expect(widest).toBeLessThan(wide);
    expect(narrow).toContain('waived: public documentation');
  });

  it('ends with the summary line: counts and completeness', () => {
    const lines = text.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toBe('5 targets, 6 findings (1 waived), 3 skipped, 1 error — INCOMPLETE: 1 target could not be read');
    expect(summaryLine(makeCleanResult())).toBe('12 targets, 0 findings (0 waived), 0 skipped, 0 errors — complete');
  });

  it('groups findings by target, most severe first inside a target', () => {
    const headings = text.split('\n').filter((l) => /^(group|project) /.test(l));
    expect(headings).toEqual(['group acme', 'project acme/api', 'project acme/docs-site', 'project acme/web']);
    const api = text.slice(text.indexOf('project acme/api'), text.indexOf('project acme/docs-site'));
    expect(api.indexOf('mr-approvals.min-approvals')).toBeLessThan(api.indexOf('ci.public-jobs'));
  });

  it('shows waived findings as waived with the reason, and who changed a setting', () => {
    expect(text).toContain('waived (high)');
    expect(text).toContain('waived: public documentation site (until 2027-03-01)');
    expect(text).toContain('changed by mallory at 2026-11-20T03:14:00Z from 203.0.113.9');
    expect(text).toContain('who changed it: unavailable (no event in window)');
  });

  it("shows explain's from/to whole (issue 15, item 10): the column wraps instead of cutting them", () => {
    const from = 'https://hooks.acme.example/web/' + 'a'.repeat(90);
    const to = 'https://exfil.example/collect/' + 'b'.repeat(90);
    const [, force] = FINDINGS;
    const long = { ...force!, explanation: { ...(force!.explanation as object), from, to } } as typeof force;
    const piped = render('table', { ...makeResult(), findings: [long!] }, { rules: RULES });
    expect(piped).toContain(`: ${from} -> ${to}`);
    const narrow = render('table', { ...makeResult(), findings: [long!] }, { rules: RULES, width: 100 });
    // Wrapped across lines, but every character is there.
    const cells = narrow.split('\n').filter((l) => l.startsWith('│')).map((l) => l.split('│').at(-2)!.trim()).join('');
    expect(cells).toContain('a'.repeat(90));
    expect(narrow).not.toContain('a…');
  });

  it('collapses skipped checks to one line per reason and prints errors in full', () => {
    expect(text).toContain('Skipped (3):\n  2 checks: variables need a Maintainer token [ci.masked-variables]\n  1 check: requires ultimate [git-abuse.download-limit]');
    expect(text).toContain(
      'project acme/broken: GET /projects/15/protected_branches -> 503: Service Unavailable. Retry later, or add acme/broken to targets.exclude.',
    );
    expect(text).toContain('not evaluated: protected-branches.force-push, protected-branches.push');
  });

  it('colours only when asked', () => {
    expect(text).not.toContain(ESC);
    const coloured = render('table', makeResult(), { rules: RULES, color: true });
    expect(coloured).toContain(`${ESC}1;31mcritical${ESC}0m`);
    expect(coloured).toContain(`${ESC}33mmedium${ESC}39m`);
  });

  it('neutralises control characters coming from GitLab values', () => {
    const result = makeResult();
    result.findings[2].message = `hook to \u001b[2Jevil\u0007`;
    const out = render('table', result, { rules: RULES });
    expect(out).not.toContain('\u001b');
    expect(out).toContain('hook to \ufffd[2Jevil\ufffd');
  });

  it('says complete and lists no sections for a clean run', () => {
    const clean = render('table', makeCleanResult(), { rules: RULES });
    expect(clean).toBe('GitLab https://gitlab.example.com (17.5.0, free)\n\n12 targets, 0 findings (0 waived), 0 skipped, 0 errors — complete\n');
  });
});
