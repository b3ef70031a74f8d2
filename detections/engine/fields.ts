// Field lookup and Sigma value matching: wildcards, modifiers, case-insensitivity.
//
// Semantics (Sigma specification v2, "Detection" and "Sigma Modifiers"; pySigma as the reference), with the
// choices this engine makes:
// - Strings match case-insensitively; `*` is any run of characters, `?` one character (an astral character
//   is one), `\*` `\?` `\\` are literals, and a backslash before anything else or at the end is itself a
//   literal. `|cased` makes a value case-sensitive. Matching is linear (lib/wildcard.ts), never a regex.
// - `|re` is Sigma's regular-expression subset, run by a linear-time engine (regex.ts); case-sensitive unless
//   it starts with `(?i)` or has `|re|i`; `|re|m` and `|re|s` add the multiline and dot-all flags.
// - String modifiers (contains, startswith, endswith, re, cidr, cased) take strings: a number or boolean
//   value is refused with the advice to quote it. A number value matches a number, or text equal to its
//   decimal form ("10", not "0xa", "10.0" or " 10 "); a boolean matches a boolean or "true"/"false".
// - A field holding an array matches when any of its elements matches; with `|all` every value must match
//   some element.
// - `null` matches a missing or null field; `|exists: true|false` tests presence (a null value is present).
// - Extension (not in Sigma): `|hour` and `|weekday` turn an ISO-8601 timestamp into its UTC hour (0-23) or
//   UTC weekday (0 = Sunday … 6 = Saturday) before comparing, e.g. `created_at|hour|lt: 7`. They exist for
//   "outside working hours" rules; GitLab stores created_at in UTC.
// - Every comparison is counted against the rule's step budget (budget.ts).
import { BlockList, isIP } from 'node:net';
import { StepBudget } from './budget';
import { compileSigmaRegex, RegexSubsetError, type SigmaRegex } from './regex';
import { sigmaWildcard } from './sigma-string';
import type { AuditEventLike, EventPredicate } from './types';

export type Scalar = string | number | boolean | null;

const MATCH_MODIFIERS = ['contains', 'startswith', 'endswith', 're', 'cidr', 'exists', 'lt', 'lte', 'gt', 'gte'] as const;
type MatchModifier = (typeof MATCH_MODIFIERS)[number];
const TRANSFORMS = ['hour', 'weekday'] as const;
type Transform = (typeof TRANSFORMS)[number];
const RE_FLAGS = ['i', 'm', 's'] as const;

/** Thrown while compiling a field; the loader adds the file name. */
export class FieldSyntaxError extends Error {}

/** `details.change` -> event.details.change; a literal dotted key at any level wins over nesting. */
export function fieldValue(event: AuditEventLike, path: string): unknown {
  let current: unknown = event;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i += 1) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    const obj = current as Record<string, unknown>;
    const rest = parts.slice(i).join('.');
    if (i < parts.length - 1 && Object.prototype.hasOwnProperty.call(obj, rest)) return obj[rest];
    current = obj[parts[i]];
  }
  return current;
}

interface FieldSpec {
  field: string;
  transform?: Transform;
  match?: MatchModifier;
  all: boolean;
  cased: boolean;
  reFlags: string;
}

function parseFieldKey(key: string): FieldSpec {
  const [field, ...mods] = key.split('|');
  if (!field) throw new FieldSyntaxError(`field "${key}" has no name before "|"`);
  const spec: FieldSpec = { field, all: false, cased: false, reFlags: '' };
  for (const mod of mods) {
    if ((MATCH_MODIFIERS as readonly string[]).includes(mod)) {
      if (spec.match) throw new FieldSyntaxError(`field "${key}" combines the modifiers "${spec.match}" and "${mod}"; use one`);
      spec.match = mod as MatchModifier;
    } else if ((TRANSFORMS as readonly string[]).includes(mod)) {
      if (spec.transform) throw new FieldSyntaxError(`field "${key}" combines "${spec.transform}" and "${mod}"; use one`);
      if (spec.match) throw new FieldSyntaxError(`field "${key}": "${mod}" must come before "${spec.match}"`);
      spec.transform = mod as Transform;
    } else if (mod === 'all') spec.all = true;
    else if (mod === 'cased') spec.cased = true;
    else if ((RE_FLAGS as readonly string[]).includes(mod) && spec.match === 're') spec.reFlags += mod;
    else {
      throw new FieldSyntaxError(
        `field "${key}" uses the unsupported modifier "${mod}" (supported: ${[...MATCH_MODIFIERS, ...TRANSFORMS, 'all', 'cased'].join(', ')}; i, m, s after re)`,
      );
    }
  }
  if (spec.transform && spec.match && !['lt', 'lte', 'gt', 'gte', 'exists'].includes(spec.match)) {
    throw new FieldSyntaxError(`field "${key}": "${spec.transform}" compares numbers; combine it with lt, lte, gt or gte, or give numbers`);
  }
  return spec;
}

/** Event values as the strings patterns compare against; objects never match a string. */
function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A number for lt/lte/gt/gte: a JSON number, or a string in plain decimal notation (the REST API's "72"). */
function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && DECIMAL.test(v)) return Number(v);
  return undefined;
}

function transformed(v: unknown, t: Transform | undefined): unknown {
  if (!t) return v;
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) return undefined;
  const d = new Date(ms);
  return t === 'hour' ? d.getUTCHours() : d.getUTCDay();
}

type ValueTest = (v: unknown, budget: StepBudget) => boolean;

const STRING_MODIFIERS = new Set(['contains', 'startswith', 'endswith', 're', 'cidr']);

