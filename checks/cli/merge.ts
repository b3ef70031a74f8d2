// `gitlab-posture merge REPORT.json...`: combines the JSON reports of `check --shard I/N` into one report. The
// flags and help live here; the run (./run/merge.ts) is loaded only when the command runs.
import type { Command } from 'commander';
import type { ExitCodeValue } from '../../model/result';
import type { CliIO } from './io';
import { failOnOf, failOnOption, reportOf, reportOptions, type Flags } from './options';

export function registerMerge(program: Command, io: CliIO, setExit: (code: ExitCodeValue) => void): void {
  const cmd = program
    .command('merge')
    .description('Combine the JSON reports of sharded checks (check --shard I/N) into one report.')
    .argument('<reports...>', 'shard reports written by check --shard I/N --format json');
  reportOptions(cmd);
  failOnOption(cmd);
  cmd
    .addHelpText(
      'after',
      `
Examples:
  gitlab-posture check --shard 1/4 --format json --output shard-1.json   # … one per shard, e.g. CI parallel: 4
  gitlab-posture merge shard-*.json --format sarif --output posture.sarif --fail-on high

A shard missing from the list (or given twice) is reported: the merged run is incomplete.
Exit codes: 0 compliant, 1 findings at or above --fail-on, 2 a shard missing or incomplete, or a report unreadable.`,
    )
    .action(async (reports: string[], o: Flags) => {
      const { runMerge } = await import('./run/merge');
      setExit(runMerge({ reports, ...failOnOf(o), ...reportOf(o) }, io).code);
    });
}
