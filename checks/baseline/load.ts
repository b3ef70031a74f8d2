// baseline.yaml -> Baseline: parse (keeping line numbers), validate, merge the built-in profile. Pure apart
// from reading the file: nothing is contacted before the baseline is valid (docs/baseline.md).
// Every problem is collected and thrown as one BaselineError, so a user fixes them all in one pass.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { MAX_ALIAS_COUNT, toJsBounded, YamlAliasError } from '../../lib/yaml-aliases';
import { z } from 'zod';
import { AREAS, areaParams, type AllParams, type Area } from '../../policies/params';
import { RULE_IDS, type RuleId } from '../../policies/rule-ids';
import { matchesPath, selfAndAncestors } from '../../lib/globs';
import { BaselineError, makeIssue, type BaselineIssue } from './errors';
import { baselineSchema, isOn, profileSchema, waiverSchema, type BaselineInput, type ProfileInput } from './schema';
import { closest } from './suggest';
import type { Baseline, LoadOptions, ProfileName, Waiver } from '../../model/baseline';
import { isWaiverExpired } from './waivers';

type Path = (string | number)[];

export function loadBaseline(file: string, opts: LoadOptions = {}): Baseline {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new BaselineError([
      makeIssue({
        file,
        keyPath: '',
        expected: 'a readable baseline file',
        text: `cannot read the baseline file (${why}). Pass --baseline with the path of your baseline.yaml, or write one with "gitlab-posture init --group PATH" (keys: docs/baseline.md).`,
      }),
    ]);
  }
  return parseBaseline(text, file, opts);
}

/**
 * Past-due waivers: by default a load error. An expired waiver "is reported and no longer applies"
 * (docs/baseline.md, `waivers[].expires`): every command (check, gate, revert, …) loads with
 * allowExpiredWaivers (docs/baseline.md says so), keeps such waivers marked `expired` (never applied) and reports them, so an expiry
 * date passing overnight turns into visible findings instead of a CI run that cannot even start.
 */
export function parseBaseline(text: string, file: string, opts: LoadOptions = {}): Baseline {
  const now = opts.now ?? new Date();
  const parsed = parseYaml(text, file);
  if ('issues' in parsed) throw new BaselineError(parsed.issues);
  const { doc, lines, raw } = parsed;

  const normalized = dropNullSections(raw);
  const result = baselineSchema.safeParse(normalized);
  // Cross-key checks run on every section that is valid on its own, so one pass reports everything.
  const issues = [
    ...(result.success ? [] : zodIssues(result.error.issues, raw, baselineSchema, file, doc, lines)),
    ...crossChecks(validSections(normalized), now, opts.allowExpiredWaivers ?? false, file, doc, lines),
  ];
  if (!result.success || issues.length > 0) throw new BaselineError(sortByLine(issues));
  const input = result.data;

  const profile = loadProfile(input.profile);
  const userSettings = (isRecord(raw) && isRecord(raw.settings) ? raw.settings : {}) as Record<string, Record<string, unknown>>;
  return {
    file,
    gitlab: {
      ...(input.gitlab?.url !== undefined ? { url: input.gitlab.url } : {}),
      ...(input.gitlab?.tier !== undefined ? { tier: input.gitlab.tier as NonNullable<Baseline['gitlab']['tier']> } : {}),
    },
    targets: { groups: input.targets.groups, projects: input.targets.projects, exclude: input.targets.exclude },
    profile: input.profile,
    params: mergeParams(profile.settings as Record<string, Record<string, unknown>>, userSettings),
    enabled: mergeEnabled(profile.rules, input.rules ?? {}),
    waivers: input.waivers.map(
      (w): Waiver => ({
        rule: w.rule,
        target: w.target,
        ...(w.object !== undefined ? { object: w.object } : {}),
        ...(w.branch !== undefined ? { branch: w.branch } : {}),
        reason: w.reason.trim(),
        expires: w.expires,
        expired: isWaiverExpired(w.expires, now),
      }),
    ),
    raw,
  };
}

/** Profile ⊕ baseline settings, per key; the area schemas fill what neither names (their defaults). */
function mergeParams(profile: Record<string, Record<string, unknown>>, user: Record<string, Record<string, unknown>>): AllParams {
  const out: Partial<Record<Area, unknown>> = {};
  for (const area of AREAS) out[area] = areaParams[area].parse({ ...(profile[area] ?? {}), ...(user[area] ?? {}) });
  return out as AllParams;
}