function compileValue(spec: FieldSpec, key: string, value: Scalar): ValueTest {
  const where = `field "${key}"`;
  if (spec.match === 'exists') {
    if (typeof value !== 'boolean') throw new FieldSyntaxError(`${where}: exists takes true or false, got ${JSON.stringify(value)}`);
    return () => true; // handled per field, see compileField
  }
  if (value === null) {
    if (spec.match) throw new FieldSyntaxError(`${where}: null cannot be combined with "${spec.match}"`);
    return (v) => v === null || v === undefined;
  }
  // Sigma's string modifiers apply to strings only (pySigma refuses them on numbers and booleans).
  if (typeof value !== 'string' && ((spec.match && STRING_MODIFIERS.has(spec.match)) || spec.cased)) {
    const mod = spec.match && STRING_MODIFIERS.has(spec.match) ? spec.match : 'cased';
    throw new FieldSyntaxError(`${where}: ${mod} applies to strings, got the ${typeof value} ${JSON.stringify(value)}; quote it ('${String(value)}') to match its text`);
  }
  if (spec.match === 'lt' || spec.match === 'lte' || spec.match === 'gt' || spec.match === 'gte') {
    const n = typeof value === 'number' ? value : typeof value === 'string' ? asNumber(value) : undefined;
    if (n === undefined || !Number.isFinite(n)) throw new FieldSyntaxError(`${where}: ${spec.match} takes a number, got ${JSON.stringify(value)}`);
    const op = spec.match;
    return (v) => {
      const x = asNumber(v);
      if (x === undefined) return false;
      return op === 'lt' ? x < n : op === 'lte' ? x <= n : op === 'gt' ? x > n : x >= n;
    };
  }
  if (spec.match === 're') {
    let re: SigmaRegex;
    try {
      re = compileSigmaRegex(value as string, spec.reFlags);
    } catch (err) {
      if (err instanceof RegexSubsetError) throw new FieldSyntaxError(`${where}: regular expression ${JSON.stringify(value)}: ${err.message}`);
      throw err;
    }
    return (v, budget) => {
      const s = asText(v);
      if (s === undefined) return false;
      budget.spend(s.length * re.weight);
      return re.test(s);
    };
  }
  if (spec.match === 'cidr') {
    const block = cidrBlock(value as string, where);
    return (v) => {
      if (typeof v !== 'string') return false;
      const ip = v.trim();
      const family = isIP(ip);
      return family !== 0 && block.check(ip, family === 4 ? 'ipv4' : 'ipv6');
    };
  }
  if (spec.transform) {
    if (typeof value !== 'number') throw new FieldSyntaxError(`${where}: ${spec.transform} compares numbers, got ${JSON.stringify(value)}`);
    return (v) => v === value;
  }
  if (typeof value === 'boolean') {
    return (v) => v === value || (typeof v === 'string' && v.toLowerCase() === String(value));
  }
  if (typeof value === 'number') {
    // Compared as text where the event holds text: 10 matches "10", never "0xa", "10.0" or " 10 ".
    const text = String(value);
    return (v) => v === value || v === text;
  }
  if (typeof value !== 'string') throw new FieldSyntaxError(`${where}: expected a string, number, boolean or null, got ${typeof value}`);
  const placement = spec.match === 'contains' || spec.match === 'startswith' || spec.match === 'endswith' ? spec.match : 'exact';
  const pattern = sigmaWildcard(value, placement, spec.cased);
  return (v, budget) => {
    const s = asText(v);
    return s !== undefined && pattern.test(s, budget);
  };
}

function cidrBlock(value: string, where: string): BlockList {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(value.trim());
  const family = m ? isIP(m[1]) : 0;
  const prefix = m ? Number(m[2]) : NaN;
  if (!m || family === 0 || prefix > (family === 4 ? 32 : 128)) {
    throw new FieldSyntaxError(`${where}: "${value}" is not an IPv4 or IPv6 network (expected address/prefix, e.g. 203.0.113.0/24 or 2001:db8::/32)`);
  }
  const block = new BlockList();
  block.addSubnet(m[1], prefix, family === 4 ? 'ipv4' : 'ipv6');
  return block;
}

/** One `field|modifiers: value(s)` entry of a selection map -> a predicate on the event. */
export function compileField(key: string, raw: unknown): EventPredicate {
  const spec = parseFieldKey(key);
  const values = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) throw new FieldSyntaxError(`field "${key}" has an empty list of values`);
  for (const v of values) {
    if (v !== null && typeof v === 'object') throw new FieldSyntaxError(`field "${key}": values must be strings, numbers, booleans or null, got an object`);
  }
  if (spec.match === 'exists') {
    if (values.length !== 1) throw new FieldSyntaxError(`field "${key}": exists takes a single true or false`);
    compileValue(spec, key, values[0] as Scalar);
    const want = values[0] as boolean;
    // Sigma: exists checks presence only, "be it empty or null".
    return (event) => (fieldValue(event, spec.field) !== undefined) === want;
  }
  const tests = values.map((v) => compileValue(spec, key, v as Scalar));
  const matchesOne = (test: ValueTest, v: unknown, budget: StepBudget): boolean => (Array.isArray(v) ? v.some((x) => test(x, budget)) : test(v, budget));
  return (event, budget = new StepBudget()) => {
    const v = transformed(fieldValue(event, spec.field), spec.transform);
    return spec.all ? tests.every((t) => matchesOne(t, v, budget)) : tests.some((t) => matchesOne(t, v, budget));
  };
}
