// `gitlab-posture undo JOURNAL_FILE`: put back the before values a revert run journaled, newest first, on the
// GitLab the user configured. The flags and help live here; the run (./run/undo.ts) is loaded only when the
// command runs.
import type { Command } from 'commander';
import type { ExitCodeValue } from '../../model/result';
import type { CliIO } from './io';
import { baselineOption, connectionOf, connectionOptions, journalOption, URL_HELP, yesOption, type Flags } from './options';
import type { UndoDeps } from './run/undo';

export type { UndoDeps } from './run/undo';

export function registerUndo(program: Command, io: CliIO, setExit: (code: ExitCodeValue) => void, deps: UndoDeps = {}): void {
  const cmd = program
    .command('undo')
    .description('Restore the before values a revert run journaled, newest first, on the GitLab you configured.')
    .argument('<journal-file>', 'a revert journal (.posture/journal/<run>.jsonl)');
  yesOption(cmd);
  connectionOptions(cmd, `${URL_HELP}; must be the journal's server`);
  baselineOption(cmd, 'baseline whose gitlab.url names the server', null);
  cmd
    .option('--partial', 'undo the steps of a journal that lacks its end record (a run that was cut short)');
  journalOption(cmd, "where undo's own journal goes (default: beside the one it undoes)");
  cmd
    .addHelpText(
      'after',
      `
Examples:
  GITLAB_TOKEN=glpat-… gitlab-posture undo .posture/journal/20261120T031400Z-3f9a1c.jsonl --url https://gitlab.example.com --yes

The journal is checked before GitLab is contacted: its server must be the one you configured, it must be whole
(or --partial), and each step must be a write revert makes for its rule; anything else is refused with its line.
Deleted webhooks are recreated from their saved configuration; their secret token cannot be restored.
Exit codes: 0 every entry restored and verified, 2 otherwise.`,
    )
    .action(async (journalFile: string, o: Flags) => {
      const { runUndo } = await import('./run/undo');
      setExit(
        await runUndo(
          {
            journalFile,
            ...(o.yes ? { yes: true } : {}),
            ...connectionOf(o),
            ...(o.baseline ? { baseline: o.baseline as string } : {}),
            ...(o.partial ? { partial: true } : {}),
            ...(o.journal ? { journal: o.journal as string } : {}),
          },
          io,
          deps,
        ),
      );
    });
}
