// Rule files from disk: the built-in rules (detections/rules) plus `--rules DIR`. Every problem is collected
// with its file, so `detect` can list all bad files at once and exit 2.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { compileRule } from './compile';
import { toJsBounded, YamlAliasError } from '../../lib/yaml-aliases';
import { RuleLoadError } from './errors';
import type { CompiledRule, RuleLoadProblem } from './types';

export const BUILTIN_RULES_DIR = join(__dirname, '..', 'rules');

export function isRuleFile(name: string): boolean {
  return /\.ya?ml$/i.test(name);
}

/** Parses one rule's YAML text (one document); `file` is how the rule is named in reports and errors. */
export function parseRule(text: string, file: string, source: CompiledRule['source'] = 'user'): CompiledRule {
  const docs = parseAllDocuments(text, { prettyErrors: false });
  if (!Array.isArray(docs) || docs.length === 0) throw new RuleLoadError(file, 'empty file; expected one Sigma rule');
  if (docs.length !== 1) throw new RuleLoadError(file, `${docs.length} YAML documents; put one Sigma rule per file (rule collections with "---" are not supported)`);
  const doc = docs[0];
  if (doc.errors.length > 0) throw new RuleLoadError(file, `YAML: ${doc.errors[0].message.split('\n')[0]}`);
  let raw: unknown;
  try {
    raw = toJsBounded(doc, text);
  } catch (err) {
    if (err instanceof YamlAliasError) throw new RuleLoadError(err.line !== undefined ? `${file}:${err.line}` : file, 'too many aliases (a YAML alias bomb: anchors and aliases expand to a huge document)');
    throw err;
  }
  return compileRule(raw, file, source);
}

export function loadRuleFile(path: string, shownAs: string, source: CompiledRule['source']): CompiledRule {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RuleLoadError(shownAs, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseRule(text, shownAs, source);
}

export interface LoadedRules {
  rules: CompiledRule[];
  problems: RuleLoadProblem[];
}

/**
 * Loads every `.yml`/`.yaml` under `dir` (recursively, sorted by path). Built-in files are named
 * `rules/<name>.yml`; user files by the path as given on the command line.
 */
export function loadRuleDir(dir: string, source: CompiledRule['source'], into: LoadedRules = { rules: [], problems: [] }): LoadedRules {
  let files: string[];
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    files = listFiles(dir);
  } catch (err) {
    into.problems.push({ file: dir, message: `cannot read the rules directory (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); pass a directory of Sigma .yml files` });
    return into;
  }
  if (files.length === 0 && source === 'user') into.problems.push({ file: dir, message: 'no .yml or .yaml rule files in this directory' });
  const ids = new Map(into.rules.map((r) => [r.id, r.file]));
  for (const path of files) {
    const shownAs = source === 'builtin' ? `rules/${relative(dir, path).split('\\').join('/')}` : path;
    try {
      const rule = loadRuleFile(path, shownAs, source);
      const clash = ids.get(rule.id);
      if (clash) {
        into.problems.push({ file: shownAs, message: `id ${rule.id} is already used by ${clash}; give every rule its own UUID` });
        continue;
      }
      ids.set(rule.id, shownAs);
      into.rules.push(rule);
    } catch (err) {
      if (err instanceof RuleLoadError) into.problems.push({ file: err.file, message: err.construct });
      else throw err;
    }
  }
  return into;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile() && isRuleFile(entry.name)) out.push(path);
  }
  return out.sort();
}

/** The built-in rules plus each `--rules DIR`. */
export function loadRules(userDirs: readonly string[] = []): LoadedRules {
  const loaded = loadRuleDir(BUILTIN_RULES_DIR, 'builtin');
  for (const dir of userDirs) loadRuleDir(dir, 'user', loaded);
  return loaded;
}
