// `gitlab-posture undo JOURNAL_FILE`, once its flags are parsed: put back the before values a revert run
// journaled, newest first, with the same discipline (its own journal: before, intended, outcome). A journal is
// untrusted input (a CI artifact kept for months), so before any request: the server must be the one the user
// configured (--url, GITLAB_URL or the baseline's gitlab.url) and pass the same URL checks as every command; the
// journal must be whole (header and end record) unless --partial; and every step must be a write revert itself
// could have produced (replayable.ts). Exit 0 when every entry is restored and verified, else 2 (README, "Exit codes").
import { dirname } from 'node:path';
import { GitlabClient, instanceUrl } from '../../../gitlab/client';
import { redact } from '../../../gitlab/redact';
import { loadBaseline } from '../../baseline/load';
import { ExitCode, type ExitCodeValue } from '../../../model/result';
import { entriesOf, Journal, newRunId, loadJournal, JournalError, type LoadedJournal } from '../../revert/journal';
import { applySteps, type ApplyHooks, type WriteStep } from '../../revert/apply';
import { readObject, readPathOf } from '../../revert/before';
import { restoreFor, restored, undoCandidates, writeOf, type UndoItem } from '../../revert/undo';
import { paramsFromHeader, replayProblem } from '../../revert/replayable';
import { describeRestore, formatResult, where } from '../../revert/format';
import { oneLine, terminalSafe } from '../../../lib/safe-text';
import { requireApiScope, requireToken, resolveUrl } from '../connect';
import { clientClockOptions, UsageError, type CliIO } from '../io';
import { confirmWrites, interruptedMessage, withStopOnSignal } from '../stop-safely';

export interface UndoOptions {
  journalFile: string;
  yes?: boolean;
  url?: string;
  /** Baseline whose gitlab.url names the server. */
  baseline?: string;
  allowHttp?: boolean;
  /** Undo what a journal without its end record (or header) holds, saying so. */
  partial?: boolean;
  /** Where undo's own journal goes (default: beside the journal it undoes). */
  journal?: string;
}

export interface UndoDeps {
  hooks?: ApplyHooks;
  confirm?: (question: string) => Promise<boolean>;
}

/** Same server: scheme, host, port and path compared after the API suffix and trailing slashes are dropped. */
function sameServer(a: string, b: string): boolean {
  try {
    const x = new URL(instanceUrl(a));
    const y = new URL(instanceUrl(b));
    return x.origin === y.origin && x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '');
  } catch {
    return false;
  }
}

/** The whole journal is judged before GitLab is contacted: any step undo would not replay refuses the file. */
function checkJournal(j: LoadedJournal, opts: UndoOptions, say: (t: string) => void): void {
  const file = opts.journalFile;
  if (j.header?.command === 'undo') {
    throw new UsageError(`${file} is the journal of an undo run; undo reverses revert and watch runs only. Run revert again to re-apply the baseline.`);
  }
  if (j.missing.length > 0) {
    const what = j.missing.map((m) => `  missing: ${m}`).join('\n');
    if (!opts.partial) {
      throw new UsageError(
        `${file} is not a whole journal:\n${what}\nA cut-off journal may hide writes that were made. Pass --partial to undo the steps it holds anyway.`,
      );
    }
    say(`Partial journal (--partial): undoing only the steps it holds.\n${what}\n`);
  }
  const records = j.records;
  if (records.length === 0) throw new UsageError(`${file}: the journal holds no step records; nothing to undo.`);
  const server = j.header?.url ?? records[0]!.url;
  const other = records.find((r) => !sameServer(r.url, server));
  if (other) throw new UsageError(`${file}:${j.lineOf.get(other)}: record names ${other.url}, the journal ${server}; undo one server at a time.`);
  const params = paramsFromHeader(j.header?.params);
  if (j.header && !params) throw new UsageError(`${file}:1: the header's params are not valid baseline parameters; this journal was not written by revert.`);
  for (const e of entriesOf(records)) {
    const problem = replayProblem(e, params);
    if (problem) {
      throw new UsageError(
        `${file}:${j.lineOf.get(e.pending)}: refused, not a write revert could have made: ${terminalSafe(problem)}. Nothing was written.`,
      );
    }
  }
}

