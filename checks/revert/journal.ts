// The revert journal: one JSON Lines file per run under .posture/journal/ (or --journal DIR). Each record is
// flushed to disk (fsync) before the write it announces, so a crash at any point leaves a file that says what
// was and was not applied. Never a token, never a variable value (the writer scrubs both).
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from '../../gitlab/redact';
import type { TargetRef } from '../model';

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
}

export const DEFAULT_JOURNAL_DIR = join('.posture', 'journal');

/** `20261120T031400123Z-3f9a1c`: sortable to the millisecond, unique enough per operator, short in a user agent. */
export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${Math.random().toString(16).slice(2, 8).padEnd(6, '0')}`;
}

export class Journal {
  readonly file: string;
  readonly #token: string | undefined;

  private constructor(file: string, token: string | undefined) {
    this.file = file;
    this.#token = token;
  }

  /** Creates `<dir>/<runId>.jsonl`; refuses to reuse an existing file (one file per run). */
  static create(dir: string, runId: string, token?: string): Journal {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${runId}.jsonl`);
    closeSync(openSync(file, 'wx'));
    return new Journal(file, token);
  }

  /** Appends one record and flushes it to disk before returning. */
  append(record: JournalRecord): void {
    // The token can only reach a record through an echoed error message; redact catches it and any token-like text.
    const line = redact(JSON.stringify(record), this.#token) + '\n';
    const fd = openSync(this.file, 'a');
    try {
      writeSync(fd, line);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** Reads a journal; a half-written last line (crash mid-append) is ignored, any other bad line is an error. */
export function readJournal(file: string): JournalRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new JournalError(`${file}: cannot read the journal (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  const lines = text.split('\n');
  const records: JournalRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const r = JSON.parse(line) as JournalRecord;
      if (typeof r.run !== 'string' || typeof r.seq !== 'number' || typeof r.method !== 'string' || typeof r.path !== 'string' || typeof r.url !== 'string') {
        throw new Error('missing run, seq, url, method or path');
      }
      records.push(r);
    } catch (err) {
      const last = lines.slice(i + 1).every((l) => l.trim() === '');
      if (last && !line.endsWith('}')) return;
      throw new JournalError(`${file}:${i + 1}: not a gitlab-posture journal record (${(err as Error).message}).`);
    }
  });
  if (records.length === 0) throw new JournalError(`${file}: the journal has no records; nothing to undo.`);
  return records;
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
