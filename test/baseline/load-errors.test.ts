import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';
import { BaselineError } from '../../checks/baseline/errors';
import { loadBaseline, parseBaseline } from '../../checks/baseline/load';

const NOW = new Date('2026-06-01T12:00:00Z');

function errorOf(fn: () => unknown): BaselineError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BaselineError) return err;
    throw err;
  }
  throw new Error('expected a BaselineError, the baseline loaded');
}

const parse = (text: string) => errorOf(() => parseBaseline(text, 'baseline.yaml', { now: NOW }));

const T = 'targets:\n  groups: [acme]\n';

// One row per class of mistake: the YAML, then the single issue it must produce.
const cases: [string, string, { keyPath: string; line: number | undefined; message: string }][] = [
  [
    'wrong type in settings',
    `${T}settings:\n  mr-approvals: { min_approvals: two }\n`,
    { keyPath: 'settings.mr-approvals.min_approvals', line: 4, message: 'baseline.yaml:4: settings.mr-approvals.min_approvals: expected an integer from 1 to 100, got "two"' },
  ],
  [
    'number below the minimum',
    `${T}settings:\n  mr-approvals:\n    min_approvals: 0\n`,
    { keyPath: 'settings.mr-approvals.min_approvals', line: 5, message: 'baseline.yaml:5: settings.mr-approvals.min_approvals: expected an integer from 1 to 100, got 0' },
  ],
  [
    'access level not in the list',
    `${T}settings:\n  protected-branches: { push_access_level: 35 }\n`,
    { keyPath: 'settings.protected-branches.push_access_level', line: 4, message: 'baseline.yaml:4: settings.protected-branches.push_access_level: expected one of 0, 30, 40, 60, got 35' },
  ],
  [
    'empty branch list',
    `${T}settings:\n  protected-branches: { branches: [] }\n`,
    { keyPath: 'settings.protected-branches.branches', line: 4, message: 'baseline.yaml:4: settings.protected-branches.branches: expected a list with at least 1 item, got []' },
  ],
  [
    'unknown top-level key with a near miss',
    `${T}waiver: []\n`,
    { keyPath: 'waiver', line: 3, message: 'baseline.yaml:3: waiver: unknown key; did you mean "waivers"?' },
  ],
  [
    'unknown top-level key without a near miss',
    `${T}colour: blue\n`,
    { keyPath: 'colour', line: 3, message: 'baseline.yaml:3: colour: unknown key; expected one of gitlab, targets, profile, settings, rules, waivers' },
  ],
  [
    'unknown nested key',
    'targets:\n  groups: [acme]\n  exlude: []\n',
    { keyPath: 'targets.exlude', line: 3, message: 'baseline.yaml:3: targets.exlude: unknown key; did you mean "exclude"?' },
  ],
  [
    'unknown area',
    `${T}settings:\n  mr-aprovals: { min_approvals: 2 }\n`,
    { keyPath: 'settings.mr-aprovals', line: 4, message: 'baseline.yaml:4: settings.mr-aprovals: unknown area; did you mean "mr-approvals"?' },
  ],
  [
    'unknown setting of an area',
    `${T}settings:\n  two-factor: { grace_period: 8 }\n`,
    { keyPath: 'settings.two-factor.grace_period', line: 4, message: 'baseline.yaml:4: settings.two-factor.grace_period: unknown two-factor setting; did you mean "max_grace_period"?' },
  ],
  [
    'unknown rule id in rules',
    `${T}rules:\n  webhook.allowed-hosts: off\n`,
    { keyPath: 'rules.webhook.allowed-hosts', line: 4, message: 'baseline.yaml:4: rules.webhook.allowed-hosts: unknown rule id; did you mean "webhooks.allowed-hosts"?' },
  ],
  [
    'rule switch not on/off',
    `${T}rules:\n  ci.public-jobs: maybe\n`,
    { keyPath: 'rules.ci.public-jobs', line: 4, message: 'baseline.yaml:4: rules.ci.public-jobs: expected one of true, false, on, off, got "maybe"' },
  ],
  [
    'unknown profile',
    `${T}profile: hardend\n`,
    { keyPath: 'profile', line: 3, message: 'baseline.yaml:3: profile: expected one of baseline, hardened, got "hardend"' },
  ],
  [
    'unknown tier',
    `gitlab:\n  tier: gold\n${T}`,
    { keyPath: 'gitlab.tier', line: 2, message: 'baseline.yaml:2: gitlab.tier: expected one of free, premium, ultimate, got "gold"' },
  ],
  [
    'invalid URL',
    `gitlab:\n  url: gitlab.example.com\n${T}`,
    { keyPath: 'gitlab.url', line: 2, message: 'baseline.yaml:2: gitlab.url: expected an http(s) URL like https://gitlab.example.com, got "gitlab.example.com"' },
  ],
  [
    'unbalanced bracket in exclude',
    'targets:\n  groups: [acme]\n  exclude: ["acme/[ab"]\n',
    { keyPath: 'targets.exclude[0]', line: 3, message: 'baseline.yaml:3: targets.exclude[0]: expected a glob on full paths (unbalanced "["), got "acme/[ab"' },
  ],
  [
    'unbalanced brace in waiver target',
    `${T}waivers:\n  - { rule: ci.public-jobs, target: "acme/{a,b", reason: r, expires: 2027-01-01 }\n`,
    { keyPath: 'waivers[0].target', line: 4, message: 'baseline.yaml:4: waivers[0].target: expected a glob on full paths (unbalanced "{"), got "acme/{a,b"' },
  ],
  [
    'empty glob',
    'targets:\n  groups: [acme]\n  exclude: [""]\n',
    { keyPath: 'targets.exclude[0]', line: 3, message: 'baseline.yaml:3: targets.exclude[0]: expected a glob on full paths (an empty glob matches nothing), got ""' },
  ],
  [
    'glob in targets.groups',
    'targets:\n  groups: ["acme/*"]\n',
    { keyPath: 'targets.groups[0]', line: 2, message: 'baseline.yaml:2: targets.groups[0]: expected a full path like acme/web, not a glob (put globs in targets.exclude), got "acme/*"' },
  ],
  [
    'malformed waiver date',
    `${T}waivers:\n  - rule: ci.public-jobs\n    target: acme/web\n    reason: r\n    expires: 2027-02-30\n`,
    { keyPath: 'waivers[0].expires', line: 7, message: 'baseline.yaml:7: waivers[0].expires: expected a date YYYY-MM-DD, got "2027-02-30"' },
  ],
  [
    'waiver date not a date at all',
    `${T}waivers:\n  - rule: ci.public-jobs\n    target: acme/web\n    reason: r\n    expires: next year\n`,
    { keyPath: 'waivers[0].expires', line: 7, message: 'baseline.yaml:7: waivers[0].expires: expected a date YYYY-MM-DD, got "next year"' },
  ],
  [
    'waiver expiry already past',
    `${T}waivers:\n  - rule: ci.public-jobs\n    target: acme/web\n    reason: r\n    expires: 2026-06-01\n`,
    {
      keyPath: 'waivers[0].expires',
      line: 7,
      message: 'baseline.yaml:7: waivers[0].expires: expected a date after 2026-06-01 (renew the waiver with a new date and reason, or remove it), got "2026-06-01", already past',
    },
  ],
  [
    'waiver with an empty reason',
    `${T}waivers:\n  - rule: ci.public-jobs\n    target: acme/web\n    reason: "  "\n    expires: 2027-01-01\n`,
    { keyPath: 'waivers[0].reason', line: 6, message: 'baseline.yaml:6: waivers[0].reason: expected a non-empty text, got "  "' },
  ],
  [
    'waiver missing its reason',
    `${T}waivers:\n  - rule: ci.public-jobs\n    target: acme/web\n    expires: 2027-01-01\n`,
    { keyPath: 'waivers[0].reason', line: 4, message: 'baseline.yaml:4: waivers[0].reason: expected a non-empty text, got nothing' },
  ],
  [
    'unknown rule id in a waiver',
    `${T}waivers:\n  - { rule: visibility.projet, target: acme/web, reason: r, expires: 2027-01-01 }\n`,
    { keyPath: 'waivers[0].rule', line: 4, message: 'baseline.yaml:4: waivers[0].rule: expected a known rule id (did you mean "visibility.project"?), got "visibility.projet"' },
  ],
  [
    'waiver rule glob matching no rule',
    `${T}waivers:\n  - { rule: "webhook.*", target: acme/web, reason: r, expires: 2027-01-01 }\n`,
    { keyPath: 'waivers[0].rule', line: 4, message: 'baseline.yaml:4: waivers[0].rule: expected a rule-id glob that matches at least one rule (see `gitlab-posture rules`), got "webhook.*"' },
  ],
  [
    'duplicate group',
    'targets:\n  groups: [acme, Acme]\n',
    { keyPath: 'targets.groups[1]', line: 2, message: 'baseline.yaml:2: targets.groups[1]: expected each target listed once, got "Acme" again (already targets.groups[0])' },
  ],
  [
    'project already inside a listed group',
    'targets:\n  groups: [acme]\n  projects: [acme/sub/web]\n',
    {
      keyPath: 'targets.projects[0]',
      line: 3,
      message: 'baseline.yaml:3: targets.projects[0]: expected a target not already covered, got "acme/sub/web", already included by targets.groups[0] "acme"',
    },
  ],
  [
    'target group excluded entirely',
    'targets:\n  groups: [acme/sandbox]\n  exclude: ["acme/sandbox/**"]\n',
    {
      keyPath: 'targets.groups[0]',
      line: 2,
      message: 'baseline.yaml:2: targets.groups[0]: expected a target that targets.exclude does not remove, got "acme/sandbox", excluded by targets.exclude[0] "acme/sandbox/**"',
    },
  ],
  [
    'target group under an excluded parent',
    'targets:\n  groups: [acme/sandbox/deep]\n  exclude: [acme/sandbox]\n',
    {
      keyPath: 'targets.groups[0]',
      line: 2,
      message: 'baseline.yaml:2: targets.groups[0]: expected a target that targets.exclude does not remove, got "acme/sandbox/deep", excluded by targets.exclude[0] "acme/sandbox"',
    },
  ],
  [
    'no targets at all',
    'targets: {}\n',
    { keyPath: 'targets', line: 1, message: 'baseline.yaml:1: targets: expected at least one group in targets.groups or project in targets.projects, got no targets' },
  ],
  [
    'targets missing',
    'profile: hardened\n',
    { keyPath: 'targets', line: 1, message: 'baseline.yaml:1: targets: expected a mapping with keys groups, projects, exclude, got nothing' },
  ],
  [
    'not a mapping',
    '- acme\n',
    { keyPath: '', line: 1, message: 'baseline.yaml:1: expected a mapping with keys gitlab, targets, profile, settings, rules, waivers, got ["acme"]' },
  ],
  [
    'YAML syntax error',
    'targets:\n  groups: [acme\n',
    { keyPath: '', line: 3, message: 'baseline.yaml:3:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]' },
  ],
  ['YAML duplicate key', 'targets:\n  groups: [a]\n  groups: [b]\n', { keyPath: '', line: 3, message: 'baseline.yaml:3:3: YAML syntax error: Map keys must be unique' }],
  [
    'empty file',
    '\n# only a comment\n',
    { keyPath: '', line: undefined, message: 'baseline.yaml: the file is empty: expected a mapping with at least `targets:` (keys: docs/baseline.md; `gitlab-posture init` writes one)' },
  ],
];

