// `gitlab-posture rules [--format markdown|json]`: the rule catalog, offline (no GitLab, no token).
import { Command, Option } from 'commander';
import { ExitCode, type ExitCodeValue } from '../../model/result';
import { renderRules, RULES_FORMATS, type RulesFormat } from '../rules-doc';
import type { CliIO } from './io';

export function runRules(opts: { format?: RulesFormat; output?: string }, io: CliIO): ExitCodeValue {
  const text = renderRules(opts.format ?? 'markdown');
  if (opts.output) io.writeFile(opts.output, text);
  else io.stdout(text);
  return ExitCode.Ok;
}

export function registerRules(program: Command, io: CliIO, setExit: (code: ExitCodeValue) => void): void {
  program
    .command('rules')
    .description('List the rule catalog: id, area, severity, scope, tier, parameters per profile, incident scenario.')
    .addOption(new Option('--format <format>', 'output format').choices(RULES_FORMATS).default('markdown'))
    .option('--output <file>', 'write to a file instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  gitlab-posture rules
  gitlab-posture rules --format json | jq -r '.rules[] | select(.severity == "critical") | .id'

docs/rules.md is this output (npm run docs). Exit codes: 0 always (no GitLab is contacted).`,
    )
    .action((o: Record<string, unknown>) => {
      setExit(runRules({ format: o.format as RulesFormat, ...(o.output ? { output: o.output as string } : {}) }, io));
    });
}
