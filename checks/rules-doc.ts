// The rule catalog as data, markdown and JSON: `gitlab-posture rules` prints it and `npm run docs` writes
// docs/rules.md from it (test/docs fails when the file is stale). Pure: catalog + built-in profiles in, text out.
import type { Tier } from '../gitlab/types';
import type { Severity, TargetKind } from '../model/target';
import { loadProfile } from './baseline/load';
import { isOn, PROFILE_NAMES } from './baseline/schema';
import type { ProfileName } from '../model/baseline';
import { CATALOG } from '../policies/catalog';
import { areaParams, type Area } from '../policies/params';
import { minTierFor, type Rule } from '../policies/rule';
import { scenarioAnchor } from '../policies/scenarios';
import { LEGITIFY_POLICIES, NOT_COVERED } from '../policies/legitify';

import type { RulesFormat } from './report/formats';

export type { RulesFormat } from './report/formats';

/** GitLab's "Responding to security incidents" guide, whose headings rules name as `scenario`. */
export const INCIDENT_GUIDE_URL = 'https://docs.gitlab.com/security/responding_to_security_incidents/';

export interface RuleParamDoc {
  key: string;
  /** The schema default (policies/params.ts), used when neither profile nor baseline sets the key. */
  default: unknown;
  /** Value per built-in profile. */
  profiles: Record<ProfileName, unknown>;
}

export interface RuleDoc {
  id: string;
  area: string;
  title: string;
  description: string;
  severity: Severity;
  scope: TargetKind[];
  /** Lowest tier per scope. */
  minTier: Partial<Record<TargetKind, Tier>>;
  requiresAdmin: boolean;
  params: RuleParamDoc[];
  /** On or off in each built-in profile. */
  profiles: Record<ProfileName, boolean>;
  scenario: { heading: string; url: string };
  /** Legit-Labs/legitify GitLab policies this rule covers (`<package>.<rule>`), from policies/legitify.ts. */
  legitify: string[];
}

export function ruleDocs(catalog: readonly Rule[] = CATALOG): RuleDoc[] {
  const profiles = PROFILE_NAMES.map((name) => [name, loadProfile(name)] as const);
  return catalog.map((rule) => {
    const area = rule.area as Area;
    const schema = areaParams[area];
    const defaults = schema.parse({}) as Record<string, unknown>;
    return {
      id: rule.id,
      area: rule.area,
      title: rule.title,
      description: rule.description,
      severity: rule.severity,
      scope: [...rule.scope],
      minTier: Object.fromEntries(rule.scope.map((k) => [k, minTierFor(rule, k)])),
      requiresAdmin: rule.requiresAdmin ?? false,
      params: rule.params.map((key) => ({
        key,
        default: defaults[key],
        profiles: Object.fromEntries(
          profiles.map(([name, p]) => [name, (p.settings as Record<string, Record<string, unknown> | undefined>)[area]?.[key] ?? defaults[key]]),
        ) as Record<ProfileName, unknown>,
      })),
      profiles: Object.fromEntries(
        profiles.map(([name, p]) => {
          const v = (p.rules as Record<string, Parameters<typeof isOn>[0] | undefined>)[rule.id];
          return [name, v === undefined ? true : isOn(v)];
        }),
      ) as Record<ProfileName, boolean>,
      scenario: { heading: rule.scenario, url: `${INCIDENT_GUIDE_URL}#${scenarioAnchor(rule.scenario)}` },
      legitify: LEGITIFY_POLICIES.filter((l) => l.rule === rule.id).map((l) => l.policy),
    };
  });
}

export function renderRules(format: RulesFormat, catalog: readonly Rule[] = CATALOG): string {
  const docs = ruleDocs(catalog);
  return format === 'json' ? JSON.stringify({ schemaVersion: 1, rules: docs }, null, 2) + '\n' : rulesMarkdown(docs);
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v)).replace(/\|/g, '\\|');
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function tierText(d: RuleDoc): string {
  const tiers = new Set(Object.values(d.minTier));
  if (tiers.size <= 1) return [...tiers][0] ?? 'free';
  return d.scope.map((k) => `${d.minTier[k]} (${k})`).join(', ');
}

