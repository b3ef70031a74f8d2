import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { render } from '../../checks/report';
import { FINDINGS, makeCleanResult, makeResult, RULES, XSS_URL } from './fixtures';

type Node = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) });
const ctx = { rules: RULES };

function parse(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml).testsuites as Node & { testsuite: (Node & { testcase: Node[] })[] };
}

describe('junit report', () => {
  const xml = render('junit', makeResult(), ctx);
  const root = parse(xml);

  it('counts tests, failures, skipped and errors at the root', () => {
    expect([root.tests, root.failures, root.skipped, root.errors]).toEqual(['15', '5', '4', '2']);
  });

  it('has one testsuite per area with its own counts', () => {
    const suites = root.testsuite.map((s) => [s.name, s.tests, s.failures, s.skipped, s.errors]);
    expect(suites).toEqual([
      ['ci', '4', '1', '2', '0'],
      ['git-abuse', '1', '0', '1', '0'],
      ['mr-approvals', '1', '1', '0', '0'],
      ['protected-branches', '3', '1', '0', '2'],
      ['two-factor', '1', '1', '0', '0'],
      ['visibility', '4', '0', '1', '0'],
      ['webhooks', '1', '1', '0', '0'],
    ]);
    for (const s of root.testsuite) expect(s.testcase).toHaveLength(Number(s.tests));
  });

  it('names testcases by target path and rule id, with outcome elements', () => {
    const cases = root.testsuite.flatMap((s) => s.testcase);
    const find = (classname: string, name: string) => cases.find((c) => c.classname === classname && c.name === name)!;
    const force = find('acme/web', 'protected-branches.force-push');
    expect((force.failure as Node).message).toBe('Force push is allowed on protected branch main');
    expect((force.failure as Node)['#text']).toContain('expected: false');
    expect((force.failure as Node)['#text']).toContain('actual: true');
    expect((find('acme/docs-site', 'visibility.project').skipped as Node).message).toBe('waived: public documentation site');
    expect((find('acme', 'git-abuse.download-limit').skipped as Node).message).toBe('requires ultimate');
    expect((find('acme/broken', 'protected-branches.push').error as Node).message).toContain('-> 503');
    const pass = find('acme/web', 'visibility.project');
    expect([pass.failure, pass.skipped, pass.error]).toEqual([undefined, undefined, undefined]);
  });

  it('escapes markup from GitLab values', () => {
    expect(xml).not.toContain('<script>');
    const hook = root.testsuite.find((s) => s.name === 'webhooks')!.testcase[0];
    expect((hook.failure as Node)['#text']).toContain(XSS_URL);
  });

  it('lists an unread target with no rule list as one errored "read" case', () => {
    const result = { ...makeCleanResult(), errors: [{ target: { kind: 'group' as const, path: 'acme/gone', id: 7 }, message: 'GET /groups/7 -> 404' }] };
    const r = parse(render('junit', result, ctx));
    expect([r.tests, r.errors]).toEqual(['1', '1']);
    expect(r.testsuite[0].testcase[0]).toMatchObject({ classname: 'acme/gone', name: 'read' });
  });

  it('still parses with an empty result', () => {
    const r = parse(render('junit', makeCleanResult(), ctx));
    expect([r.tests, r.failures]).toEqual(['0', '0']);
  });

  it('keeps the XML valid when a GitLab value holds characters XML forbids', () => {
    const result = makeResult();
    result.findings[2].message = 'hook \u0001\u001b[31m & <b>';
    const r = parse(render('junit', result, ctx));
    const hook = r.testsuite.find((s) => s.name === 'webhooks')!.testcase[0];
    expect((hook.failure as Node).message).toBe('hook \ufffd\ufffd[31m & <b>');
  });

  it("shows explain's from/to whole, however long (issue 15, item 10): no report cuts them", () => {
    const from = 'https://hooks.acme.example/web/' + 'a'.repeat(90);
    const to = 'https://exfil.example/collect/' + 'b'.repeat(90);
    const [, force] = FINDINGS;
    const long = { ...force!, explanation: { ...(force!.explanation as object), from, to } } as typeof force;
    const r = parse(render('junit', { ...makeResult(), findings: [long!] }, ctx));
    const text = (r.testsuite.flatMap((s) => s.testcase).find((c) => c.failure)!.failure as Node)['#text'] as string;
    expect(text).toContain(`: ${from} -> ${to}`);
    expect(text).not.toContain('…');
  });
});
