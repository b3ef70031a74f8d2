// Errors -> what the user reads and the exit code (README, "Exit codes"): a user mistake or an unreadable
// GitLab is one clear line and exit 2; anything else is an internal error, with a stack trace only on --verbose.
// Loaded by main.ts only when a command failed, so --help never loads the modules these classes live in.
import { BaselineError } from '../baseline/errors';
import { UnknownRuleError } from '../evaluate';
import { GitlabError } from '../../gitlab/errors';
import { UsageError } from './io';

/** The lines to print for `err` (without the `gitlab-posture: ` prefix of the first). */
export function describeFailure(err: unknown, verbose: boolean): string[] {
  if (err instanceof BaselineError || err instanceof UsageError || err instanceof UnknownRuleError) {
    return [err.message];
  }
  if (err instanceof GitlabError) return [err.message, ...(verbose && err.stack ? [err.stack] : [])];
  const stack = (err as Error)?.stack;
  return [
    `internal error: ${(err as Error)?.message ?? String(err)}${verbose ? '' : ' (run with --verbose for details)'}`,
    ...(verbose && stack ? [stack] : []),
  ];
}
