// The repository is complete on its own (issue 15): every relative link in the README and ci/README.md resolves
// to a file in it (no ../shared/), the README walks from `git clone` to a scheduled pipeline, and no shipped file
// cites a document users do not have (issue 12).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

function relativeLinks(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l) && !l.startsWith('#'));
}

describe('README links', () => {
  it.each(['README.md', 'ci/README.md', 'docs/reference/responding-to-security-incidents.md'])('%s: every relative link exists inside the repository', (file) => {
    const links = relativeLinks(file);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      const target = resolve(dirname(join(ROOT, file)), link.split('#')[0]!);
      expect(target.startsWith(ROOT + '/'), `${file}: ${link} leaves the repository`).toBe(true);
      expect(existsSync(target), `${file}: ${link}`).toBe(true);
    }
  });

  it('links the incident guide inside the repository and the detections guide', () => {
    const links = relativeLinks('README.md');
    expect(links).toContain('docs/reference/responding-to-security-incidents.md');
    expect(links).toContain('detections/README.md');
  });

  it('has the steps from git clone to a scheduled pipeline, using the templates as they are', () => {
    const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = text.slice(text.indexOf('## From `git clone` to a scheduled pipeline'), text.indexOf('\n## Commands'));
    for (const step of ['git clone', 'npm run sim', 'POSTURE_NPM_SCOPE', 'git push gitlab v0.1.0', 'Job token permissions', 'gitlab-posture init', 'file: ci/gitlab-ci.yml', 'POSTURE_PACKAGE_PROJECT_ID', 'Pipeline schedules']) {
      expect(section, step).toContain(step);
    }
    // The version the steps pin is the package's.
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(section).toContain(`POSTURE_VERSION: "${version}"`);
  });
});

/** Every text file outside test/ and generated or installed folders: what a user of the repository reads. */
function shippedFiles(dir = ROOT): string[] {
  const skip = new Set(['node_modules', 'dist', 'test', 'coverage', '.git', '.posture', 'demo-output', 'bench-output', '.pulumi-cli']);
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...shippedFiles(path));
    else if (/\.(ts|js|mjs|md|ya?ml|json|sh)$/.test(entry.name)) out.push(relative(ROOT, path));
  }
  return out;
}

/** Design notes, API notes and their numbered items ("quirk 4", "§3.6") live outside the repository. */
const FOREIGN_CITATION = /DESIGN\.md|gitlab-api\.md|\.\.\/shared\b|\bquirks? ?#?\d|§ ?\d/i;

describe('shipped files cite only what ships', () => {
  it('no file outside test/ cites DESIGN.md, gitlab-api.md, ../shared, "quirk N" or "§N"', () => {
    const files = shippedFiles();
    expect(files).toContain('gitlab/requester.ts');
    const offending = files.flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (FOREIGN_CITATION.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offending).toEqual([]);
  });

  it.each([
    ['(DESIGN.md, "Exit codes")', true],
    ['see gitlab-api.md §3.4', true],
    ['../shared/reference/guide.md', true],
    ['keeps locked flags (quirk 1)', true],
    ['Quirk 5: token is write-only', true],
    ['(docs/gitlab-behaviour.md, Protected branches)', false],
    ['a quirky value', false],
  ])('the pattern flags %s: %s', (line, flagged) => {
    expect(FOREIGN_CITATION.test(line)).toBe(flagged);
  });
});
