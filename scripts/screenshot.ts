// `npm run screenshot`: renders the demo's HTML report in headless Chromium (Debian's /usr/bin/chromium) to
// docs/report.png, the picture in the README. Run `npm run demo` first.
import { chromium } from 'playwright-core';
import { resolve } from 'node:path';

async function run(): Promise<void> {
  const page = resolve(process.argv[2] ?? 'demo-output/incident-report.html');
  const out = resolve(process.argv[3] ?? 'docs/report.png');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await tab.goto(`file://${page}`);
    await tab.screenshot({ path: out, fullPage: false });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
  }
}

void run().catch((err: Error) => {
  console.error(`screenshot: ${err.message}`);
  process.exitCode = 2;
});