export async function runUndo(opts: UndoOptions, io: CliIO, deps: UndoDeps = {}): Promise<ExitCodeValue> {
  const token = io.env.GITLAB_TOKEN;
  const say = (text: string) => io.stdout(terminalSafe(redact(text, token)));
  let j: LoadedJournal;
  try {
    j = loadJournal(opts.journalFile);
  } catch (err) {
    if (err instanceof JournalError) throw new UsageError(err.message);
    throw err;
  }
  checkJournal(j, opts, say);
  const records = j.records;
  const journalUrl = j.header?.url ?? records[0]!.url;

  // The server is the user's choice, never the file's: the token goes only where the user pointed it.
  const baselineFile = opts.baseline;
  const baseline = baselineFile ? loadBaseline(baselineFile, { now: io.now(), allowExpiredWaivers: true }) : undefined;
  if (!opts.url && !io.env.GITLAB_URL && !baseline?.gitlab.url) {
    throw new UsageError(
      `undo: no GitLab URL configured. ${opts.journalFile} names ${journalUrl}; undo writes only to the server you name: ` +
        'pass --url, set GITLAB_URL, or --baseline with gitlab.url.',
    );
  }
  const url = resolveUrl(opts.url, io, baseline, { allowHttp: Boolean(opts.allowHttp) });
  if (!sameServer(url, journalUrl)) {
    const source = opts.url ? '--url' : io.env.GITLAB_URL ? 'GITLAB_URL' : `gitlab.url in ${baselineFile}`;
    throw new UsageError(
      `${opts.journalFile} was written against ${journalUrl}, but ${source} names ${url}; ` +
        "undo writes only to the server you configured, and only a journal of that server. Check the journal's origin.",
    );
  }
  const runId = newRunId(io.now());
  const client = new GitlabClient({ url, token: requireToken(io, 'api'), runId, concurrency: 1, ...clientClockOptions(io) });
  await requireApiScope(client);

  const { todo, skipped } = undoCandidates(records);
  const items: UndoItem[] = [];
  /** Each step's object as read now: the plan shows what it holds and what undo puts back. */
  const lives = new Map<UndoItem, unknown>();
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
    if ('change' in r) {
      items.push(r);
      lives.set(r, live);
    } else skipped.push(r);
  }

  say(`Undo of run ${records[0]!.run} on ${url}:\n`);
  if (items.length === 0) say('  nothing to restore\n');
  for (const it of items) {
    const p = it.entry.pending;
    const to = it.change.method === 'POST' && typeof it.change.body?.url === 'string' ? ` to ${it.change.body.url}` : '';
    say(`  ${String(p.seq).padStart(3)}. ${where(p)}  ${oneLine(p.setting)}: restore ${it.change.method} ${it.change.path}${to}${it.note ? ` (${it.note})` : ''}\n`);
    const values = describeRestore(it, lives.get(it));
    if (values) say(`       ${values}\n`);
  }
  for (const s of skipped) say(`  ${String(s.entry.pending.seq).padStart(3)}. skipped  ${where(s.entry.pending)}  ${s.entry.pending.setting}: ${s.reason}\n`);
  const blocked = unreadable > 0 || skipped.some((s) => /not supported|cannot tell/.test(s.reason)) || j.missing.length > 0;
  if (items.length === 0) return blocked ? ExitCode.Incomplete : ExitCode.Ok;

  const ok = await confirmWrites(io, {
    ...(opts.yes ? { yes: true } : {}),
    question: `Restore ${items.length} value(s) on ${url}? [y/N] `,
    noTerminal: `undo: ${items.length} restore(s) planned, but there is no terminal to confirm them: pass --yes to write.`,
    ...(deps.confirm ? { confirm: deps.confirm } : {}),
  });
  if (!ok) {
    say('Nothing written.\n');
    return ExitCode.Incomplete;
  }

  const journal = Journal.create(opts.journal ?? dirname(opts.journalFile), runId, token, { url, command: 'undo', planned: items.length, now: io.now() });
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
  // Ctrl-C / SIGTERM as in revert: the restore in flight finishes, is verified and journaled; none starts after it.
  const { results, interrupted } = await withStopOnSignal(io, async (trap) => ({
    results: await applySteps(steps, {
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
      stop: trap.stop,
    }),
    interrupted: trap.signal(),
  }));
  journal.end(io.now(), interrupted ? { stopped: interrupted, notStarted: steps.length - results.length } : undefined);
  const verified = results.filter((r) => r.outcome === 'verified').length;
  if (interrupted) {
    io.stderr(
      interruptedMessage(
        interrupted,
        { verified, done: results.length, planned: steps.length, unit: 'restore(s)' },
        journal.file,
        // Undo reads the live values again: what is already restored is skipped, the rest is planned anew.
        `\`gitlab-posture undo ${opts.journalFile}\` again to restore the rest, or \`gitlab-posture revert\` to re-apply the baseline.`,
      ),
    );
    return ExitCode.Incomplete;
  }
  say(`${verified} of ${results.length} value(s) restored and verified.\n`);
  return verified === results.length && !blocked ? ExitCode.Ok : ExitCode.Incomplete;
}
