// A Sigma string value -> wildcard tokens. Sigma (and pySigma's SigmaString) give `*` (any run) and `?` (one
// character) their wildcard meaning; a backslash escapes only `*`, `?` and itself, and is a literal backslash
// before anything else or at the end, so `\Microsoft Office\` stays literal when `contains` wraps it in stars.
// Modifiers add wildcards to the parsed value, never to its text.
import { codePoints, foldTokens, Wildcard, type WildcardToken } from '../../lib/wildcard';

const STAR = 42;
const QUESTION = 63;
const BACKSLASH = 92;

export function sigmaTokens(value: string): WildcardToken[] {
  const cps = codePoints(value, false);
  const out: WildcardToken[] = [];
  for (let i = 0; i < cps.length; i += 1) {
    const c = cps[i];
    if (c === BACKSLASH && i + 1 < cps.length && (cps[i + 1] === STAR || cps[i + 1] === QUESTION || cps[i + 1] === BACKSLASH)) {
      out.push({ kind: 'lit', cp: cps[i + 1] });
      i += 1;
    } else if (c === STAR) out.push({ kind: 'star' });
    else if (c === QUESTION) out.push({ kind: 'one' });
    else out.push({ kind: 'lit', cp: c });
  }
  return out;
}

export type Placement = 'exact' | 'contains' | 'startswith' | 'endswith';

/** The value's matcher: wildcards placed by the modifier, case-insensitive unless `cased`. */
export function sigmaWildcard(value: string, placement: Placement, cased: boolean): Wildcard {
  let tokens = sigmaTokens(value);
  if (placement === 'contains' || placement === 'endswith') tokens = [{ kind: 'star' }, ...tokens];
  if (placement === 'contains' || placement === 'startswith') tokens = [...tokens, { kind: 'star' }];
  return new Wildcard(cased ? tokens : foldTokens(tokens), !cased);
}
