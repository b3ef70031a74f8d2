// Path globs (`acme/sandbox/**`, `acme/{web,api}`, `*/tmp-*`) and rule-id globs (`webhooks.*`), matched in
// linear time. Same meaning as picomatch with { nocase: true, dot: true }: `*` and `?` stay within one path
// segment, `**` as a whole segment spans any number of them (none included, so `acme/sandbox/**` also
// matches `acme/sandbox`), `[...]` is a character set (`[!...]`/`[^...]` negated), `{a,b}` alternatives,
// `\x` a literal x, and a leading `!` negates. picomatch compiles globs to regular expressions with lazy
// quantifiers, which backtrack polynomially (degree = number of stars) on long names; baselines come from
// merge requests, so matching here is a segment-by-segment table over lib/wildcard.ts matchers.
import { codePoints, foldCodePoint, Wildcard, type StepCounter, type WildcardToken } from './wildcard';

const MAX_ALTERNATIVES = 256;

type Segment = 'globstar' | Wildcard;

export class PathGlob {
  private readonly alternatives: Segment[][];
  private readonly negated: boolean;

  constructor(glob: string) {
    this.negated = glob.startsWith('!') && !glob.startsWith('!(');
    const body = this.negated ? glob.slice(1) : glob;
    this.alternatives = expandBraces(body).map((g) => g.split('/').map((s) => (s === '**' ? 'globstar' : segmentMatcher(s))));
  }

  test(path: string, counter?: StepCounter): boolean {
    const parts = path.split('/');
    const hit = this.alternatives.some((segs) => matchSegments(segs, parts, counter));
    return this.negated ? !hit : hit;
  }
}

/** Table over (glob segment, path segment): O(segments^2) segment tests, each linear in the segment. */
function matchSegments(segs: readonly Segment[], parts: readonly string[], counter: StepCounter | undefined): boolean {
  // ok[j]: the glob segments seen so far match exactly parts[0..j).
  let ok = new Array<boolean>(parts.length + 1).fill(false);
  ok[0] = true;
  for (const seg of segs) {
    const next = new Array<boolean>(parts.length + 1).fill(false);
    if (seg === 'globstar') {
      let any = false;
      for (let j = 0; j <= parts.length; j += 1) {
        any = any || ok[j];
        next[j] = any;
      }
    } else {
      for (let j = 0; j < parts.length; j += 1) if (ok[j] && seg.test(parts[j], counter)) next[j + 1] = true;
    }
    ok = next;
  }
  return ok[parts.length];
}

function segmentMatcher(segment: string): Wildcard {
  const cps = codePoints(segment, false);
  const tokens: WildcardToken[] = [];
  for (let i = 0; i < cps.length; i += 1) {
    const c = String.fromCodePoint(cps[i]);
    if (c === '\\' && i + 1 < cps.length) {
      tokens.push({ kind: 'lit', cp: foldCodePoint(cps[i + 1]) });
      i += 1;
    } else if (c === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') tokens.push({ kind: 'one' });
    else if (c === '[') {
      const end = classEnd(cps, i);
      if (end < 0) tokens.push({ kind: 'lit', cp: cps[i] });
      else {
        tokens.push({ kind: 'set', test: charSet(cps.subarray(i + 1, end)) });
        i = end;
      }
    } else tokens.push({ kind: 'lit', cp: foldCodePoint(cps[i]) });
  }
  return new Wildcard(tokens, true);
}

function classEnd(cps: Uint32Array, start: number): number {
  let i = start + 1;
  if (cps[i] === 33 || cps[i] === 94) i += 1; // ! or ^
  if (cps[i] === 93) i += 1; // a leading ] is literal
  for (; i < cps.length; i += 1) {
    if (cps[i] === 92) i += 1;
    else if (cps[i] === 93) return i;
  }
  return -1;
}

/** A bracket expression's body -> a test on folded code points. */
function charSet(body: Uint32Array): (cp: number) => boolean {
  let i = 0;
  const negate = body[0] === 33 || body[0] === 94;
  if (negate) i = 1;
  const ranges: [number, number][] = [];
  for (; i < body.length; i += 1) {
    let lo = body[i];
    if (lo === 92 && i + 1 < body.length) lo = body[++i];
    let hi = lo;
    if (body[i + 1] === 45 && i + 2 < body.length) {
      hi = body[i + 2];
      if (hi === 92 && i + 3 < body.length) {
        hi = body[i + 3];
        i += 1;
      }
      i += 2;
    }
    ranges.push([lo, hi]);
  }
  const inside = (cp: number) => ranges.some(([lo, hi]) => (cp >= lo && cp <= hi) || (cp >= foldCodePoint(lo) && cp <= foldCodePoint(hi)));
  return (cp) => inside(cp) !== negate;
}

/** `a/{b,c}/d` -> [`a/b/d`, `a/c/d`] (nested braces too), at most MAX_ALTERNATIVES. */
export function expandBraces(glob: string): string[] {
  let depth = 0;
  let open = -1;
  const commas: number[] = [];
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i];
    if (c === '\\') {
      i += 1;
      continue;
    }
    if (c === '{') {
      if (depth === 0) {
        open = i;
        commas.length = 0;
      }
      depth += 1;
    } else if (c === '}' && depth > 0) {
      depth -= 1;
      if (depth === 0) {
        if (commas.length === 0) continue; // `{a}` is literal
        const parts: string[] = [];
        let from = open + 1;
        for (const at of [...commas, i]) {
          parts.push(glob.slice(from, at));
          from = at + 1;
        }
        const before = glob.slice(0, open);
        const after = glob.slice(i + 1);
        const out: string[] = [];
        for (const p of parts) {
          for (const e of expandBraces(before + p + after)) {
            out.push(e);
            if (out.length >= MAX_ALTERNATIVES) return out;
          }
        }
        return out;
      }
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  return [glob];
}
