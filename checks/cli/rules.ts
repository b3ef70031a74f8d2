// `gitlab-posture rules [--format markdown|json]`: the rule catalog, offline (no GitLab, no token). The flags
// and help live here; the run (./run/rules.ts) is loaded only when the command runs.
import type { Command } from 'commander';
import type { ExitCodeValue } from '../../model/result';
import { RULES_FORMATS, type RulesFormat } from '../report/formats';
import type { CliIO } from './io';
import { reportOf, reportOptions, type Flags } from './options';

export function registerRules(program: Command, io: CliIO, setExit: (code: ExitCodeValue) => void): void {
  const cmd = program
    .command('rules')
    .description('List the rule catalog: id, area, severity, scope, tier, parameters per profile, incident scenario.');
  reportOptions(cmd, RULES_FORMATS, { formatHelp: 'output format', defaultFormat: 'markdown', outputHelp: 'write to a file instead of stdout' });
  cmd
    .addHelpText(
      'after',
      `
Examples:
  gitlab-posture rules
  gitlab-posture rules --format json | jq -r '.rules[] | select(.severity == "critical") | .id'

docs/rules.md is this output (npm run docs). Exit codes: 0 always (no GitLab is contacted).`,
    )
    .action(async (o: Flags) => {
      const { runRules } = await import('./run/rules');
      setExit(runRules(reportOf<RulesFormat>(o), io));
    });
}
