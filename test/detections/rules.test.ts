// Each shipped rule fires on its positive events and on none of its negative ones. The events are shaped as
// GitLab's auditors write them (the fixture's `source` names the GitLab class, shown in the test name).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules, matchEvent } from '../../detections/engine';
import type { GlAuditEvent } from '../../gitlab/types';
import { RULE_FIXTURES } from './fixtures/rule-events';

const { rules, problems } = loadRules();

const label = (e: GlAuditEvent) =>
  `${e.event_name ?? `(unnamed) ${String(e.details.custom_message)}`} ${e.details.change ? `${String(e.details.change)}: ` : ''}${JSON.stringify(e.details.from ?? '')} -> ${JSON.stringify(e.details.to ?? e.created_at)}`;

describe('shipped rules', () => {
  it('all load, with unique ids and an ATT&CK technique tag', () => {
    expect(problems).toEqual([]);
    expect(rules.length).toBe(Object.keys(RULE_FIXTURES).length);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) expect(r.tags.some((t) => /^attack\.t\d{4}/.test(t))).toBe(true);
  });

  it('detections/README.md lists every shipped rule with its level and title', () => {
    const readme = readFileSync(join(__dirname, '../../detections/README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `([\w-]+\.yml)` \| (\w+) \| (.+) \|$/gm)].map((m) => [`rules/${m[1]}`, m[2], m[3]]);
    expect(rows.sort()).toEqual(rules.map((r) => [r.file, r.level, r.title]).sort());
  });

  it('every shipped rule has fixtures, and every fixture names a shipped rule', () => {
    expect(rules.map((r) => r.file).sort()).toEqual(Object.keys(RULE_FIXTURES).sort());
  });

  for (const [file, { source, positive, negative }] of Object.entries(RULE_FIXTURES)) {
    describe(`${file} (${source})`, () => {
      const rule = () => rules.find((r) => r.file === file)!;
      it('has positive and negative events', () => {
        expect(positive.length).toBeGreaterThan(0);
        expect(negative.length).toBeGreaterThan(0);
      });
      it.each(positive.map((e) => [label(e), e] as const))('fires on %s', (_name, event) => {
        expect(matchEvent([rule()], event).map((r) => r.file)).toEqual([file]);
      });
      it.each(negative.map((e) => [label(e), e] as const))('does not fire on %s', (_name, event) => {
        expect(matchEvent([rule()], event)).toEqual([]);
      });
    });
  }
});
