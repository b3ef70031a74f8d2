// `gitlab-posture revert`: check -> plan -> (confirm) -> journal -> write -> verify. Exit 0 when every planned
// change is applied and verified, 1 when findings remain (manual, needs --allow-destructive, --dry-run with
// changes), 2 when a write or its verification failed or the check was incomplete (README, "Exit codes").
import { getTokenSelf } from '../../gitlab/users';
import type { Command } from 'commander';
import { GitlabClient } from '../../gitlab/client';
import { GitlabError } from '../../gitlab/errors';
import { redact } from '../../gitlab/redact';
import { loadBaseline } from '../baseline/load';
import { ExitCode, type ExitCodeValue } from '../../model/result';
import { judgedRules, planRevert, type Plan } from '../revert/plan';
import { DEFAULT_JOURNAL_DIR, Journal, newRunId } from '../revert/journal';
import { applySteps, type ApplyHooks, type StepResult } from '../revert/apply';
import { toWriteStep } from '../revert/steps';
import { formatPlan, formatResult } from '../revert/format';
import { checkOnce } from './check';
import { requireToken, resolveUrl, ALLOW_HTTP_HELP } from './connect';
import { positiveInt, ruleGlobs } from './args';
import { clientClockOptions, UsageError, type CliIO } from './io';
import { confirmWrites, interruptedMessage, withStopOnSignal } from './stop-safely';
import { terminalSafe } from '../../lib/safe-text';

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

export const DEFAULT_WRITE_CONCURRENCY = 2;

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

  const { result, snapshot } = await checkOnce(
    {
      baseline: opts.baseline,
      failOn: 'low',
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

/**
 * Refuse before anything is planned when the token cannot write: a read_api token would fail every write with
 * 403 halfway through (`GET /personal_access_tokens/self`; docs/gitlab-behaviour.md, Pagination, errors and
 * authentication). Tokens that cannot describe themselves pass on.
 */
export async function requireApiScope(client: GitlabClient): Promise<void> {
  let self: { scopes?: string[] };
  try {
    self = await getTokenSelf(client);
  } catch (err) {
    if (err instanceof GitlabError && (err.kind === 'not_found' || err.kind === 'forbidden')) return;
    throw err;
  }
  const scopes = Array.isArray(self.scopes) ? self.scopes : [];
  if (!scopes.includes('api')) {
    throw new UsageError(
      `GITLAB_TOKEN has scope(s) ${scopes.join(', ') || '(none)'} (GET /personal_access_tokens/self); writing needs a token with the api scope. ` +
        'Use an api token, or run with --dry-run to only see the plan.',
    );
  }
}

export function registerRevert(program: Command, io: CliIO, setExit: (code: 0 | 1 | 2) => void, deps: RevertDeps = {}): void {
  program
    .command('revert')
    .description('Put drifted settings back to the baseline: plan, journal each write, write, re-read to verify.')
    .option('--baseline <file>', 'baseline file', 'baseline.yaml')
    .option('--url <url>', 'GitLab URL (default: GITLAB_URL, then gitlab.url in the baseline)')
    .option('--allow-http', ALLOW_HTTP_HELP)
    .option('--dry-run', 'print the plan and write nothing')
    .option('--yes', 'write without asking (needed without a terminal)')
    .option('--allow-destructive', 'also delete/remove (unknown webhooks, named push entries); the journal keeps what it can')
    .option('--journal <dir>', `journal directory (default ${DEFAULT_JOURNAL_DIR})`)
    .option('--concurrency <n>', `objects written at once (default ${DEFAULT_WRITE_CONCURRENCY})`, positiveInt)
    .option('--only <rule-glob>', 'revert only these rules (glob, comma-separated or repeated)', ruleGlobs)
    .option('--verbose', 'print retries and rate-limit waits to stderr')
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
    .action(async (o: Record<string, unknown>) => {
      setExit(
        await runRevert(
          {
            baseline: o.baseline as string,
            ...(o.url ? { url: o.url as string } : {}),
            ...(o.allowHttp ? { allowHttp: true } : {}),
            ...(o.dryRun ? { dryRun: true } : {}),
            ...(o.yes ? { yes: true } : {}),
            ...(o.allowDestructive ? { allowDestructive: true } : {}),
            ...(o.journal ? { journal: o.journal as string } : {}),
            ...(o.concurrency ? { concurrency: o.concurrency as number } : {}),
            ...(o.only ? { only: o.only as string[] } : {}),
            ...(o.verbose ? { verbose: true } : {}),
          },
          io,
          deps,
        ),
      );
    });
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
