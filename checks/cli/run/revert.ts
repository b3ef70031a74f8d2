// `gitlab-posture revert`, once its flags are parsed: check -> plan -> (confirm) -> journal -> write -> verify.
// Exit 0 when every planned change is applied and verified, 1 when findings remain (manual, needs
// --allow-destructive, --dry-run with changes), 2 when a write or its verification failed or the check was
// incomplete (README, "Exit codes").
import { GitlabClient } from '../../../gitlab/client';
import { redact } from '../../../gitlab/redact';
import { loadBaseline } from '../../baseline/load';
import { ExitCode, type ExitCodeValue } from '../../../model/result';
import { judgedRules, planRevert, type Plan } from '../../revert/plan';
import { Journal, newRunId } from '../../revert/journal';
import { DEFAULT_JOURNAL_DIR } from '../options';
import { applySteps, type ApplyHooks, type StepResult } from '../../revert/apply';
import { toWriteStep } from '../../revert/steps';
import { formatPlan, formatResult } from '../../revert/format';
import { checkFromFlags } from '../check-flags';
import { requireApiScope, requireToken, resolveUrl } from '../connect';
import { clientClockOptions, type CliIO } from '../io';
import { DEFAULT_WRITE_CONCURRENCY } from '../revert';
import { confirmWrites, interruptedMessage, withStopOnSignal } from '../stop-safely';
import { terminalSafe } from '../../../lib/safe-text';

export interface RevertOptions {
  baseline: string;
  url?: string;
  allowHttp?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  allowDestructive?: boolean;
  /** Journal directory (default .posture/journal). */
  journal?: string;
  /** Objects written at once (default 2). */
  concurrency?: number;
  only?: string[];
  verbose?: boolean;
}

/** What tests (and only tests) inject. */
export interface RevertDeps {
  hooks?: ApplyHooks;
  /** Asks on a terminal; default reads a line from stdin. */
  confirm?: (question: string) => Promise<boolean>;
  /** Called with the run id and journal path once the journal exists. */
  onJournal?: (runId: string, file: string) => void;
}