function onOff(on: boolean): string {
  return on ? 'on' : 'off';
}

export function rulesMarkdown(docs: readonly RuleDoc[]): string {
  const out: string[] = [
    '# Rule catalog',
    '',
    '<!-- Generated from policies/ by `npm run docs` (same as `gitlab-posture rules --format markdown`). Do not edit by hand. -->',
    '',
    `${docs.length} rules. Each is judged per target (scope); a rule above the detected tier is reported as`,
    '`skipped`, never as passed. Profiles: `baseline` (minimum sane settings) and `hardened`; a baseline file',
    'turns rules on or off under `rules:` and overrides parameters under `settings.<area>` (docs/baseline.md).',
    '',
    'The last two columns say which [legitify](https://github.com/Legit-Labs/legitify) GitLab policies a rule covers',
    '(see [legitify coverage](#legitify-coverage)) and which scenario of GitLab\'s incident guide it defends.',
    '',
    '| id | area | severity | scope | min tier | baseline | hardened | legitify | incident scenario |',
    '|---|---|---|---|---|---|---|---|---|',
    ...docs.map(
      (d) =>
        `| [\`${d.id}\`](#${mdAnchor(d.id)}) | ${d.area} | ${d.severity} | ${d.scope.join(', ')} | ${cell(tierText(d))} | ${onOff(d.profiles.baseline)} | ${onOff(d.profiles.hardened)} | ${d.legitify.map((l) => `\`${l}\``).join('<br>') || '–'} | [${d.scenario.heading}](${d.scenario.url}) |`,
    ),
  ];
  // Sections follow the id prefix, so the instance rules (areas two-factor, git-abuse) get their own.
  let section: string | undefined;
  for (const d of docs) {
    const prefix = d.id.split('.')[0]!;
    if (prefix !== section) {
      section = prefix;
      out.push('', `## ${section}`);
    }
    out.push(
      '',
      `### ${d.id}`,
      '',
      `**${d.title}.** ${d.description}`,
      '',
      `- Severity: ${d.severity}; scope: ${d.scope.join(', ')}; min tier: ${tierText(d)}${d.requiresAdmin ? '; needs an administrator token' : ''}`,
      `- Profiles: baseline ${onOff(d.profiles.baseline)}, hardened ${onOff(d.profiles.hardened)}`,
      `- Defends: [${d.scenario.heading}](${d.scenario.url}) (incident guide; see docs/playbook.md)`,
    );
    if (d.params.length === 0) out.push('- Parameters: none');
    else {
      out.push(
        `- Parameters (\`settings.${d.area}\`):`,
        '',
        '  | key | default | baseline | hardened |',
        '  |---|---|---|---|',
        ...d.params.map((p) => `  | \`${p.key}\` | \`${show(p.default)}\` | \`${show(p.profiles.baseline)}\` | \`${show(p.profiles.hardened)}\` |`),
      );
    }
  }
  out.push(...coverageMarkdown());
  return out.join('\n') + '\n';
}

/** Every legitify GitLab policy with the rule that covers it, and what the REST API cannot read. */
function coverageMarkdown(): string[] {
  return [
    '',
    '## legitify coverage',
    '',
    `Each of legitify's ${LEGITIFY_POLICIES.length} GitLab policies (\`policies/gitlab/*.rego\`: organization, repository, member, server) and the rule`,
    'that covers it. A note says where the rule judges differently.',
    '',
    '| legitify policy | title | rule | note |',
    '|---|---|---|---|',
    ...LEGITIFY_POLICIES.map((l) => `| \`${l.policy}\` | ${cell(l.title)} | [\`${l.rule}\`](#${mdAnchor(l.rule)}) | ${cell(l.note ?? '')} |`),
    '',
    '## Not covered',
    '',
    'Settings named by the incident guide or asked for that no rule checks, and why:',
    '',
    ...NOT_COVERED.map((n) => `- ${n.what}: ${n.why}.`),
  ];
}

/** GitHub/GitLab heading anchor of a rule id heading (`### two-factor.required` -> `two-factorrequired`). */
function mdAnchor(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
}
