// Opens the HTML report in headless Chromium (Debian's /usr/bin/chromium; CI installs it with apt-get) and
// checks what a reader sees: the summary counts and the severity/area/text filters.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from '../../checks/report';
import { makeResult, RULES } from './fixtures';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`html-browser tests skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);

describe.skipIf(!hasChromium)('html report in a browser', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const errors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'posture-html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, render('html', makeResult(), { rules: RULES }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const visible = () => page.locator('#findings-table tbody tr.finding:visible').count();

  it('runs its script without errors (none blocked by the CSP) and requests nothing else', async () => {
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(await page.locator('#shown-count').textContent()).toBe('5');
  });

  it('shows the summary counts', async () => {
    expect(await page.locator('#by-severity tr[data-severity="medium"] td.count').textContent()).toBe('2');
    expect(await page.locator('#by-severity tr[data-severity="critical"] td.count').textContent()).toBe('1');
    expect(await page.locator('#sum-findings').textContent()).toBe('6');
    expect(await page.locator('#status').textContent()).toContain('INCOMPLETE');
  });

  it('filters rows by severity, area and text', async () => {
    expect(await visible()).toBe(5);
    await page.click('button[data-filter-severity="medium"]');
    expect(await visible()).toBe(2);
    expect(await page.locator('#shown-count').textContent()).toBe('2');
    expect(await page.locator('button[data-filter-severity="medium"]').getAttribute('aria-pressed')).toBe('true');
    await page.click('button[data-filter-severity="critical"]');
    expect(await visible()).toBe(1);
    expect(await page.locator('#findings-table tbody tr.finding:visible').getAttribute('data-rule')).toBe('two-factor.required');
    await page.click('button[data-filter-severity="low"]');
    expect(await visible()).toBe(1);
    await page.click('button[data-filter-severity="all"]');
    expect(await visible()).toBe(5);

    await page.selectOption('#area-filter', 'mr-approvals');
    expect(await visible()).toBe(1);
    await page.selectOption('#area-filter', 'all');

    await page.fill('#text-filter', 'ACME/WEB');
    expect(await visible()).toBe(2);
    await page.click('button[data-filter-severity="high"]');
    expect(await visible()).toBe(1);
    await page.fill('#text-filter', 'no such thing');
    expect(await visible()).toBe(0);
    expect(await page.locator('#shown-count').textContent()).toBe('0');
  });

  it('renders the <script> in a hook URL as text', async () => {
    await page.fill('#text-filter', '');
    await page.click('button[data-filter-severity="all"]');
    const cell = page.locator('#findings-table tr[data-rule="webhooks.allowed-hosts"] td').nth(5);
    expect(await cell.textContent()).toBe('https://evil.example/<script>alert("x")</script>?a=1&b=2');
    expect(await page.locator('script').count()).toBe(1);
  });
});
