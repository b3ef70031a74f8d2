// Layout tells the flow (docs/architecture.md): lib/ and model/ at the bottom, gitlab/ (the read layer), policies/
// and detections/ above them, checks/ (the CLI's pipeline) and provider/ on top. A lower or sibling layer never
// reaches up into checks/, and the simulator stands alone like the GitLab it imitates.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

/** Top-level folders each folder may import from (besides itself, node: modules and packages). */
const ALLOWED: Record<string, readonly string[]> = {
  lib: [],
  model: ['lib', 'gitlab', 'policies'], // type vocabulary: entity types, rule ids, parameter types
  gitlab: ['lib', 'model', 'package.json'],
  policies: ['lib', 'model', 'gitlab'],
  detections: ['lib', 'model', 'gitlab'],
  sim: ['gitlab'], // GitLab's entity types only
  checks: ['lib', 'model', 'gitlab', 'policies', 'detections', 'package.json'],
  provider: ['lib', 'model', 'gitlab', 'policies', 'checks'],
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Relative import specifiers of a source text: static imports, re-exports and dynamic import(). */
function relativeImports(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
}

/** `file:line -> target` for every import of `file` (relative to ROOT) that leaves its folder's allowed set. */
function violations(file: string, text: string): string[] {
  const layer = file.split('/')[0]!;
  const allowed = ALLOWED[layer];
  if (!allowed) return [];
  return relativeImports(text).flatMap((spec) => {
    const target = normalize(join(dirname(file), spec));
    const top = target.split('/')[0]!;
    return top === layer || allowed.includes(top) ? [] : [`${file} -> ${target}`];
  });
}

describe('layers', () => {
  it('no folder imports from a layer above it or beside it (detections/, gitlab/, policies/ never import checks/)', () => {
    const files = Object.keys(ALLOWED).flatMap((d) => tsFiles(join(ROOT, d))).map((f) => relative(ROOT, f));
    expect(files).toContain('detections/collect.ts');
    expect(files.flatMap((f) => violations(f, readFileSync(join(ROOT, f), 'utf8')))).toEqual([]);
  });

  it.each([
    ['detections/collect.ts', "import { resolveTargets } from '../checks/collect';", ['detections/collect.ts -> checks/collect']],
    ['detections/engine/load.ts', "import { toJsBounded } from '../../checks/yaml-aliases';", ['detections/engine/load.ts -> checks/yaml-aliases']],
    ['policies/match.ts', "export { starPattern } from '../checks/wildcard';", ['policies/match.ts -> checks/wildcard']],
    ['lib/globs.ts', "import type { Baseline } from '../model/baseline';", ['lib/globs.ts -> model/baseline']],
    ['sim/kit.ts', "const m = await import('../policies/rule');", ['sim/kit.ts -> policies/rule']],
    ['detections/collect.ts', "import { resolveTargets } from '../gitlab/targets';\nimport { forEachPooled } from '../lib/pool';", []],
    ['checks/cli/detect.ts', "import { runDetection } from '../../detections/detect';", []],
  ])('%s: %s', (file, text, want) => {
    expect(violations(file, text)).toEqual(want);
  });
});