describe('baseline load errors', () => {
  it.each(cases)('%s', (_name, yaml, want) => {
    const err = parse(yaml);
    expect(err.errors).toHaveLength(1);
    expect(err.file).toBe('baseline.yaml');
    expect(err.keyPath).toBe(want.keyPath);
    expect(err.line).toBe(want.line);
    expect(err.message).toBe(want.message);
  });

  it('reports a missing file with its path and what to do', () => {
    const file = join(tempDir('baseline-'), 'nope.yaml');
    const err = errorOf(() => loadBaseline(file, { now: NOW }));
    expect(err.file).toBe(file);
    expect(err.line).toBeUndefined();
    expect(err.message).toBe(
      `${file}: cannot read the baseline file (no such file). Pass --baseline with the path of your baseline.yaml, or write one with "gitlab-posture init --group PATH" (keys: docs/baseline.md).`,
    );
  });

  it('reports a directory given as the file', () => {
    const dir = tempDir('baseline-');
    mkdirSync(join(dir, 'b.yaml'));
    const err = errorOf(() => loadBaseline(join(dir, 'b.yaml'), { now: NOW }));
    expect(err.message).toContain('cannot read the baseline file (it is a directory)');
  });

  it('collects every problem in one error, ordered by line, one per message line', () => {
    const err = parse(
      [
        'gitlab: { tier: gold }', // 1
        'targets:', // 2
        '  groups: [acme, acme]', // 3
        'profile: strict', // 4
        'waivers:', // 5
        '  - { rule: nope, target: acme/web, reason: r, expires: 2020-01-01 }', // 6
        '  - { rule: ci.public-jobs, target: acme/web, reason: r, expires: 2020-01-01 }', // 7
      ].join('\n'),
    );
    expect(err.errors.map((e) => [e.line, e.keyPath])).toEqual([
      [1, 'gitlab.tier'],
      [3, 'targets.groups[1]'],
      [4, 'profile'],
      [6, 'waivers[0].rule'],
      [7, 'waivers[1].expires'],
    ]);
    expect(err.message.split('\n')).toEqual(err.errors.map((e) => e.message));
    // The first issue is mirrored on the error itself.
    expect([err.keyPath, err.line, err.expected, err.found]).toEqual(['gitlab.tier', 1, 'one of free, premium, ultimate', '"gold"']);
  });

  it('reads a baseline from disk', () => {
    const dir = tempDir('baseline-');
    writeFileSync(join(dir, 'baseline.yaml'), 'targets:\n  groups: [acme]\n');
    expect(loadBaseline(join(dir, 'baseline.yaml'), { now: NOW }).targets.groups).toEqual(['acme']);
  });
});
