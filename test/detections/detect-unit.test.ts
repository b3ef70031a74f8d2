// The pure parts of detect: --since parsing, dedupe, one report per (rule, event), author fallback, exit codes,
// and report escaping of attacker-written event fields.
import { describe, expect, it } from 'vitest';
import { parseSince } from '../../checks/cli/detect';
import { UsageError } from '../../checks/cli/io';
import { dedupeEvents, detectExitCode, findMatches, overBudgetError, toMatch, type RawMatch } from '../../detections/detect';
import { loadRules, parseRule } from '../../detections/engine';
import type { DetectResult } from '../../detections/model';
import { renderDetect } from '../../detections/report';
import { auditEvent } from './fixtures/events';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const { rules } = loadRules();

describe('parseSince', () => {
  it.each([
    ['7d', '2026-03-03T12:00:00.000Z'],
    ['12h', '2026-03-10T00:00:00.000Z'],
    ['30m', '2026-03-10T11:30:00.000Z'],
    ['2w', '2026-02-24T12:00:00.000Z'],
    ['2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01T08:30:00Z', '2026-03-01T08:30:00.000Z'],
  ])('%s -> %s', (value, want) => {
    expect(parseSince(value, NOW).toISOString()).toBe(want);
  });
  it.each(['0d', '7', 'seven days', '7y', '2027-01-01'])('refuses %s', (value) => {
    expect(() => parseSince(value, NOW)).toThrow(UsageError);
    expect(() => parseSince(value, NOW)).toThrow(`--since ${value}`);
  });
});

describe('matching', () => {
  const hook = auditEvent('webhook_created', { details: { target_details: 'Hook 9' } });
  const pub = auditEvent('project_visibility_level_updated', { details: { change: 'visibility_level', from: 'Private', to: 'Public' } });

  it('dedupes events seen in several scopes, newest id first', () => {
    const events = dedupeEvents([[hook, pub], [pub], [hook]]);
    expect(events.map((e) => e.id)).toEqual([pub.id, hook.id]);
  });

  it('reports an event once per matching rule', () => {
    const both = auditEvent('ci_variable_updated', { details: { change: 'variable masking', from: 'true', to: 'false', target_details: 'DB_PASSWORD' } });
    const found = findMatches(rules, dedupeEvents([[both], [both]]));
    expect(found.map((m) => m.rule.file).sort()).toEqual(['rules/ci-variable-changed.yml', 'rules/ci-variable-unmasked.yml']);
  });

  it('a rule that runs out of its step budget is set aside and reported, not counted as a non-match', () => {
    const huge = auditEvent('ci_variable_updated', { details: { change: 'variable masking', from: 'true', to: 'false', custom_message: 'x'.repeat(100_000) } });
    const overBudget: RawMatch[] = [];
    // 100,000 steps just to read custom_message: below that limit only rules that never look at it finish.
    const found = findMatches(rules, [huge], overBudget, 50_000);
    expect(found.map((m) => m.rule.file)).toEqual(['rules/ci-variable-changed.yml', 'rules/ci-variable-unmasked.yml']);
    expect(overBudget).toEqual([]);
    const user = parseRule(
      `title: t\nid: 33333333-2222-4333-8444-555555555555\nstatus: test\nlevel: low\nlogsource: { product: gitlab }\ntags: [attack.t1098]\ndetection:\n  sel:\n    details.custom_message|contains: needle\n  condition: sel\n`,
      'mine.yml',
    );
    findMatches([user], [huge], overBudget, 50_000);
    expect(overBudget.map((m) => [m.rule.file, m.event.id])).toEqual([['mine.yml', huge.id]]);
    expect(overBudgetError(overBudget[0], 50_000)).toEqual({
      scope: 'rules',
      file: 'mine.yml',
      message: `ran out of its matching budget (50,000 steps) on audit event ${huge.id}; that event was not judged by this rule`,
    });
    expect(detectExitCode(result({ errors: [overBudgetError(overBudget[0])] }), 'low')).toBe(2);
  });

  it('author is the username when known, else details.author_name (user gone)', () => {
    const [m] = findMatches(rules, [hook]);
    expect(toMatch(m, new Map([[7, 'mallory']])).event.author).toBe('mallory');
    expect(toMatch(m, new Map([[7, null]])).event.author).toBe('Mallory Attacker');
  });
});

function result(partial: Partial<DetectResult>): DetectResult {
  return {
    schemaVersion: 1,
    gitlab: { url: 'https://gitlab.example' },
    since: '2026-03-03T12:00:00.000Z',
    summary: { events: 1, rules: 13, matches: 0, unreadable: [], complete: true },
    matches: [],
    errors: [],
    ...partial,
  };
}

describe('detectExitCode', () => {
  const [lowMatch] = findMatches(rules, [auditEvent('ci_variable_created')]).map((m) => toMatch(m, new Map()));
  it.each([
    ['nothing', result({}), 'low', 0],
    ['low match, fail-on low', result({ matches: [lowMatch] }), 'low', 1],
    ['low match, fail-on medium', result({ matches: [lowMatch] }), 'medium', 0],
    ['informational fail-on catches low', result({ matches: [lowMatch] }), 'informational', 1],
    ['instance unreadable only', result({ errors: [{ scope: 'instance', message: '403' }] }), 'low', 0],
    ['group unreadable wins over matches', result({ matches: [lowMatch], errors: [{ scope: 'group', path: 'acme', message: '403' }] }), 'low', 2],
    ['bad rule file', result({ errors: [{ scope: 'rules', file: 'x.yml', message: 'bad' }] }), 'low', 2],
  ] as const)('%s', (_name, r, failOn, want) => {
    expect(detectExitCode(r, failOn)).toBe(want);
  });
});

describe('reports escape attacker-written fields', () => {
  const evil = auditEvent('webhook_created', { entity_path: 'acme/web', details: { target_details: 'Hook 1\u001b[2J| <img src=x>' } });
  const matches = findMatches(rules, [evil]).map((m) => toMatch(m, new Map([[7, 'mallory']])));
  const r = result({ matches, summary: { events: 1, rules: 13, matches: 1, unreadable: [], complete: true } });
  it('table: no terminal escape sequences', () => {
    const text = renderDetect('table', r, { rules });
    expect(text).not.toContain('\u001b');
    expect(text).toContain('Webhook added (review its host)');
  });
  it('markdown: no raw HTML, pipes escaped', () => {
    const text = renderDetect('markdown', r, { rules });
    expect(text).not.toContain('<img');
    expect(text).not.toContain('\u001b');
    expect(text).toContain(`| medium | Webhook added (review its host) | webhook_created #${evil.id} (Hook 1\ufffd&#91;2J\\| &lt;img src=x&gt;) | project acme/web | mallory |`);
  });
});
