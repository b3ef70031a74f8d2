// The Sigma subset: one table per modifier and condition form, and every load error naming file and construct.
import { describe, expect, it } from 'vitest';
import { parseRule, RuleLoadError, type CompiledRule } from '../../detections/engine';
import { auditEvent } from './fixtures/events';

const HEADER = `title: Test rule
id: 11111111-2222-4333-8444-555555555555
status: test
level: medium
logsource: { product: gitlab }
tags: [attack.t1098]
`;

function rule(detection: string): CompiledRule {
  return parseRule(`${HEADER}detection:\n${detection.replace(/^/gm, '  ')}\n`, 'test.yml');
}

function loadError(text: string): string {
  try {
    parseRule(text, 'user/bad.yml');
  } catch (err) {
    expect(err).toBeInstanceOf(RuleLoadError);
    return (err as Error).message;
  }
  throw new Error('expected a load error');
}

const ev = auditEvent('project_visibility_level_updated', {
  details: { change: 'visibility_level', from: 'Private', to: 'Public', ip_address: '203.0.113.9', target_details: 'Hook *1?', labels: ['Maintainers', 'Developers + Maintainers'] } as never,
});
const ev6 = auditEvent('x', { details: { ip_address: '2001:db8:abcd::17' } });

describe('field values', () => {
  it.each([
    ['exact, case-insensitive', 'event_name: PROJECT_visibility_level_updated', ev, true],
    ['exact mismatch', 'event_name: project_visibility', ev, false],
    ['nested field', 'details.to: public', ev, true],
    ['list of values is OR', 'details.to: [Internal, Public]', ev, true],
    ['list of values, none', 'details.to: [Internal, Private]', ev, false],
    ['* wildcard', 'event_name: project_*_updated', ev, true],
    ['? wildcard', 'details.to: P?blic', ev, true],
    ['? is one character', 'details.to: P?lic', ev, false],
    ['escaped \\* is literal', 'details.target_details: "Hook \\\\*1?"', ev, true],
    ['escaped \\* does not match other text', 'details.target_details: "Hook \\\\*2?"', ev, false],
    ['contains', 'event_name|contains: VISIBILITY', ev, true],
    ['startswith', 'event_name|startswith: project_', ev, true],
    ['startswith mismatch', 'event_name|startswith: group_', ev, false],
    ['endswith', 'event_name|endswith: _updated', ev, true],
    ['cased', 'details.to|cased: public', ev, false],
    ['cased exact', 'details.to|cased: Public', ev, true],
    ['contains|all: every value', 'event_name|contains|all: [project, level]', ev, true],
    ['contains|all: one missing', 'event_name|contains|all: [project, group]', ev, false],
    ['array field: any element', 'details.labels|contains: developers', ev, true],
    ['array field with all', 'details.labels|all: [maintainers, developers*]', ev, true],
    ['re is case-sensitive', "event_name|re: '^PROJECT_'", ev, false],
    ['re with (?i)', "event_name|re: '(?i)^PROJECT_'", ev, true],
    ['re|i', "event_name|re|i: '^PROJECT_'", ev, true],
    ['re', "event_name|re: '^project_(visibility|feature)_'", ev, true],
    ['cidr IPv4 inside', 'details.ip_address|cidr: 203.0.113.0/24', ev, true],
    ['cidr IPv4 outside', 'details.ip_address|cidr: 198.51.100.0/24', ev, false],
    ['cidr IPv6 inside', 'details.ip_address|cidr: 2001:db8::/32', ev6, true],
    ['cidr IPv6 outside', 'details.ip_address|cidr: 2001:db9::/32', ev6, false],
    ['cidr family mismatch', 'details.ip_address|cidr: 2001:db8::/32', ev, false],
    ['exists true', 'details.change|exists: true', ev, true],
    ['exists false', 'details.add|exists: false', ev, true],
    ['exists true on missing', 'details.add|exists: true', ev, false],
    ['null matches missing', 'details.remove: null', ev, true],
    ['null does not match present', 'details.change: null', ev, false],
    ['number equality', 'entity_id: 200', ev, true],
    ['lt', 'entity_id|lt: 201', ev, true],
    ['lt boundary', 'entity_id|lt: 200', ev, false],
    ['lte boundary', 'entity_id|lte: 200', ev, true],
    ['gt', 'entity_id|gt: 199', ev, true],
    ['gte boundary', 'entity_id|gte: 200', ev, true],
    ['gt on a non-number', 'details.to|gt: 1', ev, false],
    ['hour (UTC) extension', 'created_at|hour: 10', ev, true],
    ['hour|lt', 'created_at|hour|lt: 10', ev, false],
    ['weekday (UTC, Wednesday = 3)', 'created_at|weekday: 3', ev, true],
  ])('%s', (_name, field, event, want) => {
    expect(rule(`sel:\n  ${field}\ncondition: sel`).matches(event)).toBe(want);
  });

  it('booleans match booleans and their string forms', () => {
    const r = rule('sel:\n  details.to: false\ncondition: sel');
    expect(r.matches(auditEvent('x', { details: { to: false } }))).toBe(true);
    expect(r.matches(auditEvent('x', { details: { to: 'False' } }))).toBe(true);
    expect(r.matches(auditEvent('x', { details: { to: 0 } }))).toBe(false);
    expect(r.matches(auditEvent('x', { details: { to: true } }))).toBe(false);
  });

  it('a map is AND of its fields, a list of maps is OR', () => {
    const and = rule('sel:\n  event_name: project_visibility_level_updated\n  details.to: Private\ncondition: sel');
    expect(and.matches(ev)).toBe(false);
    const or = rule('sel:\n  - event_name: nope\n  - details.to: Public\ncondition: sel');
    expect(or.matches(ev)).toBe(true);
    const none = rule('sel:\n  - event_name: nope\n  - details.to: Private\ncondition: sel');
    expect(none.matches(ev)).toBe(false);
  });
});

