// A baseline that cannot be used, with every problem found (not just the first), each located by file,
// key path and line so the user can fix them all in one go.

export interface BaselineIssue {
  file: string;
  /** Dotted key path with list indexes, e.g. `settings.mr-approvals.min_approvals`, `waivers[0].expires`; '' for the whole file. */
  keyPath: string;
  line?: number;
  column?: number;
  /** What was written (as shown to the user), when there is something to show. */
  found?: string;
  expected: string;
  /** The full line shown to the user: `baseline.yaml:12: settings.x: expected …, got …`. */
  message: string;
}

export class BaselineError extends Error {
  readonly file: string;
  readonly keyPath: string;
  readonly line: number | undefined;
  readonly found: string | undefined;
  readonly expected: string;
  readonly errors: BaselineIssue[];

  constructor(errors: BaselineIssue[]) {
    if (errors.length === 0) throw new Error('BaselineError needs at least one issue');
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'BaselineError';
    const first = errors[0]!;
    this.file = first.file;
    this.keyPath = first.keyPath;
    this.line = first.line;
    this.found = first.found;
    this.expected = first.expected;
    this.errors = errors;
  }
}

/** Builds the issue and its message: `file:line: key.path: expected X, got Y` (or a custom problem text). */
export function makeIssue(i: {
  file: string;
  keyPath: string;
  line?: number;
  column?: number;
  found?: string;
  expected: string;
  /** Replaces "expected X, got Y" when the problem reads better another way (unknown key, unreadable file). */
  text?: string;
  /** `file:line:column:` (YAML syntax errors, where the column matters). */
  showColumn?: boolean;
}): BaselineIssue {
  const where =
    i.line === undefined ? i.file : i.showColumn && i.column !== undefined ? `${i.file}:${i.line}:${i.column}` : `${i.file}:${i.line}`;
  const body = i.text ?? (i.found !== undefined ? `expected ${i.expected}, got ${i.found}` : `expected ${i.expected}`);
  const message = i.keyPath ? `${where}: ${i.keyPath}: ${body}` : `${where}: ${body}`;
  return {
    file: i.file,
    keyPath: i.keyPath,
    ...(i.line !== undefined ? { line: i.line } : {}),
    ...(i.column !== undefined ? { column: i.column } : {}),
    ...(i.found !== undefined ? { found: i.found } : {}),
    expected: i.expected,
    message,
  };
}
