// Each shipped rule fires on its positive events and on none of its negative ones; and no other shipped rule
// claims a negative event of a rule by accident where that would be surprising.
import { describe, expect, it } from 'vitest';
import { loadRules, matchEvent } from '../../detections/engine';
import { RULE_FIXTURES } from './fixtures/events';

const { rules, problems } = loadRules();

describe('shipped rules', () => {
  it('all load, with unique ids and an ATT&CK technique tag', () => {
    expect(problems).toEqual([]);
    expect(rules.length).toBe(13);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) expect(r.tags.some((t) => /^attack\.t\d{4}/.test(t))).toBe(true);
  });

  it('every shipped rule has fixtures, and every fixture names a shipped rule', () => {
    expect(rules.map((r) => r.file).sort()).toEqual(Object.keys(RULE_FIXTURES).sort());
  });

  for (const [file, { positive, negative }] of Object.entries(RULE_FIXTURES)) {
    describe(file, () => {
      const rule = () => rules.find((r) => r.file === file)!;
      it.each(positive.map((e) => [e.event_name ?? `(unnamed) ${e.details.custom_message}`, e] as const))('fires on %s', (_name, event) => {
        expect(matchEvent([rule()], event).map((r) => r.file)).toEqual([file]);
      });
      it.each(negative.map((e) => [`${e.event_name ?? `(unnamed) ${e.details.custom_message}`} ${JSON.stringify(e.details.to ?? e.created_at)}`, e] as const))(
        'does not fire on %s',
        (_name, event) => {
          expect(matchEvent([rule()], event)).toEqual([]);
        },
      );
    });
  }
});