function mergeEnabled(profile: ProfileInput['rules'], user: NonNullable<BaselineInput['rules']>): Record<RuleId, boolean> {
  const enabled = Object.fromEntries(RULE_IDS.map((id) => [id, true])) as Record<RuleId, boolean>;
  for (const layer of [profile, user]) {
    for (const id of RULE_IDS) {
      const v = layer[id];
      if (v !== undefined) enabled[id] = isOn(v);
    }
  }
  return enabled;
}

// --- built-in profiles -------------------------------------------------------------------------------------

const PROFILE_DIR = join(__dirname, '..', '..', 'policies', 'profiles');
const profiles = new Map<ProfileName, ProfileInput>();

/** A built-in profile, validated like a baseline: a broken one is our bug and fails every load, loudly. */
export function loadProfile(name: ProfileName): ProfileInput {
  const cached = profiles.get(name);
  if (cached) return cached;
  const file = join(PROFILE_DIR, `${name}.yaml`);
  const bug = (issues: BaselineIssue[]) =>
    new BaselineError(issues.map((i) => ({ ...i, message: `${i.message} (built-in profile "${name}" is broken: this is a gitlab-posture bug, please report it)` })));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw bug([makeIssue({ file, keyPath: '', expected: 'a readable profile file', text: `cannot read (${(err as Error).message})` })]);
  }
  const parsed = parseYaml(text, file);
  if ('issues' in parsed) throw bug(parsed.issues);
  const result = profileSchema.safeParse(parsed.raw);
  if (!result.success) throw bug(zodIssues(result.error.issues, parsed.raw, profileSchema, file, parsed.doc, parsed.lines));
  if (result.data.name !== name) {
    throw bug([makeIssue({ file, keyPath: 'name', expected: `"${name}"`, found: JSON.stringify(result.data.name) })]);
  }
  profiles.set(name, result.data);
  return result.data;
}

// --- YAML --------------------------------------------------------------------------------------------------

interface ParsedYaml {
  doc: Document;
  lines: LineCounter;
  raw: unknown;
}

function parseYaml(text: string, file: string): ParsedYaml | { issues: BaselineIssue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
        return makeIssue({
          file,
          keyPath: '',
          line: pos.line,
          column: pos.col,
          expected: 'valid YAML',
          showColumn: true,
          text: `YAML syntax error: ${e.message.split('\n')[0]}`,
        });
      }),
    };
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return {
      issues: [
        makeIssue({
          file,
          keyPath: '',
          expected: 'a mapping with at least `targets:`',
          text: 'the file is empty: expected a mapping with at least `targets:` (keys: docs/baseline.md; `gitlab-posture init` writes one)',
        }),
      ],
    };
  }
  try {
    return { doc, lines, raw: toJsBounded(doc, text) };
  } catch (err) {
    if (!(err instanceof YamlAliasError)) throw err;
    return {
      issues: [
        makeIssue({
          file,
          keyPath: '',
          ...(err.line !== undefined ? { line: err.line } : {}),
          expected: `at most ${MAX_ALIAS_COUNT} alias expansions`,
          text: 'too many aliases: the anchors and aliases (&a / *a) expand to a huge document (a YAML alias bomb); write the values out instead',
        }),
      ],
    };
  }
}

/** `waivers:` with nothing after it is YAML null: read an empty optional section as absent. */
function dropNullSections(raw: unknown): unknown {
  if (!isRecord(raw)) return raw;
  const out: Record<string, unknown> = { ...raw };
  for (const key of ['gitlab', 'settings', 'rules', 'waivers']) if (out[key] === null) delete out[key];
  if (isRecord(out.targets)) {
    const targets: Record<string, unknown> = { ...out.targets };
    for (const key of ['groups', 'projects', 'exclude']) if (targets[key] === null) delete targets[key];
    out.targets = targets;
  }
  return out;
}

// --- zod issues -> BaselineIssue ---------------------------------------------------------------------------