describe('conditions', () => {
  const sels = 'sel_a:\n  event_name|startswith: project_\nsel_b:\n  details.to: Public\nother:\n  details.to: Private\n_helper:\n  details.to: Private\n';
  it.each([
    ['sel_a and sel_b', true],
    ['sel_a and other', false],
    ['sel_a or other', true],
    ['not other', true],
    ['not sel_a', false],
    ['sel_a and not other', true],
    ['not (sel_a and other)', true],
    ['not sel_a or sel_b', true], // not binds tighter than or
    ['other or sel_a and sel_b', true], // and binds tighter than or
    ['(other or sel_a) and not sel_b', false],
    ['1 of sel_*', true],
    ['all of sel_*', true],
    ['all of sel_* and other', false],
    ['1 of them', true],
    ['all of them', false], // `other` is in them
    ['all of sel_* and not _helper', true],
    ['any of sel_*', true],
    ['sel_a AND sel_b', true],
  ])('%s -> %s', (condition, want) => {
    expect(rule(`${sels}condition: ${condition}`).matches(ev)).toBe(want);
  });

  it('"them" leaves out selections starting with an underscore', () => {
    const r = rule('sel:\n  details.to: Public\n_filter:\n  details.to: Private\ncondition: all of them');
    expect(r.matches(ev)).toBe(true);
  });

  it('a list of conditions is their union', () => {
    const r = rule('a:\n  details.to: Private\nb:\n  details.to: Public\ncondition:\n  - a\n  - b');
    expect(r.matches(ev)).toBe(true);
  });
});

