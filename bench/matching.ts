// `npm run bench -- matching`: Sigma wildcard and `re` values against a 1 MB field of "a"s (the attack on
// backtracking matchers), one rule evaluation each, as detect and watch run them. Prints each time and the
// longest; steps are the budget's count (detections/engine/budget.ts).
import { parseRule, StepBudget } from '../detections/engine';

const HEADER = 'title: bench\nid: 11111111-2222-4333-8444-555555555555\nstatus: test\nlevel: low\nlogsource: { product: gitlab }\ntags: [attack.t1098]\n';
const CASES = [
  "contains: 'a*a*a*a*a*b'",
  "contains: 'b'",
  ": 'a*a*a*a*a*b'",
  "endswith: 'a?a?a?a?b'",
  "contains: 'a?a?a?a?a?b'",
  "startswith: '*a*a*a*a*a*a*a*a*a*a*a*a*b'",
  "contains: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab'",
  "re: '^(a+)+b$'",
  "re: '(a|aa)*c'",
];

export async function benchMatching(args: string[]): Promise<void> {
  const size = Number(args[0] ?? 1 << 20);
  const event = { id: 1, event_name: 'x', details: { custom_message: 'a'.repeat(size) } };
  let longest = { ms: 0, value: '' };
  console.log(`matching: one rule evaluation on a ${size.toLocaleString('en-US')}-character field`);
  for (const c of CASES) {
    const [mod, value] = c.startsWith(':') ? ['', c.slice(1)] : [`|${c.slice(0, c.indexOf(':'))}`, c.slice(c.indexOf(':') + 1)];
    const rule = parseRule(`${HEADER}detection:\n  sel:\n    details.custom_message${mod}:${value}\n  condition: sel\n`, 'bench.yml');
    rule.matches({ id: 0, details: { custom_message: 'warm-up' } });
    const budget = new StepBudget();
    const started = process.hrtime.bigint();
    const hit = rule.matches(event, budget);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (!c.startsWith('re') && ms > longest.ms) longest = { ms, value: c };
    console.log(`  ${c.padEnd(58)} ${String(hit).padEnd(6)} ${ms.toFixed(1).padStart(8)} ms ${budget.steps.toLocaleString('en-US').padStart(14)} steps`);
  }
  console.log(`  longest wildcard match: ${longest.ms.toFixed(1)} ms (${longest.value})`);
  await Promise.resolve();
}
