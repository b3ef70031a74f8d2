// The exit code a CI gate can trust (README, "Exit codes"): 2 when anything could not be read (it wins
// over findings: a partial run is never "just findings"), 1 for an unwaived finding at or above --fail-on.
import { ExitCode, type CheckResult, type ExitCodeValue } from '../model/result';
import { SEVERITIES, type Severity } from '../model/target';

export function exitCodeFor(result: Pick<CheckResult, 'summary' | 'findings'>, failOn: Severity = 'low'): ExitCodeValue {
  if (!result.summary.complete) return ExitCode.Incomplete;
  const threshold = SEVERITIES.indexOf(failOn);
  const failing = result.findings.some((f) => !f.waived && SEVERITIES.indexOf(f.severity) >= threshold);
  return failing ? ExitCode.Findings : ExitCode.Ok;
}
