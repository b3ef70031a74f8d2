// The engine against Sigma specification v2 (SigmaHQ/sigma-specification: sigma-rules-specification.md,
// sigma-appendix-modifiers.md) and pySigma, the reference implementation (sigma/types.py SigmaString: a
// backslash escapes only `*`, `?` and itself; sigma/conditions.py ConditionSelector: `1`/`any`/`all of`,
// `_`-prefixed selections never selected by `them` or a pattern; modifiers refuse incompatible value types).
import { describe, expect, it } from 'vitest';
import { parseRule, RuleLoadError, type CompiledRule } from '../../detections/engine';

const HEADER = `title: Conformance
id: 11111111-2222-4333-8444-555555555555
status: test
level: medium
logsource: { product: gitlab }
tags: [attack.t1098]
`;

function rule(detection: string): CompiledRule {
  return parseRule(`${HEADER}detection:\n${detection.replace(/^/gm, '  ')}\n`, 'conformance.yml');
}

/** One field, one value (YAML text), against one event value. */
function fieldRule(key: string, yamlValue: string): CompiledRule {
  return rule(`sel:\n  ${key}: ${yamlValue}\ncondition: sel`);
}

const ev = (value: unknown) => ({ id: 1, event_name: 'x', details: { v: value } }) as Record<string, unknown>;

describe('values (Sigma strings, wildcards and escapes)', () => {
  it.each([
    // A trailing backslash is literal, and contains/startswith/endswith add wildcards around the parsed value.
    ['contains, value ending in a backslash', 'details.v|contains', "'\\Microsoft Office\\'", 'C:\\Program Files\\Microsoft Office\\root', true],
    ['contains, the backslashes are required', 'details.v|contains', "'\\Microsoft Office\\'", 'Microsoft Office', false],
    ['endswith, value ending in a backslash', 'details.v|endswith', "'Office\\'", 'C:\\Office\\', true],
    ['startswith, value ending in a backslash', 'details.v|startswith', "'C:\\'", 'C:\\Windows', true],
    ['startswith, trailing backslash is not an escaped star', 'details.v|startswith', "'C:\\'", 'C:*', false],
    ['\\* is a literal star', 'details.v', "'a\\*b'", 'a*b', true],
    ['\\* does not match other text', 'details.v', "'a\\*b'", 'axb', false],
    ['\\\\ then * : literal backslash, then a wildcard', 'details.v', "'a\\\\*'", 'a\\xyz', true],
    ['backslash before another character is literal', 'details.v', "'C:\\x'", 'c:\\x', true],
    ['? is one character', 'details.v', "'a?c'", 'abc', true],
    ['? is exactly one character', 'details.v', "'a?c'", 'abbc', false],
    ['? matches one astral character', 'details.v', "'a?c'", 'a😀c', true],
    ['?? does not match one astral character', 'details.v', "'a??c'", 'a😀c', false],
    ['* matches across astral characters', 'details.v', "'a*c'", 'a😀😀c', true],
    // pySigma tests/test_types.py: test_strings_escaping, _escaping_nonspecial, _escaping_end.
    ['pySigma escaping: escaped\\*\\?\\\\*? is "escaped*?\\" then * then ?', 'details.v', "'escaped\\*\\?\\\\*?'", 'escaped*?\\abc', true],
    ['pySigma escaping: the final ? needs one character', 'details.v', "'escaped\\*\\?\\\\*?'", 'escaped*?\\', false],
    ['pySigma escaping: \\n is a backslash and an n', 'details.v', "'escaped\\nonspecial'", 'escaped\\nonspecial', true],
    ['pySigma escaping: a final backslash is literal', 'details.v', "'finalescape\\'", 'finalescape\\', true],
    ['case-insensitive beyond ASCII', 'details.v', "'ÄRGER'", 'ärger', true],
    ['cased', 'details.v|cased', "'ÄRGER'", 'ärger', false],
    ['contains is anywhere', 'details.v|contains', "'fOo'", 'xxFOOxx', true],
    ['a wildcard-only value matches any text', 'details.v', "'*'", '', true],
  ])('%s', (_name, key, value, text, want) => {
    expect(fieldRule(key, value).matches(ev(text))).toBe(want);
  });
});

describe('numbers and booleans', () => {
  it.each([
    ['10 matches the number 10', 10, true],
    ['10 matches the text "10"', '10', true],
    ['10 does not match "0xa"', '0xa', false],
    ['10 does not match "10.0"', '10.0', false],
    ['10 does not match " 10 "', ' 10 ', false],
    ['10 does not match "010"', '010', false],
    ['10 does not match 10.5', 10.5, false],
  ])('%s', (_name, value, want) => {
    expect(fieldRule('details.v', '10').matches(ev(value))).toBe(want);
  });

  it.each([
    ['true matches true', true, true],
    ['true matches "true"', 'true', true],
    ['true does not match 1', 1, false],
    ['true does not match "yes"', 'yes', false],
  ])('%s', (_name, value, want) => {
    expect(fieldRule('details.v', 'true').matches(ev(value))).toBe(want);
  });

  it('a quoted number is a string and matches its text', () => {
    expect(fieldRule('details.v|contains', "'10'").matches(ev(2100))).toBe(true);
  });

  it.each([
    ['contains on a number', 'details.v|contains', '10', 'contains applies to strings, got the number 10'],
    ['startswith on a boolean', 'details.v|startswith', 'true', 'startswith applies to strings, got the boolean true'],
    ['endswith on a number', 'details.v|endswith', '7', 'endswith applies to strings'],
    ['re on a number', 'details.v|re', '10', 're applies to strings'],
    ['cidr on a number', 'details.v|cidr', '10', 'cidr applies to strings'],
    ['cased on a number', 'details.v|cased', '10', 'cased applies to strings'],
  ])('string modifiers refuse %s', (_name, key, value, message) => {
    expect(() => fieldRule(key, value)).toThrow(RuleLoadError);
    expect(() => fieldRule(key, value)).toThrow(message);
  });
});

