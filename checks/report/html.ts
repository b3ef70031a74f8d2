// `--format html`: one self-contained file for incident notes and CI artifacts. No network at all: inline CSS
// and JS only, pinned by a Content-Security-Policy with their hashes, so even a value that slipped past
// escaping could not run or load anything. Every interpolated value goes through `esc` (a hook URL can hold
// `<script>`). Rows carry data-severity / data-area for the filters (and tests).
import { htmlSafe } from '../../lib/safe-text';
import { createHash } from 'node:crypto';
import type { CheckResult, Finding } from '../../model/result';
import { TOOL_NAME } from '../../model/tool';
import {
  compareBySeverity,
  compareErrors,
  describeExplanation,
  describeSubject,
  findingValue,
  tierText,
  formatValue,
  groupSkipped,
  plural,
  SEVERITIES_DESC,
  sorted,
  unreadableTargets,
  type ReportContext,
  type RuleMeta,
} from './common';

export const esc = htmlSafe;

const CSS = `
:root { --crit: #8b0000; --high: #c62828; --med: #b26a00; --low: #1565c0; --muted: #666; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; padding: 1.5rem; max-width: 1400px; color: #1a1a1a; }
h1 { margin: 0 0 .25rem; font-size: 1.5rem; }
h2 { margin-top: 2rem; font-size: 1.15rem; border-bottom: 1px solid #ddd; padding-bottom: .25rem; }
.meta { color: var(--muted); margin: 0; }
.status { display: inline-block; margin: .75rem 0 0; padding: .35rem .75rem; border-radius: 4px; font-weight: 600; }
.status.complete { background: #e8f5e9; color: #1b5e20; }
.status.incomplete { background: #ffebee; color: #b71c1c; border: 2px solid #b71c1c; }
#errors { border: 2px solid #b71c1c; background: #fff5f5; padding: .5rem 1rem; margin-top: 1rem; border-radius: 4px; }
#errors h2 { color: #b71c1c; border: 0; margin-top: .5rem; }
.cards { display: flex; flex-wrap: wrap; gap: 1rem; }
.cards table { min-width: 14rem; }
table { border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #eee; }
th { background: #fafafa; }
td.count, th.count { text-align: right; font-variant-numeric: tabular-nums; }
#findings-table, .list { width: 100%; }
/* Long hook URLs and messages wrap instead of pushing the Fix column off screen. */
#findings-table td { overflow-wrap: anywhere; }
code { font: 12px/1.3 ui-monospace, SFMono-Regular, Menlo, monospace; background: #f4f4f4; padding: 0 .2rem; word-break: break-all; }
.sev { font-weight: 700; text-transform: uppercase; font-size: 12px; }
.sev-critical { color: var(--crit); } .sev-high { color: var(--high); } .sev-medium { color: var(--med); } .sev-low { color: var(--low); }
.filters { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; margin: .5rem 0 1rem; }
.filters button { font: inherit; padding: .2rem .6rem; border: 1px solid #bbb; background: #fff; border-radius: 3px; cursor: pointer; }
.filters button[aria-pressed="true"] { background: #1a1a1a; color: #fff; border-color: #1a1a1a; }
.filters input { font: inherit; padding: .2rem .4rem; min-width: 16rem; }
.muted { color: var(--muted); }
.why { color: var(--muted); font-size: 12px; }
`;

const SCRIPT = `
(function () {
  var severity = 'all';
  var rows = Array.prototype.slice.call(document.querySelectorAll('#findings-table tbody tr.finding'));
  var buttons = Array.prototype.slice.call(document.querySelectorAll('[data-filter-severity]'));
  var area = document.getElementById('area-filter');
  var text = document.getElementById('text-filter');
  var shown = document.getElementById('shown-count');
  function apply() {
    var a = area.value, t = text.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (r) {
      var ok = (severity === 'all' || r.getAttribute('data-severity') === severity) &&
        (a === 'all' || r.getAttribute('data-area') === a) &&
        (t === '' || r.getAttribute('data-search').indexOf(t) >= 0);
      r.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = String(n);
  }
  buttons.forEach(function (b) {
    b.addEventListener('click', function () {
      severity = b.getAttribute('data-filter-severity');
      buttons.forEach(function (o) { o.setAttribute('aria-pressed', String(o === b)); });
      apply();
    });
  });
  area.addEventListener('change', apply);
  text.addEventListener('input', apply);
  apply();
})();
`;

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

