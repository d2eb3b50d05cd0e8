// Keyboard and screen-reader use of the window (issue 11, point 9): axe-core finds no violation
// on any view, light and dark, at 100 % and 150 %; the tabs move with the arrow keys, Home and
// End; a confirmation takes the focus, gives it back and closes on Escape; Run checks keeps it.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { violations } from './axe-violations.ts';
import { demoCopy, startHost, watchEvery, type RunningHost } from './web-host-fixture.ts';

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

for (const scale of [1, 1.5]) {
  test(`axe-core finds no violation on any view, light and dark, at ${scale * 100} %`, async ({ browser }) => {
    // Ten axe runs over two windows, on a machine that may be busy.
    test.slow();
    const demo = demoCopy();
    host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
    const found: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: Math.round(440 / scale), height: Math.round(640 / scale) }, deviceScaleFactor: scale, colorScheme });
      const page = await context.newPage();
      await page.goto(host.url);
      await expect(page.getByTestId('vm-web').getByTestId('ipv4')).toHaveText('172.18.185.163');
      found.push(...(await violations(page, `${colorScheme} VMs`)));
      // A row expanded (its details, warnings and actions), by the keyboard.
      await page.getByTestId('vm-db').getByTestId('toggle').focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('vm-db').getByTestId('vm-warnings').locator('summary').click();
      found.push(...(await violations(page, `${colorScheme} VMs, db expanded`)));
      await page.getByRole('tab', { name: 'Diagnostics' }).click();
      await expect(page.getByTestId('diag-summary')).toBeVisible({ timeout: 20_000 });
      found.push(...(await violations(page, `${colorScheme} Diagnostics`)));
      await page.getByTestId('diag-db').getByRole('button', { name: 'Fix over SSH…' }).click();
      found.push(...(await violations(page, `${colorScheme} Diagnostics confirmation`)));
      await page.getByRole('tab', { name: 'Settings' }).click();
      found.push(...(await violations(page, `${colorScheme} Settings`)));
      await context.close();
    }
    expect(found).toEqual([]);
  });
}

test('axe-core finds no violation on the first-run view', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--simulate', demo.scenario]);
  await page.goto(host.url);
  await expect(page.getByRole('heading', { name: 'Watch your first project' })).toBeVisible();
  expect(await violations(page, 'first run')).toEqual([]);
});

test('axe-core finds no violation on a host-level cause (not in Hyper-V Administrators), light and dark', async ({ browser }) => {
  const demo = demoCopy();
  writeFileSync(demo.scenario, readFileSync(demo.scenario, 'utf8').replace(/^member: true\b/m, 'member: false'));
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ viewport: { width: 440, height: 640 }, colorScheme });
    const page = await context.newPage();
    await page.goto(host.url);
    await expect(page.getByTestId('vm-web').getByTestId('ip-unknown')).toHaveText('unknown', { timeout: 20_000 }); // the first pass, on a busy machine
    found.push(...(await violations(page, `${colorScheme} not a member`)));
    await context.close();
  }
  expect(found).toEqual([]);
});

test('axe-core finds no violation on rows marked stale during a hypervisor outage', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await expect(page.getByTestId('vm-web').getByTestId('ipv4')).toHaveText('172.18.185.163', { timeout: 20_000 }); // the first pass, on a busy machine
  await watchEvery(page, 2);
  writeFileSync(demo.scenario, readFileSync(demo.scenario, 'utf8').replace(/^vmms: Running\b/m, 'vmms: Stopped'));
  await expect(page.getByTestId('vm-web').getByTestId('last-seen')).toBeVisible({ timeout: 20_000 });
  expect(await violations(page, 'outage')).toEqual([]);
});

test('the tabs move with the arrow keys, Home and End, and the focus follows', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await page.getByRole('tab', { name: 'VMs' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Diagnostics' })).toBeFocused();
  await expect(page.getByRole('tab', { name: 'Diagnostics' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  await expect(page.getByRole('tab', { name: 'Settings' })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'VMs' })).toBeFocused();
  await page.keyboard.press('End');
  await page.keyboard.press('Home');
  await expect(page.getByRole('tab', { name: 'VMs' })).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('tab', { name: 'Settings' })).toHaveAttribute('aria-selected', 'true');
});

test('a confirmation takes the focus, Escape closes it and gives the focus back; Run checks keeps the focus', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await page.getByRole('tab', { name: 'Diagnostics' }).click();
  const run = page.getByRole('button', { name: /Run checks|Checking…/ });
  await expect(page.getByTestId('diag-summary')).toBeVisible({ timeout: 20_000 });
  await run.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('diag-summary')).toBeVisible({ timeout: 20_000 });
  await expect(run).toBeFocused();
  const open = page.getByTestId('diag-db').getByRole('button', { name: 'Fix over SSH…' });
  await open.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Fix db over SSH' });
  await expect(dialog.getByRole('button', { name: 'Run them' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('diag-db').getByRole('button', { name: 'Fix over SSH…' })).toBeFocused();
});

test('the diagnostics panel runs its checks when opened, failures first, with a summary line and each fix once', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await page.getByRole('tab', { name: 'Diagnostics' }).click();
  await expect(page.getByTestId('diag-summary')).toContainText('need attention', { timeout: 20_000 });
  await expect(page.locator('article.diag-vm').first()).toHaveAttribute('data-testid', 'diag-db');
  const db = page.getByTestId('diag-db');
  await expect(db.locator('li.check').first()).toHaveClass(/check-fail/);
  // The install command appears in the fix block only, not again in the warnings.
  await expect(db.getByText(/apt-get install -y linux-cloud-tools/)).toHaveCount(1);
  const pre = db.locator('pre.commands').first();
  expect(await pre.evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('pre');
});
