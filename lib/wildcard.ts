// Wildcard matching without a backtracking regular expression. A pattern is literal code points, `?`-like
// "one code point" units, character sets and `*` (any run). Split at the stars, the first piece must match at
// the start, the last at the end, and each middle piece is placed at its leftmost occurrence: for patterns
// whose only variable-length unit is `*` the leftmost placement is always a valid one, so there is nothing to
// backtrack. The cost is at most text length x pattern length (literal pieces use KMP: text length + piece
// length), counted on an optional step counter. Used by Sigma values (detections), baseline path globs
// (lib/globs.ts), protected-branch and host patterns (policies/match.ts): all of them come from files an
// attacker may edit through a merge request, and the texts they match (branch names, audit event fields)
// from users the tool is watching.

export type WildcardToken = { kind: 'lit'; cp: number } | { kind: 'one' } | { kind: 'set'; test: (cp: number) => boolean } | { kind: 'star' };

/** Anything that counts matching steps (detections/engine/budget.ts StepBudget). */
export interface StepCounter {
  spend(n: number): void;
}

type Unit = Exclude<WildcardToken, { kind: 'star' }>;

const NON_ASCII = /[^\x00-\x7f]/;

const foldCache = new Map<number, number>();

/** Simple case folding of one code point (lower case when that is one code point, else itself). */
export function foldCodePoint(cp: number): number {
  if (cp < 128) return cp >= 65 && cp <= 90 ? cp + 32 : cp;
  let f = foldCache.get(cp);
  if (f === undefined) {
    const lower = String.fromCodePoint(cp).toLowerCase();
    const first = lower.codePointAt(0)!;
    f = String.fromCodePoint(first) === lower ? first : cp;
    if (foldCache.size < 65_536) foldCache.set(cp, f);
  }
  return f;
}

/** The string as code points (astral characters are one unit), folded when `fold`. */
export function codePoints(s: string, fold: boolean): Uint32Array {
  const out = new Uint32Array(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i += 1) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = (cp - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
        i += 1;
      }
    }
    out[n++] = !fold ? cp : cp < 128 ? (cp >= 65 && cp <= 90 ? cp + 32 : cp) : foldCodePoint(cp);
  }
  return out.subarray(0, n);
}

/** Spends steps in batches so the counter is not called per comparison. */
class Meter {
  private pending = 0;
  constructor(private readonly counter: StepCounter | undefined) {}
  tick(n = 1): void {
    this.pending += n;
    if (this.pending >= 4096) this.flush();
  }
  flush(): void {
    if (this.pending > 0 && this.counter) this.counter.spend(this.pending);
    this.pending = 0;
  }
}

class Piece {
  readonly literal: Uint32Array | null;
  private readonly failure: Int32Array | null;
  constructor(readonly units: readonly Unit[]) {
    this.literal = units.every((u) => u.kind === 'lit') ? Uint32Array.from(units, (u) => (u as { cp: number }).cp) : null;
    this.failure = this.literal ? kmpFailure(this.literal) : null;
  }

  get length(): number {
    return this.units.length;
  }

  matchesAt(text: Uint32Array, at: number, meter: Meter): boolean {
    let k = 0;
    for (; k < this.units.length; k += 1) {
      const u = this.units[k];
      const c = text[at + k];
      if (u.kind === 'lit' ? c !== u.cp : u.kind === 'set' ? !u.test(c) : false) break;
    }
    meter.tick(k + 1);
    return k === this.units.length;
  }

  /** Leftmost start in [from, limit - length], or -1. */
  find(text: Uint32Array, from: number, limit: number, meter: Meter): number {
    const m = this.units.length;
    if (m === 0) return from;
    let steps = 0;
    try {
      if (this.literal && this.failure) {
        const lit = this.literal;
        const fail = this.failure;
        let q = 0;
        for (let i = from; i < limit; i += 1) {
          steps += 1;
          while (q > 0 && lit[q] !== text[i]) {
            q = fail[q - 1];
            steps += 1;
          }
          if (lit[q] === text[i]) q += 1;
          if (q === m) return i - m + 1;
        }
        return -1;
      }
      const units = this.units;
      // Anchor on the piece's last literal: native TypedArray#indexOf finds its candidates.
      let anchor = -1;
      for (let k = m - 1; k >= 0; k -= 1) if (units[k].kind === 'lit') { anchor = k; break; }
      if (anchor >= 0) {
        const cp = (units[anchor] as { cp: number }).cp;
        for (let p = from; p + m <= limit; ) {
          const hit = text.indexOf(cp, p + anchor);
          if (hit < 0 || hit - anchor + m > limit) {
            steps += (hit < 0 ? limit : hit) - p;
            return -1;
          }
          const start = hit - anchor;
          steps += start - p + 1;
          if (this.matchesAt(text, start, meter)) return start;
          p = start + 1;
        }
        return -1;
      }
      for (let p = from; p + m <= limit; p += 1) {
        let k = 0;
        for (; k < m; k += 1) {
          const u = units[k];
          const c = text[p + k];
          if (u.kind === 'lit' ? c !== u.cp : u.kind === 'set' ? !u.test(c) : false) break;
        }
        steps += k + 1;
        if (k === m) return p;
      }
      return -1;
    } finally {
      meter.tick(steps);
    }
  }
}