describe('load errors name the file and the construct', () => {
  const det = (d: string) => `${HEADER}detection:\n${d.replace(/^/gm, '  ')}\n`;
  it.each([
    ['unknown modifier', det('sel:\n  event_name|base64: x\ncondition: sel'), 'user/bad.yml: detection.sel: field "event_name|base64" uses the unsupported modifier "base64"'],
    ['two match modifiers', det('sel:\n  event_name|contains|startswith: x\ncondition: sel'), 'combines the modifiers "contains" and "startswith"'],
    ['aggregation', det('sel:\n  event_name: x\ncondition: sel | count() by author_id > 5'), 'aggregation "| count() by author_id > 5" is not supported'],
    ['near', det('sel:\n  event_name: x\ncondition: sel and near other'), '"near" (temporal correlation) is not supported'],
    ['timeframe', det('sel:\n  event_name: x\ntimeframe: 5m\ncondition: sel'), 'detection.timeframe: "timeframe" (aggregation windows) is not supported'],
    ['unknown identifier', det('sel:\n  event_name: x\ncondition: sel or selection2'), 'unknown identifier "selection2" (selections: sel)'],
    ['pattern matching nothing', det('sel:\n  event_name: x\ncondition: 1 of filter_*'), '"filter_*" matches no selection'],
    ['"2 of"', det('sel:\n  event_name: x\ncondition: 2 of sel*'), '"2 of" is not supported'],
    ['unbalanced parenthesis', det('sel:\n  event_name: x\ncondition: (sel'), 'missing ")"'],
    ['trailing token', det('sel:\n  event_name: x\ncondition: sel sel'), 'unexpected "sel" at position 5'],
    ['missing condition', det('sel:\n  event_name: x'), 'detection.condition is missing'],
    ['keyword list', det('keywords:\n  - evil\ncondition: keywords'), 'keyword lists (plain values without a field name) are not supported'],
    ['bad cidr', det('sel:\n  details.ip_address|cidr: 10.0.0.0/33\ncondition: sel'), '"10.0.0.0/33" is not an IPv4 or IPv6 network'],
    ['bad regex', det("sel:\n  event_name|re: '(unclosed'\ncondition: sel"), 'regular expression "(unclosed": unclosed "("'],
    ['lt without a number', det('sel:\n  entity_id|lt: many\ncondition: sel'), 'lt takes a number'],
    ['exists without a boolean', det('sel:\n  details.add|exists: yes-please\ncondition: sel'), 'exists takes true or false'],
    ['empty selection', det('sel: {}\ncondition: sel'), 'empty map'],
    ['bad level', HEADER.replace('level: medium', 'level: severe') + 'detection:\n  sel: { event_name: x }\n  condition: sel\n', 'user/bad.yml: level:'],
    ['bad id', HEADER.replace('11111111-2222-4333-8444-555555555555', 'rule-1') + 'detection:\n  sel: { event_name: x }\n  condition: sel\n', 'id: expected a UUID'],
    ['wrong product', HEADER.replace('product: gitlab', 'product: windows') + 'detection:\n  sel: { event_name: x }\n  condition: sel\n', 'logsource.product: expected product: gitlab'],
    ['no ATT&CK technique', HEADER.replace('attack.t1098', 'attack.persistence') + 'detection:\n  sel: { event_name: x }\n  condition: sel\n', 'tags: expected at least one MITRE ATT&CK technique tag'],
    ['missing title', HEADER.replace('title: Test rule\n', '') + 'detection:\n  sel: { event_name: x }\n  condition: sel\n', 'user/bad.yml: missing metadata: title ('],
    ['YAML syntax', 'title: [unclosed\n', 'user/bad.yml: YAML:'],
    ['two documents', `${HEADER}detection: { sel: { event_name: x }, condition: sel }\n---\n${HEADER}`, '2 YAML documents'],
  ])('%s', (_name, text, fragment) => {
    expect(loadError(text)).toContain(fragment);
  });
});

describe('custom rule metadata: every problem at once (issue 15)', () => {
  it('names every missing key in one list, then each invalid value with its key', () => {
    const text = 'id: not-a-uuid\nlevel: severe\nlogsource: { service: audit }\ndetection:\n  sel: { event_name: x }\n';
    expect(loadError(text)).toBe(
      'user/bad.yml: missing metadata: title, status, logsource.product, tags, detection.condition ' +
        '(a rule needs title, id, status, level, logsource.product: gitlab, tags with an ATT&CK technique, detection with a condition); ' +
        'id: expected a UUID like 5f0c4e3a-1d2b-4c8e-9a7f-3b6d2e1f0a9c; ' +
        'level: Invalid option: expected one of "informational"|"low"|"medium"|"high"|"critical"',
    );
  });

  it('a rule with only a detection lists all six metadata keys', () => {
    expect(loadError('detection:\n  sel: { event_name: x }\n  condition: sel\n')).toMatch(/^user\/bad\.yml: missing metadata: title, id, status, level, logsource, tags \(a rule needs /);
  });
});