describe('exists and null', () => {
  it.each([
    ['exists: true, value null (present)', 'true', { v: null }, true],
    ['exists: false, value null (present)', 'false', { v: null }, false],
    ['exists: true, value empty string', 'true', { v: '' }, true],
    ['exists: false, field missing', 'false', {}, true],
    ['exists: true, field missing', 'true', {}, false],
  ])('%s', (_name, want, details, expected) => {
    expect(fieldRule('details.v|exists', want).matches({ id: 1, details })).toBe(expected);
  });

  it.each([
    ['null matches a null value', { v: null }, true],
    ['null matches a missing field', {}, true],
    ['null does not match an empty string', { v: '' }, false],
  ])('%s', (_name, details, expected) => {
    expect(fieldRule('details.v', 'null').matches({ id: 1, details })).toBe(expected);
  });
});

describe('regular expressions: Sigma subset only, linear engine', () => {
  it.each([
    ['anchors, dot and star', "'^a.*b$'", 'axxb', true],
    ['negated class', "'^[^a-z]+$'", 'ABC', true],
    ['group, alternation and bounded repeat', "'^(ab|cd){2,3}$'", 'abcdab', true],
    ['bounded repeat, too few', "'^(ab|cd){2,3}$'", 'ab', false],
    ['escaped metacharacter', "'^a\\.b$'", 'a.b', true],
    ['escaped metacharacter is literal', "'^a\\.b$'", 'axb', false],
    ['(?i) prefix as the i flag', "'(?i)^ABC$'", 'abc', true],
    ['case-sensitive by default', "'^ABC$'", 'abc', false],
    ['unanchored search', "'b+'", 'abbbc', true],
    ['nested quantifiers stay linear', "'^(a+)+b$'", 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', false],
  ])('%s', (_name, pattern, text, want) => {
    expect(fieldRule('details.v|re', pattern).matches(ev(text))).toBe(want);
  });

  it.each([
    ['\\d', "'\\d+'", '"\\d" at position 1 is not in Sigma\'s regular-expression subset'],
    ['\\w', "'a\\w'", '"\\w" at position 2'],
    ['\\b', "'\\bword'", '"\\b" at position 1'],
    ['lookahead', "'a(?=b)'", '"(?" at position 2'],
    ['non-capturing group', "'(?:ab)+'", '"(?" at position 1'],
    ['inline flag inside', "'a(?i)b'", '"(?" at position 2'],
    ['lazy quantifier', "'a*?b'", 'quantifier "?" at position 3 follows nothing it can repeat'],
    ['possessive quantifier', "'a++'", 'quantifier "+" at position 3'],
    ['POSIX class', "'[[:alpha:]]'", 'POSIX class'],
    ['class shorthand inside brackets', "'[\\d]'", 'inside [...]'],
    ['literal brace', "'a{b'", 'does not start a repetition'],
    ['reversed bounds', "'a{3,1}'", 'has its bounds reversed'],
    ['huge repetition', "'a{1001}'", 'exceeds 1000'],
    ['unclosed group', "'(ab'", 'unclosed "("'],
    ['unclosed class', "'[ab'", 'unclosed "["'],
  ])('refuses %s', (_name, pattern, message) => {
    expect(() => fieldRule('details.v|re', pattern)).toThrow(RuleLoadError);
    expect(() => fieldRule('details.v|re', pattern)).toThrow(message);
  });
});

describe('conditions', () => {
  const sels = 'sel_a:\n  details.v: a\nsel_b:\n  details.v: b\n_filter:\n  details.v: a\n';
  it.each([
    ['any of is 1 of', 'any of sel_*', 'a', true],
    ['all of them leaves out _filter', 'all of sel_a', 'a', true],
    ['all of them with _filter left out', 'all of them', 'a', false],
    ['an underscore selection named directly', 'sel_a and not _filter', 'a', false],
  ])('%s', (_name, condition, value, want) => {
    expect(rule(`${sels}condition: ${condition}`).matches(ev(value))).toBe(want);
  });

  it.each(['1 of them', '1 of *', 'any of *'])('"%s" skips _filter: a value only _filter would match does not fire', (condition) => {
    const r = rule(`sel:\n  details.v: a\n_filter:\n  details.v: z\ncondition: ${condition}`);
    expect(r.matches(ev('z'))).toBe(false);
    expect(r.matches(ev('a'))).toBe(true);
  });

  it('a pattern that only names _-prefixed selections is refused, saying why', () => {
    expect(() => rule(`${sels}condition: 1 of _*`)).toThrow('"_*" matches no selection (selections starting with "_" are left out of "of"; name them directly)');
  });

  it.each([
    ['2 of', '2 of sel_*', '"2 of" is not supported; use "1 of", "any of" or "all of"'],
    ['aggregation', 'sel_a | count() > 2', 'aggregation'],
  ])('refuses %s', (_name, condition, message) => {
    expect(() => rule(`${sels}condition: ${condition}`)).toThrow(message);
  });
});
