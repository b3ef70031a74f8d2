// `--format sarif`: SARIF 2.1.0 for code-scanning dashboards. A GitLab setting has no file or line, so results
// carry logical locations only (the target's full path); a physicalLocation with a web URL is not valid SARIF.
import type * as Sarif from 'sarif';
import type { CheckResult, Finding } from '../../model/result';
import { INFORMATION_URI, TOOL_NAME } from '../../model/tool';
import type { Severity, TargetRef } from '../../model/target';
import {
  compareErrors,
  compareFindings,
  compareSkipped,
  fingerprint,
  sorted,
  type ReportContext,
  type RuleMeta,
} from './common';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

// GitHub and GitLab rank security results by this CVSS-like score (a string, by their convention).
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

const FINGERPRINT_KEY = 'gitlabPosture/v1';

function logicalLocation(t: TargetRef): Sarif.LogicalLocation {
  return { fullyQualifiedName: t.path, name: t.path.split('/').pop() ?? t.path, kind: t.kind };
}

function tierText(rule: RuleMeta): string {
  return rule.scope.map((kind) => `${kind}: ${typeof rule.minTier === 'string' ? rule.minTier : rule.minTier[kind] ?? 'free'}`).join(', ');
}

function reportingDescriptor(rule: RuleMeta): Sarif.ReportingDescriptor {
  const fix =
    'Run `gitlab-posture revert --dry-run` to see the change that restores the baseline, then `gitlab-posture revert` ' +
    '(deleting an unknown webhook also needs `--allow-destructive`). If the setting is intended, add a waiver with a ' +
    'reason and an expiry date to the baseline file.';
  const text = `${rule.description}\n\nIncident scenario: ${rule.scenario}\n\nHow to fix: ${fix.replace(/`/g, '')}`;
  const markdown = [
    `## ${rule.title}`,
    '',
    rule.description,
    '',
    `**Incident scenario:** ${rule.scenario}`,
    '',
    `**How to fix:** ${fix}`,
    '',
    `**Applies to:** ${rule.scope.join(', ')} (minimum tier: ${tierText(rule)})`,
  ].join('\n');
  return {
    id: rule.id,
    name: rule.id
      .split(/[.-]/)
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(''),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: { text, markdown },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: ['security', rule.area, rule.scenario],
      'security-severity': SECURITY_SEVERITY[rule.severity],
      severity: rule.severity,
    },
  };
}

/** Rules of the catalog, plus a bare entry for any rule id a result names that the catalog lacks. */
function descriptors(result: CheckResult, rules: readonly RuleMeta[]): Sarif.ReportingDescriptor[] {
  const known = new Map(rules.map((r) => [r.id, r]));
  const ids = new Set<string>([...known.keys(), ...result.findings.map((f) => f.rule), ...result.skipped.map((s) => s.rule)]);
  return [...ids].sort().map((id) => {
    const rule = known.get(id);
    return rule ? reportingDescriptor(rule) : { id, shortDescription: { text: id } };
  });
}

function resultOf(f: Finding, ruleIndex: number): Sarif.Result {
  return {
    ruleId: f.rule,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: `${f.target.path}: ${f.message}` },
    locations: [{ logicalLocations: [logicalLocation(f.target)] }],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(f) },
    ...(f.waived && {
      suppressions: [
        { kind: 'external' as const, status: 'accepted' as const, justification: f.waiver?.reason ?? 'waived in the baseline' },
      ],
    }),
    properties: {
      severity: f.severity,
      setting: f.setting,
      ...(f.branch !== undefined && { branch: f.branch }),
      ...(f.object !== undefined && { object: f.object }),
      expected: f.expected,
      actual: f.actual,
      target: { kind: f.target.kind, path: f.target.path, id: f.target.id },
      revertible: f.revertible,
      ...(f.waiver && { waiverExpires: f.waiver.expires }),
      ...(f.explanation && { explanation: f.explanation }),
    },
  };
}

export function toSarif(result: CheckResult, ctx: ReportContext): Sarif.Log {
  const rules = descriptors(result, ctx.rules);
  const indexOf = new Map(rules.map((r, i) => [r.id, i]));
  const notifications: Sarif.Notification[] = [
    ...sorted(result.errors, compareErrors).map(
      (e): Sarif.Notification => ({
        level: 'error',
        message: {
          text: `${e.target.kind} ${e.target.path} could not be read and was not checked: ${e.message}${
            e.rules?.length ? ` (not evaluated: ${[...e.rules].sort().join(', ')})` : ''
          }`,
        },
        locations: [{ logicalLocations: [logicalLocation(e.target)] }],
        descriptor: { id: 'read-error' },
      }),
    ),
    ...sorted(result.skipped, compareSkipped).map(
      (s): Sarif.Notification => ({
        level: 'note',
        message: { text: `${s.rule} skipped on ${s.target.path}: ${s.reason}` },
        locations: [{ logicalLocations: [logicalLocation(s.target)] }],
        descriptor: { id: 'skipped' },
        associatedRule: { id: s.rule, index: indexOf.get(s.rule) ?? -1 },
      }),
    ),
  ];
  const invocation: Sarif.Invocation = {
    executionSuccessful: result.summary.complete,
    toolExecutionNotifications: notifications,
    ...(ctx.generatedAt && { endTimeUtc: ctx.generatedAt }),
  };
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            ...(ctx.toolVersion && { version: ctx.toolVersion }),
            informationUri: INFORMATION_URI,
            rules,
          },
        },
        invocations: [invocation],
        results: sorted(result.findings, compareFindings).map((f) => resultOf(f, indexOf.get(f.rule) ?? -1)),
        properties: {
          gitlab: {
            url: result.gitlab.url,
            version: result.gitlab.version,
            tier: result.gitlab.tier,
            ...(result.gitlab.namespaceTiers ? { namespaceTiers: result.gitlab.namespaceTiers } : {}),
          },
          summary: { ...result.summary },
        },
      },
    ],
  };
}

export function renderSarif(result: CheckResult, ctx: ReportContext): string {
  return `${JSON.stringify(toSarif(result, ctx), null, 2)}\n`;
}
