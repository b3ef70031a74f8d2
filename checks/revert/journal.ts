// The revert journal: one JSON Lines file per run under .posture/journal/ (or --journal DIR). Each record is
// flushed to disk (fsync) before the write it announces, so a crash at any point leaves a file that says what
// was and was not applied. Never a token, never a variable value (the writer scrubs both).
// A journal says when it is whole: its first line is a header (run, server, planned step count), its last an end
// record (steps written). The file is created 0600 with O_EXCL and appended through the one descriptor opened
// then, so a file swapped in (or a symlink planted) after creation cannot receive the records.
import { closeSync, fsyncSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from '../../gitlab/redact';
import type { TargetRef } from '../../model/target';
import { createPrivateFile } from '../private-file';
import { z } from 'zod';
import { shapeProblem } from '../../gitlab/schemas';

export type Outcome = 'pending' | 'applied' | 'verified' | 'not_verified' | 'failed';

export interface JournalRecord {
  run: string;
  /** The plan step this record belongs to; a step has one `pending` record and then its outcomes. */
  seq: number;
  time: string;
  url: string;
  target: TargetRef;
  rule: string;
  setting: string;
  branch?: string;
  object?: string;
  method: string;
  /** Path under /api/v4, query included. */
  path: string;
  /** The object as read just before the write (null: it did not exist). Only on `pending`. */
  before?: unknown;
  /** The request body. Only on `pending`. */
  intended?: unknown;
  /** What undo cannot bring back (a deleted hook's secret token). */
  unrecoverable?: string;
  outcome: Outcome;
  /** HTTP status of the write. */
  status?: number;
  error?: string;
  /** Why a write is not verified, in words. */
  detail?: string;
  /** Id of an object the write created (POST), so undo can remove it. */
  created?: { id: number };
  /** Set on undo journals: the run and step this record restores. */
  undoOf?: { run: string; seq: number };
  /** What the rule's fix needed beyond the finding's fields (on `pending`): undo rebuilds the write from it. */
  fixData?: Record<string, unknown>;
}

export const JOURNAL_FORMAT = 'gitlab-posture-journal';
export type JournalCommand = 'revert' | 'undo' | 'watch';

/** First line of every journal. */
export interface JournalHeader {
  record: 'header';
  format: typeof JOURNAL_FORMAT;
  version: 1;
  run: string;
  time: string;
  url: string;
  command: JournalCommand;
  /** Steps the run planned; null when not known in advance (a watch session). */
  planned: number | null;
  /** The baseline parameters the fixes were computed with (undo rebuilds each write from them). */
  params?: unknown;
}

/** Last line of a journal that was closed normally. */
export interface JournalEnd {
  record: 'end';
  run: string;
  time: string;
  url: string;
  /** Distinct steps (seq) with records in the file. */
  steps: number;
  /**
   * Set when a signal stopped the run: the writes in flight were finished and journaled, and `notStarted` planned
   * steps were deliberately never begun. The journal is still whole: planned = steps + notStarted.
   */
  stopped?: string;
  notStarted?: number;
}

const DAMAGED = 'The file was edited or damaged: undo only replays a journal it can trust. Restore the file from a copy, or put the settings back by hand from the lines that are intact.';

const whole = z.number().int().nonnegative();
const targetRef = z.object({ kind: z.enum(['instance', 'group', 'project']), path: z.string(), id: z.number().int() });

/** What loadJournal accepts, line by line; kept equal to the interfaces above by test/gitlab/schema-types.test.ts. */
export const journalHeaderSchema = z.object({
  record: z.literal('header'),
  format: z.literal(JOURNAL_FORMAT),
  version: z.literal(1),
  run: z.string(),
  time: z.string(),
  url: z.string(),
  command: z.enum(['revert', 'undo', 'watch']),
  planned: whole.nullable(),
  params: z.unknown().optional(),
});
export const journalEndSchema = z.object({
  record: z.literal('end'),
  run: z.string(),
  time: z.string(),
  url: z.string(),
  steps: whole,
  stopped: z.string().optional(),
  notStarted: whole.optional(),
});
export const journalRecordSchema = z.object({
  run: z.string(),
  seq: whole,
  time: z.string(),
  url: z.string(),
  target: targetRef,
  rule: z.string(),
  setting: z.string(),
  branch: z.string().optional(),
  object: z.string().optional(),
  method: z.string(),
  path: z.string().startsWith('/'),
  before: z.unknown().optional(),
  intended: z.unknown().optional(),
  unrecoverable: z.string().optional(),
  outcome: z.enum(['pending', 'applied', 'verified', 'not_verified', 'failed']),
  status: z.number().int().optional(),
  error: z.string().optional(),
  detail: z.string().optional(),
  created: z.object({ id: z.number().int().positive() }).optional(),
  undoOf: z.object({ run: z.string(), seq: whole }).optional(),
  fixData: z.record(z.string(), z.unknown()).optional(),
});

/** `20261120T031400123Z-3f9a1c`: sortable to the millisecond, unique enough per operator, short in a user agent. */
export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${Math.random().toString(16).slice(2, 8).padEnd(6, '0')}`;
}

export class Journal {
  readonly file: string;
  readonly #token: string | undefined;
  readonly #header: JournalHeader;
  #fd: number | undefined;
  readonly #seqs = new Set<number>();

  private constructor(file: string, fd: number, header: JournalHeader, token: string | undefined) {
    this.file = file;
    this.#fd = fd;
    this.#header = header;
    this.#token = token;
  }

  /** Creates `<dir>/<runId>.jsonl` (0600, dir 0700) and writes its header; refuses an existing file (one per run). */
  static create(
    dir: string,
    runId: string,
    token: string | undefined,
    header: { url: string; command: JournalCommand; planned: number | null; params?: unknown; now?: Date },
  ): Journal {
    const file = join(dir, `${runId}.jsonl`);
    const fd = createPrivateFile(file);
    const h: JournalHeader = {
      record: 'header',
      format: JOURNAL_FORMAT,
      version: 1,
      run: runId,
      time: (header.now ?? new Date()).toISOString(),
      url: header.url,
      command: header.command,
      planned: header.planned,
      ...(header.params !== undefined ? { params: header.params } : {}),
    };
    const journal = new Journal(file, fd, h, token);
    journal.#write(h);
    return journal;
  }

  /** Appends one record and flushes it to disk before returning. */
  append(record: JournalRecord): void {
    this.#seqs.add(record.seq);
    this.#write(record);
  }

  /**
   * Writes the end record and closes the file; nothing can be appended after it. `stop`: the run was stopped by a
   * signal after its writes in flight finished, leaving `notStarted` planned steps never begun.
   */
  end(now: Date = new Date(), stop?: { stopped: string; notStarted: number }): void {
    if (this.#fd === undefined) return;
    const end: JournalEnd = {
      record: 'end',
      run: this.#header.run,
      time: now.toISOString(),
      url: this.#header.url,
      steps: this.#seqs.size,
      ...(stop ? { stopped: stop.stopped, notStarted: stop.notStarted } : {}),
    };
    this.#write(end);
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  #write(record: object): void {
    if (this.#fd === undefined) throw new JournalError(`${this.file}: the journal is closed (its end record is written).`);
    // The token can only reach a record through an echoed error message; redact catches it and any token-like text.
    writeSync(this.#fd, redact(JSON.stringify(record), this.#token) + '\n');
    fsyncSync(this.#fd);
  }
}

/** A journal as read back: its step records (with their line numbers), header and end, and what is missing. */
export interface LoadedJournal {
  file: string;
  header?: JournalHeader;
  end?: JournalEnd;
  records: JournalRecord[];
  /** 1-based line of each record, for errors that point at it. */
  lineOf: Map<JournalRecord, number>;
  /** Why the journal is not whole (no header, no end record, steps missing); empty when it is. */
  missing: string[];
}

/**
 * Reads a journal. A file with any line that is not a journal record is refused outright (JournalError). A half-
 * written last line (crash mid-append), a missing header or end record, or fewer steps than announced make the
 * journal partial: `missing` says what is gone, and the caller decides (undo refuses without --partial).
 */
export function loadJournal(file: string): LoadedJournal {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new JournalError(`${file}: cannot read the journal (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  const lines = text.split('\n');
  const out: LoadedJournal = { file, records: [], lineOf: new Map(), missing: [] };
  let halfLine: number | undefined;
  let firstLine = true;
  let endLine = 0;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const n = i + 1;
    const isLast = lines.slice(i + 1).every((l) => l.trim() === '');
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    } catch (err) {
      if (isLast && !line.endsWith('}')) {
        halfLine = n;
        return;
      }
      throw new JournalError(`${file}:${n}: not a gitlab-posture journal record (${(err as Error).message}).`);
    }
    const wasFirst = firstLine;
    firstLine = false;
    // Each line is checked whole against its schema: undo writes from these values, so a field it cannot trust
    // (a target id that is a string, an outcome it does not know, a created id to delete) refuses the file.
    const bad = (problem: string, what: string): JournalError =>
      new JournalError(`${file}:${n}: ${problem}: not a gitlab-posture journal ${what}. ${DAMAGED}`);
    if (parsed.record === 'header') {
      if (!wasFirst || out.header) throw new JournalError(`${file}:${n}: a header record may only be the first line.`);
      const problem = shapeProblem(journalHeaderSchema, parsed);
      if (problem) throw bad(problem, 'header');
      out.header = parsed as unknown as JournalHeader;
      return;
    }
    if (out.end) throw new JournalError(`${file}:${n}: a record after the end record (line ${endLine}).`);
    if (parsed.record === 'end') {
      const problem = shapeProblem(journalEndSchema, parsed);
      if (problem) throw bad(problem, 'end record');
      out.end = parsed as unknown as JournalEnd;
      endLine = n;
      return;
    }
    const problem = shapeProblem(journalRecordSchema, parsed);
    if (problem) throw bad(problem, 'record');
    const r = parsed as unknown as JournalRecord;
    out.records.push(r);
    out.lineOf.set(r, n);
  });
  if (!out.header && out.records.length === 0 && !out.end) {
    throw new JournalError(`${file}: not a gitlab-posture journal (no header record and no step records).`);
  }
  if (!out.header) out.missing.push('the header record (line 1: run, server, planned step count)');
  if (halfLine !== undefined) out.missing.push(`the rest of line ${halfLine} (a record cut off mid-write)`);
  const steps = new Set(out.records.map((r) => r.seq)).size;
  if (!out.end) out.missing.push('the end record (the run stopped or the file was cut short)');
  else if (out.end.steps !== steps) out.missing.push(`steps: the end record counts ${out.end.steps}, the file holds ${steps}`);
  // A run stopped by a signal closes its journal saying how many planned steps it never began: still whole.
  const notStarted = out.end?.notStarted ?? 0;
  if (out.header && out.header.planned !== null && out.end && out.header.planned !== steps + notStarted) {
    out.missing.push(
      `steps: the header planned ${out.header.planned}, the file holds ${steps}` + (notStarted > 0 ? ` and the end record says ${notStarted} not started` : ''),
    );
  }
  const run = out.header?.run;
  for (const r of out.records) {
    if (run !== undefined && r.run !== run) throw new JournalError(`${file}:${out.lineOf.get(r)}: record of run ${r.run} in the journal of run ${run}.`);
  }
  return out;
}

/** The step records of a journal, whole or not (tests and tools that only read); see loadJournal. */
export function readJournal(file: string): JournalRecord[] {
  const j = loadJournal(file);
  if (j.records.length === 0) throw new JournalError(`${file}: the journal has no step records; nothing to undo.`);
  return j.records;
}

export interface JournalEntry {
  /** The `pending` record: before and intended values. */
  pending: JournalRecord;
  /** Outcome records in file order (applied, then verified / not_verified, or failed). */
  outcomes: JournalRecord[];
  /** The last outcome, `pending` when nothing followed (a crash between journal and write, or during it). */
  last: Outcome;
  created?: { id: number };
}

/** Groups records by step. */
export function entriesOf(records: readonly JournalRecord[]): JournalEntry[] {
  const bySeq = new Map<number, JournalEntry>();
  for (const r of records) {
    if (r.outcome === 'pending') {
      bySeq.set(r.seq, { pending: r, outcomes: [], last: 'pending' });
      continue;
    }
    const e = bySeq.get(r.seq);
    if (!e) continue;
    e.outcomes.push(r);
    e.last = r.outcome;
    if (r.created) e.created = r.created;
  }
  return [...bySeq.values()];
}

export class JournalError extends Error {
  override name = 'JournalError';
}
