import Ajv from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import type * as Sarif from 'sarif';
import { render } from '../../checks/report';
import { CATALOG } from '../../policies/catalog';
import { makeCleanResult, makeResult, RULES, shuffled } from './fixtures';

// The official SARIF 2.1.0 schema (draft-04) as shipped by Microsoft's SARIF jest matchers.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
// unicodeRegExp off: the schema's `language` pattern is not a valid /u regular expression.
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
const validate = ajv.compile(schema);

const ctx = { rules: RULES, toolVersion: '0.1.0', generatedAt: '2026-11-21T10:00:00Z' };
const sarifOf = (text: string): Sarif.Log => JSON.parse(text);

describe('sarif report', () => {
  const log = sarifOf(render('sarif', makeResult(), ctx));
  const run = log.runs[0];

  it('validates against the SARIF 2.1.0 schema', () => {
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(validate(sarifOf(render('sarif', makeCleanResult(), ctx)))).toBe(true);
    // The validator does bite: a wrong level is rejected.
    const broken = structuredClone(log);
    (broken.runs[0].results![0] as { level: string }).level = 'critical';
    expect(validate(broken)).toBe(false);
  });

  it('names the tool and describes every catalog rule with help, tags and a default level', () => {
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(run.tool.driver.name).toBe('gitlab-posture');
    expect(run.tool.driver.version).toBe('0.1.0');
    const rules = run.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id).sort());
    const twoFactor = rules.find((r) => r.id === 'two-factor.required')!;
    expect(twoFactor.name).toBe('TwoFactorRequired');
    expect(twoFactor.shortDescription).toEqual({ text: 'Title of two-factor.required' });
    expect(twoFactor.fullDescription).toEqual({ text: 'Why two-factor.required matters.' });
    expect(twoFactor.defaultConfiguration).toEqual({ level: 'error' });
    expect(twoFactor.properties?.tags).toEqual(['security', 'two-factor', 'Misconfigured project or group settings']);
    expect(twoFactor.help?.markdown).toContain('**Incident scenario:** Misconfigured project or group settings');
    expect(twoFactor.help?.markdown).toContain('gitlab-posture revert');
    expect(twoFactor.help?.text).toContain('How to fix:');
    const hooks = rules.find((r) => r.id === 'webhooks.allowed-hosts')!;
    expect(hooks.help?.markdown).toContain('minimum tier: group: premium, project: free');
    expect(rules.find((r) => r.id === 'ci.public-jobs')!.defaultConfiguration).toEqual({ level: 'note' });
  });

  it('maps each finding to a result with level, logical location, properties and a rule index', () => {
    const results = run.results ?? [];
    expect(results).toHaveLength(6);
    const rules = run.tool.driver.rules ?? [];
    for (const r of results) expect(rules[r.ruleIndex!].id).toBe(r.ruleId);
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([
      ['two-factor.required', 'error'],
      ['ci.public-jobs', 'note'],
      ['mr-approvals.min-approvals', 'warning'],
      ['visibility.project', 'error'],
      ['protected-branches.force-push', 'error'],
      ['webhooks.allowed-hosts', 'warning'],
    ]);
    const force = results[4];
    expect(force.locations).toEqual([
      { logicalLocations: [{ fullyQualifiedName: 'acme/web', name: 'web', kind: 'project' }] },
    ]);
    expect(force.locations?.[0].physicalLocation).toBeUndefined();
    expect(force.properties).toMatchObject({ setting: 'allow_force_push', branch: 'main', expected: false, actual: true });
    expect(results[0].locations?.[0].logicalLocations?.[0].kind).toBe('group');
  });

  it('marks waived findings as externally suppressed with the waiver reason', () => {
    const results = run.results ?? [];
    const waived = results.filter((r) => r.suppressions);
    expect(waived.map((r) => r.ruleId)).toEqual(['visibility.project']);
    expect(waived[0].suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'public documentation site' }]);
  });

  it('gives stable, unique partial fingerprints', () => {
    const fps = (log: Sarif.Log) => (log.runs[0].results ?? []).map((r) => r.partialFingerprints?.['gitlabPosture/v1']);
    const first = fps(log);
    expect(new Set(first).size).toBe(6);
    for (const fp of first) expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(fps(sarifOf(render('sarif', shuffled(makeResult()), ctx)))).toEqual(first);
  });

  it('reports unread targets and skipped checks as notifications of an unsuccessful run', () => {
    const inv = run.invocations![0];
    expect(inv.executionSuccessful).toBe(false);
    const notes = inv.toolExecutionNotifications ?? [];
    expect(notes.map((n) => n.level)).toEqual(['error', 'note', 'note', 'note']);
    expect(notes[0].message.text).toContain('acme/broken could not be read and was not checked: GET /projects/15/protected_branches -> 503');
    expect(notes[1].associatedRule).toEqual({ id: 'git-abuse.download-limit', index: 2 });
    expect(sarifOf(render('sarif', makeCleanResult(), ctx)).runs[0].invocations![0].executionSuccessful).toBe(true);
  });

  it('describes every rule of the real catalog validly', () => {
    const full = sarifOf(render('sarif', makeResult(), { rules: CATALOG }));
    expect(validate(full)).toBe(true);
    const ids = (full.runs[0].tool.driver.rules ?? []).map((r) => r.id);
    for (const rule of CATALOG) expect(ids).toContain(rule.id);
    for (const r of full.runs[0].tool.driver.rules ?? []) {
      if (CATALOG.some((c) => c.id === r.id)) expect(r.help?.markdown).toContain('**Incident scenario:**');
    }
  });
});