function defaultFix(f: Finding): string {
  return f.revertible
    ? `gitlab-posture revert sets ${describeSubject(f)} to ${formatValue(findingValue(f, f.expected), 120)}`
    : `Not reverted automatically: change ${describeSubject(f)} to ${formatValue(findingValue(f, f.expected), 120)} in GitLab (or waive it in the baseline)`;
}

function value(v: unknown): string {
  return `<code>${esc(v === undefined ? '(unset)' : typeof v === 'string' ? v : JSON.stringify(v, null, 1))}</code>`;
}

function title(f: Finding, rules: Map<string, RuleMeta>): string {
  const rule = rules.get(f.rule);
  return `${rule ? `${esc(rule.title)}<br>` : ''}<code>${esc(f.rule)}</code>`;
}

function findingRow(f: Finding, ctx: ReportContext, rules: Map<string, RuleMeta>, waived: boolean): string {
  const search = [f.rule, f.area, f.severity, f.target.path, f.setting, f.branch, f.object, f.message]
    .filter((x) => x !== undefined)
    .join(' ')
    .toLowerCase();
  const why = describeExplanation(f);
  const cells = [
    `<td class="sev sev-${esc(f.severity)}">${esc(f.severity)}</td>`,
    `<td>${title(f, rules)}</td>`,
    `<td><code>${esc(f.target.path)}</code> <span class="muted">${esc(f.target.kind)}</span></td>`,
    `<td>${esc(describeSubject(f))}</td>`,
    `<td>${value(findingValue(f, f.expected))}</td>`,
    `<td>${value(findingValue(f, f.actual))}</td>`,
    `<td>${esc(f.message)}${why ? `<div class="why">${esc(why)}</div>` : ''}</td>`,
    waived
      ? `<td>${esc(f.waiver?.reason ?? 'waived')}${f.waiver?.expires ? ` <span class="muted">until ${esc(f.waiver.expires)}</span>` : ''}</td>`
      : `<td>${esc(ctx.describeFix ? ctx.describeFix(f) : defaultFix(f))}</td>`,
  ];
  return `<tr class="${waived ? 'waived' : 'finding'}" data-severity="${esc(f.severity)}" data-area="${esc(f.area)}" data-rule="${esc(f.rule)}" data-search="${esc(search)}">${cells.join('')}</tr>`;
}

const FINDING_HEAD = (last: string) =>
  `<thead><tr><th>Severity</th><th>Rule</th><th>Target</th><th>Setting</th><th>Expected</th><th>Actual</th><th>Message</th><th>${last}</th></tr></thead>`;

