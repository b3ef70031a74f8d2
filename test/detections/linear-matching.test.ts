// Matching runs in linear time (issue: attacker-written rule values and event fields). The attack: a rule
// value `a*a*a*a*a*b` against a 1 MB field of "a"s, which a backtracking regular expression (the engine's
// former `^.*a.*a.*a.*a.*a.*b$`) needs on the order of n^5 steps for. Asserted on step counts, and once
// end-to-end in a child process whose deadline is computed from a baseline run of a trivial rule.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateEvent, parseRule, StepBudget, type CompiledRule } from '../../detections/engine';

const HEADER = `title: Linear
id: 11111111-2222-4333-8444-555555555555
status: test
level: medium
logsource: { product: gitlab }
tags: [attack.t1098]
`;
const rule = (detection: string, id = '11111111-2222-4333-8444-555555555555'): CompiledRule =>
  parseRule(`${HEADER.replace('11111111-2222-4333-8444-555555555555', id)}detection:\n${detection.replace(/^/gm, '  ')}\n`, 'linear.yml');

const N = 1 << 20; // 1 MiB
const big = { id: 1, event_name: 'x', details: { custom_message: 'a'.repeat(N) } };

describe('wildcards on a 1 MB field', () => {
  // Reading the field costs N; literal pieces (KMP) at most 2 comparisons per character, pieces with `?` at
  // most their length per character: never N^2 or worse.
  it.each([
    ['contains a*a*a*a*a*b', "custom_message|contains: 'a*a*a*a*a*b'", 3],
    ['exact a*a*a*a*a*b', "custom_message: 'a*a*a*a*a*b'", 3],
    ['endswith a?a?a?a?b', "custom_message|endswith: 'a?a?a?a?b'", 3],
    ['contains a?a?a?a?a?b (a piece with ?)', "custom_message|contains: 'a?a?a?a?a?b'", 13],
    ['startswith many stars', "custom_message|startswith: '*a*a*a*a*a*a*a*a*a*a*a*a*b'", 3],
  ])('%s: no match, at most %s steps per character', (_name, field, perChar) => {
    const r = rule(`sel:\n  details.${field}\ncondition: sel`);
    const budget = new StepBudget();
    expect(r.matches(big, budget)).toBe(false);
    expect(budget.steps).toBeGreaterThanOrEqual(N);
    expect(budget.steps).toBeLessThanOrEqual(perChar * N);
  });

  it('the same patterns still match where they should', () => {
    const r = rule("sel:\n  details.custom_message|contains: 'a*a*a*a*a*b'\ncondition: sel");
    expect(r.matches({ id: 2, details: { custom_message: `${'a'.repeat(N)}b` } })).toBe(true);
  });
});

describe('regular expressions on a 1 MB field', () => {
  it('nested quantifiers (a+)+b do not backtrack: no match, cost charged linearly', () => {
    const r = rule("sel:\n  details.custom_message|re: '^(a+)+b$'\ncondition: sel");
    const budget = new StepBudget();
    expect(r.matches(big, budget)).toBe(false);
    expect(budget.steps).toBeLessThanOrEqual(4 * N);
  });
});

describe('each rule evaluation has a budget', () => {
  it('a rule over its budget is reported, and the other rules are still evaluated', () => {
    const heavy = rule("sel:\n  details.custom_message|contains:\n    - 'x*y'\n    - 'b*c'\n    - 'q'\ncondition: sel");
    const light = rule('sel:\n  event_name: x\ncondition: sel', '22222222-2222-4333-8444-555555555555');
    const result = evaluateEvent([heavy, light], big, 2 * N);
    expect(result.overBudget).toEqual([heavy]);
    expect(result.matched).toEqual([light]);
  });

  it('within the default budget the same rule is evaluated to the end', () => {
    const heavy = rule("sel:\n  details.custom_message|contains:\n    - 'x*y'\n    - 'b*c'\n    - 'q'\ncondition: sel");
    expect(evaluateEvent([heavy], big)).toEqual({ matched: [], overBudget: [] });
  });
});

describe('end to end, in a child process', () => {
  // Loads a rule file and matches the 1 MB event, the way detect/watch do. The deadline is 20x a baseline run of
  // a trivial rule on the same event (module loading included), so a slow machine is not a failure; the
  // backtracking engine this replaces does not finish within any such bound.
  const script = (value: string) => `
    const { parseRule } = require(${JSON.stringify(join(__dirname, '../../detections/engine'))});
    const r = parseRule(${JSON.stringify(HEADER)} + "detection:\\n  sel:\\n    details.custom_message|contains: '${value}'\\n  condition: sel\\n", 'x.yml');
    process.stdout.write(String(r.matches({ id: 1, details: { custom_message: 'a'.repeat(${N}) } })));
  `;
  const run = (value: string, timeout: number) => {
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script(value)], { encoding: 'utf8', timeout, cwd: join(__dirname, '../..') });
    return { ...r, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  };

  it("contains 'a*a*a*a*a*b' answers false within 20x the baseline", () => {
    const baseline = run('b', 120_000);
    expect(baseline.stdout).toBe('false');
    const attack = run('a*a*a*a*a*b', Math.ceil(20 * baseline.ms));
    expect(attack.error).toBeUndefined();
    expect(attack.stdout).toBe('false');
  }, 300_000);
});
