// `--format codequality`: GitLab Code Quality (artifacts:reports:codequality), a JSON array of issues. Settings
// have no source line, so every issue points at the baseline file they are judged against, line 1.
// Waived findings are left out (accepted risk); unreadable targets are issues too, so an MR widget never
// shows "no issues" for a target nobody could read.
import type { CheckResult } from '../../model/result';
import type { Severity } from '../../model/target';
import { compareErrors, compareFindings, fingerprint, sorted, type ReportContext } from './common';
import { createHash } from 'node:crypto';

export type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: CodeQualitySeverity;
  location: { path: string; lines: { begin: number } };
}

const SEVERITY: Record<Severity, CodeQualitySeverity> = {
  low: 'minor',
  medium: 'major',
  high: 'critical',
  critical: 'blocker',
};

export const READ_ERROR_CHECK = 'gitlab-posture.read-error';

export function toCodeQuality(result: CheckResult, ctx: { baselineFile?: string }): CodeQualityIssue[] {
  const location = { path: ctx.baselineFile ?? 'baseline.yaml', lines: { begin: 1 } };
  const seen = new Map<string, number>();
  // Two findings with the same identity (should not happen) still get distinct, order-stable fingerprints.
  const unique = (fp: string): string => {
    const n = seen.get(fp) ?? 0;
    seen.set(fp, n + 1);
    return n === 0 ? fp : createHash('sha256').update(`${fp}#${n}`).digest('hex');
  };
  const findings = sorted(result.findings, compareFindings)
    .filter((f) => !f.waived)
    .map(
      (f): CodeQualityIssue => ({
        description: `${f.target.path}: ${f.message}`,
        check_name: f.rule,
        fingerprint: unique(fingerprint(f)),
        severity: SEVERITY[f.severity],
        location,
      }),
    );
  const errors = sorted(result.errors, compareErrors).map(
    (e): CodeQualityIssue => ({
      description: `${e.target.path} could not be read and was not checked: ${e.message}`,
      check_name: READ_ERROR_CHECK,
      // Per target, not per message: the wording of a 503 vs a timeout must not make a "new" issue.
      fingerprint: unique(fingerprint({ rule: READ_ERROR_CHECK, target: e.target, setting: '' })),
      severity: 'blocker',
      location,
    }),
  );
  return [...findings, ...errors];
}

export function renderCodeQuality(result: CheckResult, ctx: ReportContext): string {
  return `${JSON.stringify(toCodeQuality(result, ctx), null, 2)}\n`;
}
