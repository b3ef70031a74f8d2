import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { render } from '../../checks/report';
import { esc } from '../../checks/report/html';
import { FINDINGS, makeCleanResult, makeResult, RULES, XSS_URL } from './fixtures';

const count = (html: string, needle: RegExp) => (html.match(needle) ?? []).length;

describe('html report', () => {
  const html = render('html', makeResult(), {
    rules: RULES,
    generatedAt: '2026-11-21T10:00:00Z',
    toolVersion: '0.1.0',
    describeFix: (f) => `fix ${f.rule} on ${f.target.path}`,
  });

  it('escapes every value from GitLab: no markup injected', () => {
    expect(html).not.toContain('<script>alert');
    expect(html).toContain(esc(XSS_URL));
    expect(esc(XSS_URL)).toBe('https://evil.example/&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;?a=1&amp;b=2');
    expect(count(html, /<script>/g)).toBe(1);
  });

  it('loads nothing from the network: no src/href, and a CSP pinning the inline CSS and JS by hash', () => {
    expect(html).not.toMatch(/\s(src|href)=/);
    expect(html).not.toMatch(/@import|url\(/);
    const style = html.match(/<style>([\s\S]*?)<\/style>/)![1];
    const script = html.match(/<script>([\s\S]*?)<\/script>/)![1];
    const hash = (t: string) => `'sha256-${createHash('sha256').update(t).digest('base64')}'`;
    expect(html).toContain(`default-src 'none'; style-src ${hash(style)}; script-src ${hash(script)};`);
  });

  it('shows the header: GitLab URL, version, tier and completeness', () => {
    expect(html).toContain('<code id="gitlab-url">https://gitlab.example.com</code>');
    expect(html).toContain('<span id="gitlab-version">17.5.0-ee</span>');
    expect(html).toContain('<span id="gitlab-tier">premium</span>');
    expect(html).toContain('data-complete="false">INCOMPLETE: 1 target could not be read and was not checked</p>');
    expect(render('html', makeCleanResult(), { rules: RULES })).toContain('data-complete="true">Complete: every target was read');
  });

  it('has one filterable row per open finding with severity and area data attributes', () => {
    expect(count(html, /<tr class="finding"/g)).toBe(5);
    expect(count(html, /<tr class="finding" data-severity="medium"/g)).toBe(2);
    expect(count(html, /<tr class="finding" data-severity="[a-z]+" data-area="ci"/g)).toBe(1);
    expect(count(html, /<tr class="waived" data-severity="high" data-area="visibility"/g)).toBe(1);
    expect(html).toContain('<td>fix protected-branches.force-push on acme/web</td>');
    expect(html).toContain('Title of protected-branches.force-push');
  });

  it('summarises by severity and by area', () => {
    expect(html).toContain('<tr data-severity="medium"><td class="sev sev-medium">medium</td><td class="count">2</td></tr>');
    expect(html).toContain('<tr data-area="webhooks"><td>webhooks</td><td class="count">1</td></tr>');
    expect(html).toContain('<td class="count" id="sum-skipped">3</td>');
  });

  it('lists errors, waived and skipped sections', () => {
    expect(html.indexOf('<section id="errors">')).toBeLessThan(html.indexOf('<section id="findings">'));
    expect(html).toContain('GET /projects/15/protected_branches -&gt; 503');
    expect(html).toContain('<section id="waived"><h2>Waived (1)</h2>');
    expect(html).toContain('<details class="skip-group" data-count="2"><summary>variables need a Maintainer token: 2 checks</summary>');
  });

  it('computes a short fix text when none is passed in', () => {
    const plain = render('html', makeResult(), { rules: RULES });
    expect(plain).toContain('gitlab-posture revert sets allow_force_push (branch main) to false');
    expect(plain).toContain('Not reverted automatically: change url (hook 7) to [&quot;hooks.acme.example&quot;] in GitLab');
  });

  it("shows explain's from/to whole, however long, escaped (issue 15, item 10)", () => {
    const from = 'https://hooks.acme.example/web?a=1&' + 'a'.repeat(90);
    const to = 'https://exfil.example/collect?b=<x>&' + 'b'.repeat(90);
    const [, force] = FINDINGS;
    const long = { ...force!, explanation: { ...(force!.explanation as object), from, to } } as typeof force;
    const out = render('html', { ...makeResult(), findings: [long!] }, { rules: RULES });
    expect(out).toContain(`: ${esc(from)} -&gt; ${esc(to)}`);
    expect(out).not.toContain('<x>');
  });
});

