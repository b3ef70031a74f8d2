// The Sigma `condition` grammar, by recursive descent:
//   expr    := and ('or' and)*
//   and     := unary ('and' unary)*
//   unary   := 'not' unary | primary
//   primary := '(' expr ')' | ('1' | 'any' | 'all') 'of' (NAME_PATTERN | 'them') | NAME
// As in pySigma (sigma/conditions.py ConditionSelector), `any of` is `1 of`, and both `them` and a name
// pattern leave out selections whose name starts with `_`. Aggregations (`| count() by …`), `near` and
// anything else are refused with the construct named, so a rule never compiles into something that silently
// matches nothing.
import { starPattern } from '../../lib/wildcard';
import type { AuditEventLike, EventPredicate } from './types';

export class ConditionSyntaxError extends Error {}

type Token = { kind: 'lparen' | 'rparen' | 'word'; text: string; at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'lparen' : 'rparen', text: c, at: i });
      i += 1;
    } else if (c === '|') {
      throw new ConditionSyntaxError(`condition "${text}": aggregation "${text.slice(i).trim()}" is not supported (only per-event conditions)`);
    } else {
      const m = /^[A-Za-z0-9_*?.\-]+/.exec(text.slice(i));
      if (!m) throw new ConditionSyntaxError(`condition "${text}": unexpected character "${c}" at position ${i + 1}`);
      tokens.push({ kind: 'word', text: m[0], at: i });
      i += m[0].length;
    }
  }
  return tokens;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all', 'any', '1']);

/** Compiles a condition against named selections into one predicate. */
export function compileCondition(text: string, selections: ReadonlyMap<string, EventPredicate>): EventPredicate {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new ConditionSyntaxError('condition is empty; name a selection, e.g. "condition: selection"');
  let pos = 0;
  const where = `condition "${text}"`;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (t: Token | undefined, w: string): boolean => t?.kind === 'word' && t.text.toLowerCase() === w;

  const expr = (): EventPredicate => {
    const parts = [and()];
    while (isWord(peek(), 'or')) {
      pos += 1;
      parts.push(and());
    }
    return parts.length === 1 ? parts[0] : (e, b) => parts.some((p) => p(e, b));
  };
  const and = (): EventPredicate => {
    const parts = [unary()];
    while (isWord(peek(), 'and')) {
      pos += 1;
      parts.push(unary());
    }
    return parts.length === 1 ? parts[0] : (e, b) => parts.every((p) => p(e, b));
  };
  const unary = (): EventPredicate => {
    if (isWord(peek(), 'not')) {
      pos += 1;
      const inner = unary();
      return (e, b) => !inner(e, b);
    }
    return primary();
  };
  const primary = (): EventPredicate => {
    const t = peek();
    if (!t) throw new ConditionSyntaxError(`${where}: ends where a selection name or "(" was expected`);
    if (t.kind === 'lparen') {
      pos += 1;
      const inner = expr();
      if (peek()?.kind !== 'rparen') throw new ConditionSyntaxError(`${where}: missing ")" for "(" at position ${t.at + 1}`);
      pos += 1;
      return inner;
    }
    if (t.kind === 'rparen') throw new ConditionSyntaxError(`${where}: unexpected ")" at position ${t.at + 1}`);
    const word = t.text.toLowerCase();
    if (word === '1' || word === 'all' || word === 'any' || (/^\d+$/.test(word) && isWord(tokens[pos + 1], 'of'))) {
      if (word !== '1' && word !== 'all' && word !== 'any') throw new ConditionSyntaxError(`${where}: "${t.text} of" is not supported; use "1 of", "any of" or "all of"`);
      if (!isWord(tokens[pos + 1], 'of')) throw new ConditionSyntaxError(`${where}: "${t.text}" must be followed by "of"`);
      const target = tokens[pos + 2];
      if (!target || target.kind !== 'word') throw new ConditionSyntaxError(`${where}: "${t.text} of" needs a selection pattern or "them"`);
      pos += 3;
      const chosen = quantified(target.text);
      return word === 'all' ? (e, b) => chosen.every((p) => p(e, b)) : (e, b) => chosen.some((p) => p(e, b));
    }
    if (word === 'near') throw new ConditionSyntaxError(`${where}: "near" (temporal correlation) is not supported`);
    if (KEYWORDS.has(word)) throw new ConditionSyntaxError(`${where}: unexpected "${t.text}" at position ${t.at + 1}`);
    const sel = selections.get(t.text);
    if (!sel) throw new ConditionSyntaxError(`${where}: unknown identifier "${t.text}" (selections: ${[...selections.keys()].join(', ') || 'none'})`);
    pos += 1;
    return sel;
  };
  const quantified = (pattern: string): EventPredicate[] => {
    // Sigma / pySigma: selections starting with "_" are never part of "them" or of a pattern.
    const candidates = [...selections.keys()].filter((n) => !n.startsWith('_'));
    let names: string[];
    if (pattern.toLowerCase() === 'them') names = candidates;
    else {
      const glob = starPattern(pattern, false);
      names = candidates.filter((n) => glob.test(n));
    }
    if (names.length === 0) {
      const hidden = pattern.startsWith('_') ? ' (selections starting with "_" are left out of "of"; name them directly)' : '';
      throw new ConditionSyntaxError(`${where}: "${pattern}" matches no selection${hidden}`);
    }
    return names.map((n) => selections.get(n)!);
  };

  const root = expr();
  if (pos < tokens.length) throw new ConditionSyntaxError(`${where}: unexpected "${tokens[pos].text}" at position ${tokens[pos].at + 1}`);
  return root;
}

export type { AuditEventLike };
