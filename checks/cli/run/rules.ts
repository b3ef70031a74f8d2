// `gitlab-posture rules`, once its flags are parsed: the rule catalog, offline (no GitLab, no token).
import { ExitCode, type ExitCodeValue } from '../../../model/result';
import { renderRules, type RulesFormat } from '../../rules-doc';
import type { CliIO } from '../io';

export function runRules(opts: { format?: RulesFormat; output?: string }, io: CliIO): ExitCodeValue {
  const text = renderRules(opts.format ?? 'markdown');
  if (opts.output) io.writeFile(opts.output, text);
  else io.stdout(text);
  return ExitCode.Ok;
}
