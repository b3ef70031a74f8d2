// `gitlab-posture gate --base OLD --head NEW`: fails (exit 1) when the head baseline weakens the base one,
// passes (0) when it is equal or only stricter, 2 when either file is unusable (README, "Exit codes"). The
// flags and help live here; the run (./run/gate.ts) is loaded only when the command runs.
import type { Command } from 'commander';
import type { ExitCodeValue } from '../../model/result';
import { GATE_FORMATS, type GateFormat } from '../report/formats';
import type { CliIO } from './io';
import { reportOf, reportOptions, type Flags } from './options';

export function registerGate(program: Command, io: CliIO, setExit: (code: ExitCodeValue) => void): void {
  const cmd = program
    .command('gate')
    .description('Compare two baseline files and fail when the new one weakens the old one (for merge requests).')
    .requiredOption('--base <file>', 'the baseline before the change (e.g. from the target branch)')
    .requiredOption('--head <file>', 'the baseline after the change');
  reportOptions(cmd, GATE_FORMATS);
  cmd
    .addHelpText(
      'after',
      `
Examples:
  git show origin/main:baseline.yaml > /tmp/base.yaml
  gitlab-posture gate --base /tmp/base.yaml --head baseline.yaml
  gitlab-posture gate --base /tmp/base.yaml --head baseline.yaml --format markdown --output gate.md

Weakening: a rule turned off (also through a profile change), a parameter loosened, a waiver added, extended or
its glob changed, a target removed or excluded, gitlab.tier lowered.
Exit codes: 0 equal or only stricter, 1 weakened, 2 a baseline file is invalid.`,
    )
    .action(async (o: Flags) => {
      const { runGate } = await import('./run/gate');
      setExit(runGate({ base: o.base as string, head: o.head as string, ...reportOf<GateFormat>(o) }, io).code);
    });
}
