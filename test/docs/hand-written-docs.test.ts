// The hand-written docs name things that exist: the playbook covers every scenario heading of the incident guide
// that a rule defends and every rule id; the architecture page names folders that are really there.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/gen-docs';
import { CATALOG } from '../../policies/catalog';
import { SCENARIO_HEADINGS } from '../../policies/scenarios';

const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

describe('docs/playbook.md', () => {
  const text = read('docs/playbook.md');
  const headings = [...text.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]);

  it('has a section per incident-guide scenario', () => {
    expect(SCENARIO_HEADINGS.filter((h) => !headings.includes(h))).toEqual([]);
  });

  it('names every rule, in the section of the scenario it defends', () => {
    for (const rule of CATALOG) {
      const start = text.indexOf(`\n## ${rule.scenario}\n`) >= 0 ? text.indexOf(`\n## ${rule.scenario}\n`) : text.indexOf(`\n### ${rule.scenario}\n`);
      expect(start, rule.scenario).toBeGreaterThan(0);
      const next = text.slice(start + 4).search(/\n##+ /);
      const section = text.slice(start, next < 0 ? undefined : start + 4 + next);
      const area = rule.id.split('.')[0];
      expect(section.includes(`\`${rule.id}\``) || section.includes(`\`${area}.*\``), `${rule.id} in "${rule.scenario}"`).toBe(true);
    }
  });

  it('uses only real commands', () => {
    const used = new Set([...text.matchAll(/gitlab-posture ([a-z]+)/g)].map((m) => m[1]));
    expect([...used].filter((c) => !['check', 'explain', 'revert', 'undo', 'detect', 'gate', 'init', 'rules'].includes(c!))).toEqual([]);
  });
});

describe('docs/architecture.md', () => {
  it('every folder or file it names in backticks exists', () => {
    const text = read('docs/architecture.md');
    const paths = [...text.matchAll(/`((?:checks|policies|provider|gitlab|model|lib|detections|sim|scripts|bench)\/[\w./-]*)`/g)].map((m) => m[1]!.replace(/\*.*$/, ''));
    expect(paths.length).toBeGreaterThan(15);
    expect(paths.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });
});