function zodIssues(
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
  schema: z.ZodType,
  file: string,
  doc: Document,
  lines: LineCounter,
): BaselineIssue[] {
  const out: BaselineIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = keysOf(schemaAt(schema, path));
      for (const key of issue.keys) {
        const near = closest(key, allowed);
        const what = labelFor(path);
        const pos = locate(doc, lines, [...path, key], true);
        out.push(
          makeIssue({
            file,
            keyPath: formatPath([...path, key]),
            ...pos,
            found: JSON.stringify(key),
            expected: near ? `"${near}"` : `one of ${allowed.join(', ')}`,
            text: near ? `unknown ${what}; did you mean "${near}"?` : `unknown ${what}; expected one of ${allowed.join(', ')}`,
          }),
        );
      }
      continue;
    }
    const value = valueAt(raw, path);
    let expected: string;
    if (issue.code === 'custom') expected = issue.message;
    else if (issue.code === 'too_small' && issue.origin === 'array') expected = `a list with at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
    else if (issue.code === 'too_small' && issue.origin === 'string') expected = 'a non-empty text';
    else expected = describe(schemaAt(schema, path));
    out.push(makeIssue({ file, keyPath: formatPath(path), ...locate(doc, lines, path, false), expected, found: show(value) }));
  }
  return out;
}

function labelFor(parent: Path): string {
  if (parent.length === 0) return 'key';
  if (parent.length === 1 && parent[0] === 'settings') return 'area';
  if (parent.length === 1 && parent[0] === 'rules') return 'rule id';
  if (parent.length === 2 && parent[0] === 'settings') return `${String(parent[1])} setting`;
  return 'key';
}

/** The schema that validates the value at `path` (through optional/default wrappers, objects and lists). */
function schemaAt(schema: z.ZodType, path: Path): z.ZodType | undefined {
  let s: z.ZodType | undefined = unwrap(schema);
  for (const seg of path) {
    if (s instanceof z.ZodObject && typeof seg === 'string') s = (s.shape as Record<string, z.ZodType>)[seg];
    else if (s instanceof z.ZodArray && typeof seg === 'number') s = s.element as z.ZodType;
    else return undefined;
    s = s ? unwrap(s) : undefined;
  }
  return s;
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  while (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodNullable) {
    cur = cur.def.innerType as z.ZodType;
  }
  return cur;
}

function keysOf(s: z.ZodType | undefined): string[] {
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** What a schema accepts, in words: "an integer from 1 to 100", "one of private, internal, public". */
export function describe(s: z.ZodType | undefined): string {
  if (!s) return 'nothing here (remove this key)';
  const flat = literalValues(s);
  if (flat) return flat.length === 1 ? String(flat[0]) : `one of ${flat.map(String).join(', ')}`;
  if (s instanceof z.ZodNumber) {
    const kind = s.isInt ? 'an integer' : 'a number';
    const min = s.minValue ?? -Infinity;
    const max = s.maxValue ?? Infinity;
    const safe = (n: number) => Math.abs(n) < Number.MAX_SAFE_INTEGER;
    if (Number.isFinite(min) && Number.isFinite(max) && safe(min) && safe(max)) return `${kind} from ${min} to ${max}`;
    if (Number.isFinite(min) && safe(min)) return `${kind} >= ${min}`;
    if (Number.isFinite(max) && safe(max)) return `${kind} <= ${max}`;
    return kind;
  }
  if (s instanceof z.ZodString) return (s.minLength ?? 0) > 0 ? 'a non-empty text' : 'a text';
  if (s instanceof z.ZodArray) return `a list (each ${describe(unwrap(s.element as z.ZodType))})`;
  if (s instanceof z.ZodObject) return `a mapping with keys ${Object.keys(s.shape).join(', ')}`;
  if (s instanceof z.ZodUnion) return (s.options as z.ZodType[]).map((o) => describe(unwrap(o))).join(' or ');
  return 'a valid value';
}

function literalValues(s: z.ZodType): unknown[] | undefined {
  if (s instanceof z.ZodBoolean) return [true, false];
  if (s instanceof z.ZodEnum) return s.options as unknown[];
  if (s instanceof z.ZodLiteral) return [...s.values];
  if (s instanceof z.ZodUnion) {
    const all: unknown[] = [];
    for (const o of s.options as z.ZodType[]) {
      const v = literalValues(unwrap(o));
      if (!v) return undefined;
      all.push(...v);
    }
    return all;
  }
  return undefined;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(raw: unknown, path: Path): unknown {
  let cur = raw;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}

/** Line (1-based) and column of the value at `path`, or of its key (`asKey`), else of the nearest parent. */
function locate(doc: Document, lines: LineCounter, path: Path, asKey: boolean): { line?: number; column?: number } {
  const at = (offset: number | undefined) => {
    if (offset === undefined) return {};
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  if (asKey && path.length > 0) {
    const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === path[path.length - 1]);
      const keyNode = pair?.key as { range?: [number, number, number] } | undefined;
      if (keyNode?.range) return at(keyNode.range[0]);
    }
  }
  for (let n = path.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as { range?: [number, number, number] } | null | undefined;
    if (node && typeof node === 'object' && node.range) return at(node.range[0]);
  }
  return {};
}

// --- checks across keys and against the clock ---------------------------------------------------------------

type Sections = { targets?: BaselineInput['targets']; waivers: { index: number; waiver: BaselineInput['waivers'][number] }[] };

function validSections(normalized: unknown): Sections {
  const raw = isRecord(normalized) ? normalized : {};
  const targets = baselineSchema.shape.targets.safeParse(raw.targets);
  const waivers = Array.isArray(raw.waivers) ? raw.waivers : [];
  return {
    ...(targets.success ? { targets: targets.data } : {}),
    waivers: waivers.flatMap((w, index) => {
      const r = waiverSchema.safeParse(w);
      return r.success ? [{ index, waiver: r.data }] : [];
    }),
  };
}

function sortByLine(issues: BaselineIssue[]): BaselineIssue[] {
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || a.i - b.i)
    .map((x) => x.issue);
}

function crossChecks(input: Sections, now: Date, allowExpired: boolean, file: string, doc: Document, lines: LineCounter): BaselineIssue[] {
  const issues: BaselineIssue[] = [];
  const issue = (path: Path, expected: string, found: string) =>
    issues.push(makeIssue({ file, keyPath: formatPath(path), ...locate(doc, lines, path, false), expected, found }));

  const { groups, projects, exclude } = input.targets ?? { groups: [], projects: [], exclude: [] };
  if (input.targets && groups.length === 0 && projects.length === 0) {
    issue(['targets'], 'at least one group in targets.groups or project in targets.projects', 'no targets');
  }

  // A target listed twice, or inside a group already listed, would be checked twice (or reads as a mistake).
  const seen: { path: string; at: string }[] = [];
  const listed: [('groups' | 'projects'), string[]][] = [['groups', groups], ['projects', projects]];
  for (const [kind, paths] of listed) {
    paths.forEach((p, i) => {
      const lower = p.toLowerCase();
      const same = seen.find((s) => s.path === lower);
      const parentIndex = groups.findIndex((g) => lower.startsWith(`${g.toLowerCase()}/`));
      const parent = parentIndex >= 0 ? { at: `targets.groups[${parentIndex}]`, path: groups[parentIndex]! } : undefined;
      if (same) issue(['targets', kind, i], `each target listed once`, `${JSON.stringify(p)} again (already ${same.at})`);
      else if (parent) issue(['targets', kind, i], `a target not already covered`, `${JSON.stringify(p)}, already included by ${parent.at} ${JSON.stringify(parent.path)}`);
      // Excluding a listed target entirely is a contradiction: which one did the author mean?
      const by = exclude.findIndex((g) => selfAndAncestors(p).some((a) => matchesPath(g, a)));
      if (by >= 0) issue(['targets', kind, i], 'a target that targets.exclude does not remove', `${JSON.stringify(p)}, excluded by targets.exclude[${by}] ${JSON.stringify(exclude[by])}`);
      seen.push({ path: lower, at: `targets.${kind}[${i}]` });
    });
  }

  input.waivers.forEach(({ waiver: w, index: i }) => {
    if (!allowExpired && isWaiverExpired(w.expires, now)) {
      issue(
        ['waivers', i, 'expires'],
        `a date after ${now.toISOString().slice(0, 10)} (renew the waiver with a new date and reason, or remove it)`,
        `${JSON.stringify(w.expires)}, already past`,
      );
    }
  });
  return issues;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