export async function runRevert(opts: RevertOptions, io: CliIO, deps: RevertDeps = {}): Promise<ExitCodeValue> {
  const token = io.env.GITLAB_TOKEN;
  // Plans and results quote GitLab values: never a raw control character on the terminal.
  const say = (text: string) => io.stdout(terminalSafe(redact(text, token)));
  const baseline = loadBaseline(opts.baseline, { now: io.now(), allowExpiredWaivers: true });
  const url = resolveUrl(opts.url, io, baseline, { allowHttp: Boolean(opts.allowHttp) });
  const runId = newRunId(io.now());
  let writer: GitlabClient | undefined;
  if (!opts.dryRun) {
    // Every write carries `run/<runId>` in its user agent, so audit events tell this run's changes from others.
    writer = new GitlabClient({ url, token: requireToken(io, 'api'), runId, concurrency: opts.concurrency ?? DEFAULT_WRITE_CONCURRENCY, ...clientClockOptions(io) });
    await requireApiScope(writer);
  }

  const { result, snapshot } = await checkFromFlags(
    {
      baseline: opts.baseline,
      ...(opts.url ? { url: opts.url } : {}),
      ...(opts.allowHttp ? { allowHttp: true } : {}),
      ...(opts.only ? { only: opts.only } : {}),
      ...(opts.verbose ? { verbose: true } : {}),
      progress: false,
    },
    io,
  );
  const plan = planRevert(result.findings, baseline.params, { allowDestructive: Boolean(opts.allowDestructive), judgedOn: judgedRules(result) });
  say(formatPlan(plan, url, Boolean(opts.dryRun)));
  for (const e of result.errors) io.stderr(terminalSafe(redact(`gitlab-posture: could not check ${e.target.path}: ${e.message}\n`, token)));
  const remaining = plan.manual.length + plan.needsDestructive.length;
  const incomplete = !result.summary.complete;

  if (opts.dryRun || plan.steps.length === 0) {
    if (incomplete) return ExitCode.Incomplete;
    return plan.steps.length > 0 || remaining > 0 ? ExitCode.Findings : ExitCode.Ok;
  }
  const ok = await confirmWrites(io, {
    ...(opts.yes ? { yes: true } : {}),
    question: `Apply ${plan.steps.length} change(s) to ${url}? [y/N] `,
    noTerminal: `revert: ${plan.steps.length} change(s) planned, but there is no terminal to confirm them: pass --yes to write, or --dry-run to only see the plan.`,
    ...(deps.confirm ? { confirm: deps.confirm } : {}),
  });
  if (!ok) {
    say('Nothing written.\n');
    return ExitCode.Findings;
  }

  const journal = Journal.create(opts.journal ?? DEFAULT_JOURNAL_DIR, runId, token, {
    url,
    command: 'revert',
    planned: plan.steps.length,
    params: baseline.params,
    now: io.now(),
  });
  deps.onJournal?.(runId, journal.file);
  say(`Run ${runId}; journal ${journal.file}\n`);
  const client = writer!;
  const steps = plan.steps.map((s) => toWriteStep(s, { client, runId, url, params: baseline.params, gitlab: snapshot.gitlab, now: io.now }));
  // Ctrl-C / SIGTERM: no new write starts; the ones in flight finish, are verified and journaled; the journal is
  // closed with the count of steps not started, so it is whole and undo replays it without --partial.
  // Results print in plan order, whatever order the concurrent writes finish in.
  const printer = inPlanOrder(steps.map((s) => s.id.seq), (r) => say(formatResult(r)));
  const { results, interrupted } = await withStopOnSignal(io, async (trap) => ({
    results: await applySteps(steps, {
      client,
      journal,
      concurrency: opts.concurrency ?? DEFAULT_WRITE_CONCURRENCY,
      now: io.now,
      ...(deps.hooks ? { hooks: deps.hooks } : {}),
      onResult: printer.push,
      stop: trap.stop,
    }),
    interrupted: trap.signal(),
  }));
  printer.flush();
  journal.end(io.now(), interrupted ? { stopped: interrupted, notStarted: steps.length - results.length } : undefined);
  if (interrupted) {
    const verified = results.filter((r) => r.outcome === 'verified').length;
    io.stderr(
      interruptedMessage(
        interrupted,
        { verified, done: results.length, planned: steps.length, unit: 'change(s)' },
        journal.file,
        `\`gitlab-posture revert\` to finish, or \`gitlab-posture undo ${journal.file}\` to put back what was written.`,
      ),
    );
    return ExitCode.Incomplete;
  }
  return summarize(results, plan, { incomplete, say, journal: journal.file });
}

function summarize(
  results: StepResult[],
  plan: Plan,
  ctx: { incomplete: boolean; say: (t: string) => void; journal: string },
): ExitCodeValue {
  const verified = results.filter((r) => r.outcome === 'verified').length;
  const failed = results.length - verified;
  const remaining = plan.manual.length + plan.needsDestructive.length;
  ctx.say(
    `${verified} of ${results.length} change(s) applied and verified` +
      (failed > 0 ? `, ${failed} failed or not verified` : '') +
      (remaining > 0 ? `; ${remaining} finding(s) remain (listed above)` : '') +
      `. Undo with: gitlab-posture undo ${ctx.journal}\n`,
  );
  if (failed > 0 || ctx.incomplete) return ExitCode.Incomplete;
  return remaining > 0 ? ExitCode.Findings : ExitCode.Ok;
}

/** Buffers results that finish early and hands them on in plan order (by step seq). */
function inPlanOrder(order: readonly number[], emit: (r: StepResult) => void): { push: (r: StepResult) => void; flush: () => void } {
  const waiting = new Map<number, StepResult>();
  let at = 0;
  const drain = () => {
    while (at < order.length && waiting.has(order[at]!)) {
      emit(waiting.get(order[at]!)!);
      waiting.delete(order[at]!);
      at++;
    }
  };
  return {
    push: (r) => {
      waiting.set(r.step.id.seq, r);
      drain();
    },
    // Steps that never ran (interrupted) leave gaps: print what finished, still in plan order.
    flush: () => {
      for (const seq of order) {
        const r = waiting.get(seq);
        if (r) emit(r);
      }
      waiting.clear();
    },
  };
}
