// `npm run docs`: regenerate the docs that are derived from code (docs/rules.md from the rule catalog,
// docs/baseline.md from the baseline schema). test/docs regenerates them in memory and fails when a committed
// file differs, so a rule or key change cannot ship with stale docs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRules } from '../checks/rules-doc';
import { baselineMarkdown } from '../checks/baseline-doc';

export const ROOT = join(__dirname, '..');

/** Repository-relative path -> generated text. */
export function generatedDocs(): Record<string, string> {
  return {
    'docs/rules.md': renderRules('markdown'),
    'docs/baseline.md': baselineMarkdown(),
  };
}

/** The generated files whose committed text differs from what the code generates now. */
export function staleDocs(root = ROOT): string[] {
  return Object.entries(generatedDocs())
    .filter(([file, text]) => {
      try {
        return readFileSync(join(root, file), 'utf8') !== text;
      } catch {
        return true;
      }
    })
    .map(([file]) => file);
}

if (require.main === module) {
  for (const [file, text] of Object.entries(generatedDocs())) {
    writeFileSync(join(ROOT, file), text);
    process.stdout.write(`wrote ${file}\n`);
  }
}
