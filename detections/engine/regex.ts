// The `re` modifier: Sigma's regular-expression subset (sigma-specification, "Sigma Modifiers" > Regular
// Expression: `.`, `^`, `$`, `*`, `+`, `?`, `{n,m}`, `[a-z]`, `[^a-z]`, `( )`, `|`; "other metacharacters are
// unsupported"), checked here, then run by re2js, a port of RE2 that matches in time linear in the input
// (no backtracking, so nested quantifiers like `(a+)+b` cannot blow up). A leading `(?i)` is accepted as the
// `i` sub-modifier, as pySigma and most public rules write it.
import { RE2JS } from 're2js';

export class RegexSubsetError extends Error {}

const MAX_REPEAT = 1000;

/** Throws RegexSubsetError naming the first construct outside Sigma's subset. */
export function checkSigmaRegex(source: string): void {
  const at = (i: number) => `at position ${i + 1}`;
  let depth = 0;
  let canRepeat = false; // is there an atom before this position that a quantifier could apply to
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined) throw new RegexSubsetError(`a trailing "\\" escapes nothing`);
      if (/[A-Za-z0-9]/.test(next)) {
        throw new RegexSubsetError(`"\\${next}" ${at(i)} is not in Sigma's regular-expression subset (write a class such as [0-9] or [ \\t] instead)`);
      }
      i += 1;
      canRepeat = true;
    } else if (c === '(') {
      if (source[i + 1] === '?') throw new RegexSubsetError(`"(?" ${at(i)} (lookaround, non-capturing group or inline flag) is not in Sigma's regular-expression subset`);
      depth += 1;
      canRepeat = false;
    } else if (c === ')') {
      if (depth === 0) throw new RegexSubsetError(`unmatched ")" ${at(i)}`);
      depth -= 1;
      canRepeat = true;
    } else if (c === '|') {
      canRepeat = false;
    } else if (c === '[') {
      i = classEnd(source, i);
      canRepeat = true;
    } else if (c === '*' || c === '+' || c === '?' || c === '{') {
      let end = i;
      if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
        if (!m) throw new RegexSubsetError(`"{" ${at(i)} does not start a repetition {n}, {n,} or {n,m}; write \\{ for a literal brace`);
        const lo = Number(m[1]);
        const hi = m[3] ? Number(m[3]) : lo;
        if (lo > MAX_REPEAT || hi > MAX_REPEAT) throw new RegexSubsetError(`repetition ${m[0]} ${at(i)} exceeds ${MAX_REPEAT}`);
        if (m[3] && hi < lo) throw new RegexSubsetError(`repetition ${m[0]} ${at(i)} has its bounds reversed`);
        end = i + m[0].length - 1;
      }
      if (!canRepeat) {
        const what = source.slice(i, end + 1);
        throw new RegexSubsetError(`quantifier "${what}" ${at(i)} follows nothing it can repeat (lazy and possessive quantifiers such as *? and ++ are not in Sigma's subset)`);
      }
      i = end;
      canRepeat = false;
    } else {
      canRepeat = true;
    }
  }
  if (depth > 0) throw new RegexSubsetError('unclosed "("');
}

function classEnd(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i += 1;
  if (source[i] === ']') i += 1; // a leading ] is literal
  for (; i < source.length; i += 1) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) {
        throw new RegexSubsetError(`"\\${next ?? ''}" inside [...] at position ${i + 1} is not in Sigma's regular-expression subset`);
      }
      i += 1;
    } else if (c === '[' && source[i + 1] === ':') {
      throw new RegexSubsetError(`POSIX class "[:" at position ${i + 1} is not in Sigma's regular-expression subset`);
    } else if (c === ']') return i;
  }
  throw new RegexSubsetError(`unclosed "[" at position ${start + 1}`);
}

export interface SigmaRegex {
  test(text: string): boolean;
  /** Rough size of the compiled program, to charge text length x weight against the step budget. */
  weight: number;
}

/** Compiles a Sigma `re` value with its sub-modifiers (i, m, s); throws RegexSubsetError. */
export function compileSigmaRegex(value: string, flags: string): SigmaRegex {
  let source = value;
  let f = flags;
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    if (!f.includes('i')) f += 'i';
  }
  checkSigmaRegex(source);
  let re2Flags = 0;
  if (f.includes('i')) re2Flags |= RE2JS.CASE_INSENSITIVE;
  if (f.includes('m')) re2Flags |= RE2JS.MULTILINE;
  if (f.includes('s')) re2Flags |= RE2JS.DOTALL;
  let compiled: ReturnType<typeof RE2JS.compile>;
  try {
    compiled = RE2JS.compile(source, re2Flags);
  } catch (err) {
    throw new RegexSubsetError(`invalid regular expression (${(err as Error).message})`);
  }
  return { test: (text) => compiled.matcher(text).find(), weight: Math.max(1, Math.ceil(source.length / 4)) };
}
