// Waivers naming one object or branch (DESIGN.md, baseline section): they load, and cover only that finding.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../model/result';
import { runCli, tempDir, writeBaseline } from '../helpers/cli';
import { simPerTest } from '../helpers/sim';
import { BaselineError } from '../../checks/baseline/errors';
import { parseBaseline } from '../../checks/baseline/load';
import { findWaiver } from '../../checks/baseline/waivers';

const NOW = new Date('2026-06-01T12:00:00Z');
const load = (waiver: string) =>
  parseBaseline(`targets: { groups: [acme] }\nwaivers:\n  - { rule: webhooks.ssl-verification, target: acme/api, reason: vendor CA, expires: 2027-01-15${waiver} }\n`, 'baseline.yaml', { now: NOW });

describe('waiver object and branch', () => {
  it('a hook id written as a YAML number loads as the string the finding carries', () => {
    expect(load(', object: 202').waivers[0]).toMatchObject({ object: '202' });
    expect(load(', branch: "release/*"').waivers[0]).toMatchObject({ branch: 'release/*' });
    expect(load('').waivers[0]!.object).toBeUndefined();
  });

  it('an empty object is rejected with its key path', () => {
    let err: unknown;
    try {
      load(', object: ""');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BaselineError);
    expect((err as BaselineError).message).toBe('baseline.yaml:3: waivers[0].object: expected a non-empty text, got ""');
  });

  it('covers the named object only; a waiver without one covers every object', () => {
    const now = NOW.toISOString();
    const scoped = load(', object: 202').waivers;
    expect(findWaiver(scoped, 'webhooks.ssl-verification', 'acme/api', now, { object: '202' })?.object).toBe('202');
    expect(findWaiver(scoped, 'webhooks.ssl-verification', 'acme/api', now, { object: '203' })).toBeUndefined();
    // Asked about the rule on the whole target (the Pulumi program's per-target gate), a narrowed waiver does not cover it.
    expect(findWaiver(scoped, 'webhooks.ssl-verification', 'acme/api', now)).toBeUndefined();
    const whole = load('').waivers;
    expect(findWaiver(whole, 'webhooks.ssl-verification', 'acme/api', now, { object: '203' })?.reason).toBe('vendor CA');
  });

  it('a branch waiver is compared with the finding\'s branch exactly (a pattern is its own protected branch)', () => {
    const now = NOW.toISOString();
    const w = load(', branch: "release/*"').waivers;
    expect(findWaiver(w, 'webhooks.ssl-verification', 'acme/api', now, { branch: 'release/*' })).toBeDefined();
    expect(findWaiver(w, 'webhooks.ssl-verification', 'acme/api', now, { branch: 'release/1.0' })).toBeUndefined();
    expect(findWaiver(w, 'webhooks.ssl-verification', 'acme/api', now, { branch: 'main' })).toBeUndefined();
  });
});

describe('docs/baseline.md and the loader agree on expired waivers', () => {
  const freshSim = simPerTest();

  it('check and gate load a past-due waiver, report it and do not apply it, as the reference says', async () => {
    const doc = readFileSync(join(__dirname, '../../docs/baseline.md'), 'utf8');
    expect(doc).toContain('A waiver past its `expires` date is not an error: every command loads it, reports it under\n"Expired waivers" and no longer applies it.');
    expect(doc).not.toContain('past-due dates are rejected');

    const sim = await freshSim({ scenario: 'incident' });
    const dir = tempDir('posture-expired-');
    const file = writeBaseline(
      dir,
      sim.url,
      'targets: { groups: [acme] }\nprofile: hardened\nwaivers:\n  - { rule: visibility.project, target: acme/web, reason: old, expires: 2026-01-01 }\n',
    );
    const check = await runCli(['check', '--baseline', file, '--format', 'json', '--only', 'visibility.project'], { GITLAB_TOKEN: sim.tokens.owner }, { now: NOW });
    expect(check.code).toBe(1);
    const result = JSON.parse(check.stdout) as CheckResult;
    expect(result.findings.map((f) => `${f.rule} ${f.target.path} waived=${f.waived}`)).toEqual(['visibility.project acme/web waived=false']);
    expect(check.stdout).toContain('"expires": "2026-01-01"');

    const gate = await runCli(['gate', '--base', file, '--head', file], {}, { now: NOW });
    expect(gate.code).toBe(0);
  });
});