function kmpFailure(p: Uint32Array): Int32Array {
  const f = new Int32Array(p.length);
  let k = 0;
  for (let i = 1; i < p.length; i += 1) {
    while (k > 0 && p[k] !== p[i]) k = f[k - 1];
    if (p[k] === p[i]) k += 1;
    f[i] = k;
  }
  return f;
}

export class Wildcard {
  private readonly pieces: Piece[];
  private readonly starred: boolean;
  /** The pieces as strings when every piece is literal and ASCII: matched with native string search. */
  private readonly asciiPieces: string[] | null;

  /** `fold`: compare case-insensitively (literal tokens must then be folded already, see `foldTokens`). */
  constructor(
    tokens: readonly WildcardToken[],
    readonly fold: boolean,
  ) {
    const pieces: Unit[][] = [[]];
    for (const t of tokens) {
      if (t.kind === 'star') pieces.push([]);
      else pieces[pieces.length - 1].push(t);
    }
    this.starred = pieces.length > 1;
    this.pieces = pieces.map((p) => new Piece(p));
    this.asciiPieces = this.pieces.every((p) => p.literal && p.literal.every((c) => c < 128))
      ? this.pieces.map((p) => String.fromCharCode(...p.literal!))
      : null;
  }

  test(text: string, counter?: StepCounter): boolean {
    counter?.spend(text.length);
    // ASCII text and pattern: lower-casing is exact, and String#indexOf is native (linear for these sizes).
    if (this.asciiPieces && !NON_ASCII.test(text)) return this.testAscii(this.fold ? text.toLowerCase() : text, this.asciiPieces, counter);
    return this.testPoints(codePoints(text, this.fold), counter);
  }

  private testAscii(text: string, pieces: string[], counter?: StepCounter): boolean {
    const n = text.length;
    const first = pieces[0];
    if (!this.starred) return text === first;
    const last = pieces[pieces.length - 1];
    if (first.length + last.length > n || !text.startsWith(first) || !text.endsWith(last)) return false;
    let pos = first.length;
    const limit = n - last.length;
    for (let i = 1; i < pieces.length - 1; i += 1) {
      const piece = pieces[i];
      if (piece.length === 0) continue;
      const at = text.indexOf(piece, pos);
      counter?.spend((at < 0 ? limit : at + piece.length) - pos + piece.length);
      if (at < 0 || at + piece.length > limit) return false;
      pos = at + piece.length;
    }
    return true;
  }

  testPoints(text: Uint32Array, counter?: StepCounter): boolean {
    const meter = new Meter(counter);
    try {
      return this.run(text, meter);
    } finally {
      meter.flush();
    }
  }

  private run(text: Uint32Array, meter: Meter): boolean {
    const n = text.length;
    const first = this.pieces[0];
    if (!this.starred) return n === first.length && first.matchesAt(text, 0, meter);
    const last = this.pieces[this.pieces.length - 1];
    if (first.length + last.length > n) return false;
    if (!first.matchesAt(text, 0, meter) || !last.matchesAt(text, n - last.length, meter)) return false;
    let pos = first.length;
    const limit = n - last.length;
    for (let i = 1; i < this.pieces.length - 1; i += 1) {
      const at = this.pieces[i].find(text, pos, limit, meter);
      if (at < 0) return false;
      pos = at + this.pieces[i].length;
    }
    return true;
  }
}

/** Literal tokens folded for a case-insensitive Wildcard. */
export function foldTokens(tokens: readonly WildcardToken[]): WildcardToken[] {
  return tokens.map((t) => (t.kind === 'lit' ? { kind: 'lit', cp: foldCodePoint(t.cp) } : t));
}

/** `*` is any run of characters, everything else literal (GitLab branch wildcards, webhook host globs). */
export function starPattern(pattern: string, caseInsensitive: boolean): Wildcard {
  const tokens: WildcardToken[] = [];
  for (const cp of codePoints(pattern, caseInsensitive)) tokens.push(cp === 42 ? { kind: 'star' } : { kind: 'lit', cp });
  return new Wildcard(tokens, caseInsensitive);
}
