// `--format json`: the contract shape (extend, never rename), rebuilt key by key so key order never depends on how the
// evaluator happened to build its objects, and findings in report order so two runs diff cleanly.
import type { CheckResult, Finding, SkippedEntry, TargetErrorEntry } from '../../model/result';
import type { TargetRef } from '../../model/target';
import { compareErrors, compareFindings, compareSkipped, sorted, type ReportContext } from './common';

const target = (t: TargetRef): TargetRef => ({ kind: t.kind, path: t.path, id: t.id });

function finding(f: Finding): Record<string, unknown> {
  return {
    rule: f.rule,
    area: f.area,
    severity: f.severity,
    target: target(f.target),
    setting: f.setting,
    ...(f.branch !== undefined && { branch: f.branch }),
    ...(f.object !== undefined && { object: f.object }),
    expected: f.expected,
    actual: f.actual,
    message: f.message,
    revertible: f.revertible,
    waived: f.waived,
    ...(f.waiver && { waiver: { reason: f.waiver.reason, expires: f.waiver.expires } }),
    ...(f.explanation && {
      explanation:
        'unavailable' in f.explanation
          ? { unavailable: f.explanation.unavailable }
          : {
              event_id: f.explanation.event_id,
              author: f.explanation.author,
              at: f.explanation.at,
              ip: f.explanation.ip,
              event_name: f.explanation.event_name,
              from: f.explanation.from,
              to: f.explanation.to,
              ...(f.explanation.note !== undefined && { note: f.explanation.note }),
            },
    }),
  };
}

const skipped = (s: SkippedEntry) => ({ rule: s.rule, target: target(s.target), reason: s.reason });

const error = (e: TargetErrorEntry) => ({
  target: target(e.target),
  message: e.message,
  ...(e.rules && { rules: [...e.rules].sort() }),
});

/** The report object in contract order (also what `merge` reads back). `evaluated` stays out: it is per-run bulk. */
export function toJsonReport(result: CheckResult): Record<string, unknown> {
  const s = result.summary;
  return {
    schemaVersion: result.schemaVersion,
    gitlab: {
      url: result.gitlab.url,
      version: result.gitlab.version,
      tier: result.gitlab.tier,
      ...(result.gitlab.namespaceTiers ? { namespaceTiers: result.gitlab.namespaceTiers } : {}),
    },
    summary: {
      targets: s.targets,
      findings: s.findings,
      waived: s.waived,
      skipped: s.skipped,
      errors: s.errors,
      complete: s.complete,
    },
    findings: sorted(result.findings, compareFindings).map(finding),
    skipped: sorted(result.skipped, compareSkipped).map(skipped),
    errors: sorted(result.errors, compareErrors).map(error),
    ...(result.shard && { shard: { index: result.shard.index, total: result.shard.total } }),
    ...(result.expiredWaivers && result.expiredWaivers.length > 0 && {
      expiredWaivers: sorted(result.expiredWaivers, (a, b) =>
        a.target === b.target ? (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) : a.target < b.target ? -1 : 1,
      ).map((w) => ({ rule: w.rule, target: w.target, reason: w.reason, expires: w.expires })),
    }),
  };
}

export function renderJson(result: CheckResult, _ctx?: ReportContext): string {
  return `${JSON.stringify(toJsonReport(result), null, 2)}\n`;
}
