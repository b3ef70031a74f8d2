// `gitlab-posture undo JOURNAL_FILE`: put back the before values a revert run journaled, newest first, with the
// same discipline (its own journal: before, intended, outcome). The server comes from the journal; a different
// --url / GITLAB_URL is refused rather than writing one server's values into another. Exit 0 when every entry
// is restored and verified, else 2 (DESIGN.md).
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { GitlabClient, instanceUrl } from '../../gitlab/client';
import { redact } from '../../gitlab/redact';
import { ExitCode, type ExitCodeValue } from '../model';
import { Journal, newRunId, readJournal, JournalError } from '../revert/journal';
import { applySteps, type ApplyHooks, type WriteStep } from '../revert/apply';
import { readObject, readPathOf } from '../revert/before';
import { restoreFor, restored, undoCandidates, writeOf, type UndoItem } from '../revert/undo';
import { formatResult, where } from '../revert/format';
import { requireApiScope } from './revert';
import { requireToken } from './connect';
import { UsageError, type CliIO } from './io';

export interface UndoOptions {
  journalFile: string;
  yes?: boolean;
  url?: string;
  /** Where undo's own journal goes (default: beside the journal it undoes). */
  journal?: string;
}

export interface UndoDeps {
  hooks?: ApplyHooks;
  confirm?: (question: string) => Promise<boolean>;
}

export async function runUndo(opts: UndoOptions, io: CliIO, deps: UndoDeps = {}): Promise<ExitCodeValue> {
  const token = io.env.GITLAB_TOKEN;
  const say = (text: string) => io.stdout(redact(text, token));
  let records;
  try {
    records = readJournal(opts.journalFile);
  } catch (err) {
    if (err instanceof JournalError) throw new UsageError(err.message);
    throw err;
  }
  const url = records[0]!.url;
  const other = records.find((r) => instanceUrl(r.url) !== instanceUrl(url));
  if (other) throw new UsageError(`${opts.journalFile}: records name two servers (${url}, ${other.url}); undo one server at a time.`);
  const asked = opts.url ?? io.env.GITLAB_URL;
  if (asked && instanceUrl(asked) !== instanceUrl(url)) {
    throw new UsageError(
      `${opts.journalFile} was written against ${url}, but ${opts.url ? '--url' : 'GITLAB_URL'} names ${asked}; ` +
        'undo writes only to the journal\'s server. Unset GITLAB_URL (or pass --url ' + url + ').',
    );
  }
  const runId = newRunId(io.now());
  const client = new GitlabClient({ url, token: requireToken(io, 'api'), runId, concurrency: 1 });
  await requireApiScope(client);

  const { todo, skipped } = undoCandidates(records);
  const items: UndoItem[] = [];
  let unreadable = 0;
  for (const entry of todo) {
    let live: unknown;
    try {
      live = await readObject(client, readPathOf(writeOf(entry)));
    } catch (err) {
      skipped.push({ entry, reason: `could not read the current value: ${(err as Error).message}` });
      unreadable++;
      continue;
    }
    const r = restoreFor(entry, live);
    if ('change' in r) items.push(r);
    else skipped.push(r);
  }

  say(`Undo of run ${records[0]!.run} on ${url}:\n`);
  if (items.length === 0) say('  nothing to restore\n');
  for (const it of items) {
    const p = it.entry.pending;
    say(`  ${String(p.seq).padStart(3)}. ${where(p)}  ${p.setting}: restore ${it.change.method} ${it.change.path}${it.note ? ` (${it.note})` : ''}\n`);
  }
  for (const s of skipped) say(`  ${String(s.entry.pending.seq).padStart(3)}. skipped  ${where(s.entry.pending)}  ${s.entry.pending.setting}: ${s.reason}\n`);
  const blocked = unreadable > 0 || skipped.some((s) => /not supported|cannot tell/.test(s.reason));
  if (items.length === 0) return blocked ? ExitCode.Incomplete : ExitCode.Ok;

  if (!opts.yes) {
    const interactive = io.stdoutIsTTY && Boolean(process.stdin.isTTY);
    if (!interactive && !deps.confirm) {
      throw new UsageError(`undo: ${items.length} restore(s) planned, but there is no terminal to confirm them: pass --yes to write.`);
    }
    const ask = deps.confirm ?? (async () => false);
    if (!(await ask(`Restore ${items.length} value(s) on ${url}? [y/N] `))) {
      say('Nothing written.\n');
      return ExitCode.Incomplete;
    }
  }

  const journal = Journal.create(opts.journal ?? dirname(opts.journalFile), runId, token);
  say(`Run ${runId}; journal ${journal.file}\n`);
  const steps: WriteStep[] = items.map((it, i) => {
    const p = it.entry.pending;
    return {
      id: {
        run: runId,
        seq: i + 1,
        url,
        target: p.target,
        rule: p.rule,
        setting: p.setting,
        ...(p.branch !== undefined ? { branch: p.branch } : {}),
        ...(p.object !== undefined ? { object: p.object } : {}),
        undoOf: { run: p.run, seq: p.seq },
      },
      change: it.change,
      // One serial queue: newest first is an order, not a preference.
      serialKey: 'undo',
      readBefore: () =>
        readObject(client, readPathOf({ method: it.change.method, path: it.change.path, ...(it.change.body ? { body: it.change.body } : {}) }) ?? it.readPath(undefined)),
      verify: async (created) => {
        const after = await readObject(client, it.readPath(created));
        return restored(it, after)
          ? { verified: true }
          : { verified: false, detail: `the re-read does not show the before value of ${p.setting} (GitLab ignored or changed the write)` };
      },
    };
  });
  const results = await applySteps(steps, {
    visibilityOrder: 'parents-first',
    client,
    journal,
    concurrency: 1,
    now: io.now,
    ...(deps.hooks ? { hooks: deps.hooks } : {}),
    onResult: (r) => {
      say(formatResult(r));
      const note = items[r.step.id.seq - 1]?.note;
      if (note && r.outcome === 'verified') say(`       note: ${note}\n`);
    },
  });
  const ok = results.filter((r) => r.outcome === 'verified').length;
  say(`${ok} of ${results.length} value(s) restored and verified.\n`);
  return ok === results.length && !blocked ? ExitCode.Ok : ExitCode.Incomplete;
}

export function registerUndo(program: Command, io: CliIO, setExit: (code: 0 | 1 | 2) => void, deps: UndoDeps = {}): void {
  program
    .command('undo')
    .description("Restore the before values a revert run journaled, newest first (the server is the journal's).")
    .argument('<journal-file>', 'a revert journal (.posture/journal/<run>.jsonl)')
    .option('--yes', 'write without asking (needed without a terminal)')
    .option('--url <url>', "must match the journal's server when given (as must GITLAB_URL)")
    .option('--journal <dir>', "where undo's own journal goes (default: beside the one it undoes)")
    .addHelpText(
      'after',
      `
Examples:
  GITLAB_TOKEN=glpat-… gitlab-posture undo .posture/journal/20261120T031400Z-3f9a1c.jsonl --yes

Deleted webhooks are recreated from their saved configuration; their secret token cannot be restored.
Exit codes: 0 every entry restored and verified, 2 otherwise.`,
    )
    .action(async (journalFile: string, o: Record<string, unknown>) => {
      setExit(
        await runUndo(
          {
            journalFile,
            ...(o.yes ? { yes: true } : {}),
            ...(o.url ? { url: o.url as string } : {}),
            ...(o.journal ? { journal: o.journal as string } : {}),
          },
          io,
          deps,
        ),
      );
    });
}
