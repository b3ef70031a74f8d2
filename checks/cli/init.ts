// `gitlab-posture init --group PATH`: write a commented baseline.yaml from the live state of a group. The flags
// and help live here; the run (./run/init.ts) is loaded only when the command runs.
import { Option, type Command } from 'commander';
import { PROFILE_NAMES, type ProfileName } from '../../model/baseline';
import type { ExitCodeValue } from '../../model/result';
import type { CliIO } from './io';
import { connectionOf, connectionOptions, verboseOption, type Flags } from './options';

export function registerInit(program: Command, io: CliIO, setExit: (code: ExitCodeValue) => void): void {
  const cmd = program
    .command('init')
    .description('Write a commented baseline.yaml from the live state of a group (detected tier, profile, optional waivers).')
    .requiredOption('--group <path>', 'full path of the top group to cover (all subgroups and projects are included)')
    .addOption(new Option('--profile <profile>', 'built-in profile').choices(PROFILE_NAMES).default('baseline'))
    .option('--waive-existing', 'add a 30-day waiver ("existing exception, review") for each current violation');
  connectionOptions(cmd, 'GitLab URL (default: GITLAB_URL)');
  cmd.option('--output <file>', 'file to write', 'baseline.yaml').option('--force', 'overwrite --output if it exists');
  verboseOption(cmd, 'print retries and rate-limit waits to stderr');
  cmd
    .addHelpText(
      'after',
      `
Examples:
  GITLAB_TOKEN=glpat-… gitlab-posture init --group acme --url https://gitlab.example.com
  gitlab-posture init --group acme --profile hardened --waive-existing --output baseline.yaml --force

The token needs read_api and a role that sees the group's settings (Owner for 2FA, hooks and variables).
Exit codes: 0 written, 2 could not complete (nothing is written when any target could not be read).`,
    )
    .action(async (o: Flags) => {
      const { runInit } = await import('./run/init');
      setExit(
        await runInit(
          {
            group: o.group as string,
            profile: o.profile as ProfileName,
            output: o.output as string,
            ...(o.waiveExisting ? { waiveExisting: true } : {}),
            ...connectionOf(o),
            ...(o.force ? { force: true } : {}),
            ...(o.verbose ? { verbose: true } : {}),
          },
          io,
        ),
      );
    });
}
