// Takes docs/window.png, the README's picture of the window, from the demo: Debian's Chromium
// (never a downloaded browser) shows the browser host at the default 440 × 640 window, light
// theme, once cache has its lease, after Sync now, its notices dismissed, with db's details open (run: npm run --silent build:renderer &&
// npx tsx scripts/window-screenshot.ts).

import path from 'node:path';
import { chromium } from '@playwright/test';
import { demoCopy, startHost } from '../e2e/web-host-fixture.ts';

const OUT = path.resolve(import.meta.dirname, '..', 'docs', 'window.png');

const demo = demoCopy();
const host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 440, height: 640 }, deviceScaleFactor: 2, colorScheme: 'light' });
  await page.goto(host.url);
  // cache's lease comes on the demo's third pass (every 10 s).
  await page.getByTestId('vm-cache').getByTestId('ipv4').waitFor({ timeout: 60_000 });
  await page.locator('header').getByRole('button', { name: 'Sync now' }).click();
  await page.getByTestId('last-reconcile').waitFor({ timeout: 60_000 });
  // The notices of this run (cache's lease) would only cover what the picture is for.
  for (const dismiss of await page.getByTestId('toast').getByRole('button', { name: 'Dismiss' }).all()) await dismiss.click();
  await page.getByTestId('vm-db').getByRole('button', { name: 'db details' }).click();
  await page.mouse.move(0, 639); // no hover highlight in the picture
  await page.screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await host.stop();
}