export function renderHtml(result: CheckResult, ctx: ReportContext): string {
  const s = result.summary;
  const g = result.gitlab;
  const rules = new Map(ctx.rules.map((r) => [r.id, r]));
  const open = sorted(result.findings.filter((f) => !f.waived), compareBySeverity);
  const waived = sorted(result.findings.filter((f) => f.waived), compareBySeverity);
  const unread = unreadableTargets(result.errors) || s.errors;
  const areas = [...new Set(open.map((f) => f.area))].sort();
  const parts: string[] = [];

  parts.push(
    '<header>',
    `<h1>GitLab posture report</h1>`,
    `<p class="meta">GitLab <code id="gitlab-url">${esc(g.url)}</code> · version <span id="gitlab-version">${esc(g.version)}</span> · tier <span id="gitlab-tier">${esc(g.namespaceTiers ? tierText(g) : g.tier)}</span>` +
      (ctx.generatedAt ? ` · generated <span id="generated-at">${esc(ctx.generatedAt)}</span>` : '') +
      (ctx.toolVersion ? ` · ${TOOL_NAME} ${esc(ctx.toolVersion)}` : '') +
      '</p>',
    s.complete
      ? `<p id="status" class="status complete" data-complete="true">Complete: every target was read</p>`
      : `<p id="status" class="status incomplete" data-complete="false">INCOMPLETE: ${esc(plural(unread, 'target'))} could not be read and ${unread === 1 ? 'was' : 'were'} not checked</p>`,
    '</header>',
  );

  if (result.errors.length > 0) {
    parts.push(
      `<section id="errors"><h2>Errors (${result.errors.length}): not checked</h2><ul>`,
      ...sorted(result.errors, compareErrors).map(
        (e) =>
          `<li class="error"><strong>${esc(e.target.kind)} <code>${esc(e.target.path)}</code></strong>: ${esc(e.message)}` +
          (e.rules?.length ? `<div class="why">not evaluated: ${esc([...e.rules].sort().join(', '))}</div>` : '') +
          '</li>',
      ),
      '</ul></section>',
    );
  }

  const total = (id: string, label: string, n: number) => `<tr><th>${label}</th><td class="count" id="${id}">${n}</td></tr>`;
  parts.push(
    '<section id="summary"><h2>Summary</h2><div class="cards">',
    '<table id="totals">',
    total('sum-targets', 'Targets', s.targets),
    total('sum-findings', 'Findings', s.findings),
    total('sum-waived', 'Waived', s.waived),
    total('sum-skipped', 'Skipped', s.skipped),
    total('sum-errors', 'Errors', s.errors),
    '</table>',
    '<table id="by-severity"><thead><tr><th>Severity</th><th class="count">Open findings</th></tr></thead><tbody>',
    ...SEVERITIES_DESC.map(
      (sev) =>
        `<tr data-severity="${sev}"><td class="sev sev-${sev}">${sev}</td><td class="count">${open.filter((f) => f.severity === sev).length}</td></tr>`,
    ),
    '</tbody></table>',
    '<table id="by-area"><thead><tr><th>Area</th><th class="count">Open findings</th></tr></thead><tbody>',
    ...areas.map(
      (a) => `<tr data-area="${esc(a)}"><td>${esc(a)}</td><td class="count">${open.filter((f) => f.area === a).length}</td></tr>`,
    ),
    '</tbody></table>',
    '</div></section>',
  );

  parts.push(
    `<section id="findings"><h2>Findings (${open.length} open)</h2>`,
    '<div class="filters">',
    '<div role="group" aria-label="Severity">',
    `<button type="button" data-filter-severity="all" aria-pressed="true">All (${open.length})</button>`,
    ...SEVERITIES_DESC.map(
      (sev) =>
        `<button type="button" data-filter-severity="${sev}" aria-pressed="false">${sev} (${open.filter((f) => f.severity === sev).length})</button>`,
    ),
    '</div>',
    `<label>Area <select id="area-filter"><option value="all">all areas</option>${areas
      .map((a) => `<option value="${esc(a)}">${esc(a)}</option>`)
      .join('')}</select></label>`,
    '<input type="search" id="text-filter" placeholder="Filter by text (rule, target, message)" aria-label="Filter by text">',
    `<span><span id="shown-count">${open.length}</span> shown</span>`,
    '</div>',
    `<table id="findings-table" class="list">${FINDING_HEAD('Fix')}<tbody>`,
    ...open.map((f) => findingRow(f, ctx, rules, false)),
    '</tbody></table>',
    open.length === 0 ? '<p class="muted" id="no-findings">No open findings.</p>' : '',
    '</section>',
  );

  if (waived.length > 0) {
    parts.push(
      `<section id="waived"><h2>Waived (${waived.length})</h2>`,
      `<table id="waived-table" class="list">${FINDING_HEAD('Waiver')}<tbody>`,
      ...waived.map((f) => findingRow(f, ctx, rules, true)),
      '</tbody></table></section>',
    );
  }

  if (result.expiredWaivers && result.expiredWaivers.length > 0) {
    parts.push(
      `<section id="expired-waivers"><h2>Expired waivers (${result.expiredWaivers.length}), no longer applied</h2><ul>`,
      ...result.expiredWaivers.map(
        (w) => `<li><code>${esc(w.rule)}</code> on <code>${esc(w.target)}</code>: expired ${esc(w.expires)} (${esc(w.reason)})</li>`,
      ),
      '</ul></section>',
    );
  }

  if (result.skipped.length > 0) {
    parts.push(`<section id="skipped"><h2>Skipped (${result.skipped.length})</h2>`);
    for (const { reason, entries } of groupSkipped(result.skipped)) {
      parts.push(
        `<details class="skip-group" data-count="${entries.length}"><summary>${esc(reason)}: ${esc(plural(entries.length, 'check'))}</summary><ul>`,
        ...entries.map((e) => `<li class="skipped"><code>${esc(e.rule)}</code> on <code>${esc(e.target.path)}</code></li>`),
        '</ul></details>',
      );
    }
    parts.push('</section>');
  }

  const csp = [
    "default-src 'none'",
    `style-src ${hash(CSS)}`,
    `script-src ${hash(SCRIPT)}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>GitLab posture: ${esc(g.url)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    ...parts.filter((p) => p !== ''),
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
