// `gitlab-posture revert`: check -> plan -> (confirm) -> journal -> write -> verify. The flags and help live here;
// the run (./run/revert.ts) is loaded only when the command runs.
import type { Command } from 'commander';
import type { ExitCodeValue } from '../../model/result';
import type { CliIO } from './io';
import { baselineOption, concurrencyOption, DEFAULT_JOURNAL_DIR, connectionOf, connectionOptions, journalOption, onlyOption, readOf, verboseOption, yesOption, type Flags } from './options';
import type { RevertDeps } from './run/revert';

export type { RevertDeps } from './run/revert';

/** Objects written at once. */
export const DEFAULT_WRITE_CONCURRENCY = 2;

export function registerRevert(program: Command, io: CliIO, setExit: (code: ExitCodeValue) => void, deps: RevertDeps = {}): void {
  const cmd = program.command('revert').description('Put drifted settings back to the baseline: plan, journal each write, write, re-read to verify.');
  baselineOption(cmd);
  connectionOptions(cmd);
  cmd.option('--dry-run', 'print the plan and write nothing');
  yesOption(cmd);
  cmd.option('--allow-destructive', 'also delete/remove (unknown webhooks, named push entries); the journal keeps what it can');
  journalOption(cmd, `journal directory (default ${DEFAULT_JOURNAL_DIR})`);
  concurrencyOption(cmd, `objects written at once (default ${DEFAULT_WRITE_CONCURRENCY})`);
  onlyOption(cmd, 'revert only these rules (glob, comma-separated or repeated)');
  verboseOption(cmd, 'print retries and rate-limit waits to stderr');
  cmd
    .addHelpText(
      'after',
      `
Examples:
  GITLAB_TOKEN=glpat-… gitlab-posture revert --baseline baseline.yaml --dry-run
  gitlab-posture revert --yes --only 'protected-branches.*'
  gitlab-posture revert --yes --allow-destructive --journal ./incident-42

Each write is journaled (before value, intended value, outcome) under ${DEFAULT_JOURNAL_DIR}/<run>.jsonl;
gitlab-posture undo <journal> puts the before values back.
Exit codes: 0 all planned changes applied and verified, 1 findings remain, 2 a write or its verification failed.`,
    )
    .action(async (o: Flags) => {
      const { runRevert } = await import('./run/revert');
      setExit(
        await runRevert(
          {
            baseline: o.baseline as string,
            ...connectionOf(o),
            ...(o.dryRun ? { dryRun: true } : {}),
            ...(o.yes ? { yes: true } : {}),
            ...(o.allowDestructive ? { allowDestructive: true } : {}),
            ...(o.journal ? { journal: o.journal as string } : {}),
            ...readOf(o),
          },
          io,
          deps,
        ),
      );
    });
}

