// Issue 23, points 10 to 14, in the browser host's real window over the real engine worker and
// the simulated Hyper-V host: the first run (a grey dot, nothing to pause, the auto-sync question
// with what it does, this PC's checks, Add project taking a pasted quoted folder and refusing a
// relative path with why), "This PC" in Diagnostics, and a fix a user can follow (its commands
// wrapped whole in the confirmation, its outcome in sight and focused). axe-core finds nothing.
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { violations } from './axe-violations.ts';
import { demoCopy, screenshot, startHost, type RunningHost } from './web-host-fixture.ts';

// Several windows and engine passes per test, on a shared machine: more than the default minute.
test.setTimeout(180_000);

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

test('the first run: grey, nothing to pause, auto-sync asked once, this PC checked, a pasted project added', async ({ browser }) => {
  const demo = demoCopy();
  host = await startHost(['--simulate', demo.scenario]);
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ viewport: { width: 440, height: 640 }, colorScheme });
    const page = await context.newPage();
    await page.goto(host.url);
    const dot = page.getByRole('img', { name: 'Nothing watched yet' });
    await expect(dot).toHaveClass(/health-idle/);
    // Grey: no hue (red, green and blue alike), neither green nor orange.
    const [r, g, b] = (await dot.evaluate((e) => getComputedStyle(e).backgroundColor)).match(/\d+/g)!.map(Number);
    expect(Math.max(r!, g!, b!) - Math.min(r!, g!, b!)).toBeLessThan(16);
    await expect(page.getByRole('button', { name: 'Pause watching' })).toBeDisabled();
    await expect(page.getByTestId('auto-sync-question')).toContainText('log in to each guest over SSH');
    const pc = page.getByTestId('this-pc');
    await expect(pc).toContainText('All 8 checks pass.', { timeout: 20_000 });
    await expect(pc.getByRole('listitem').filter({ hasText: 'Virtual Machine Management service (vmms)' })).toContainText('passed:');
    found.push(...(await violations(page, `${colorScheme} first run`)));
    await screenshot(page, `first-run-${colorScheme}`);
    await context.close();
  }
  expect(found).toEqual([]);

  const context = await browser.newContext({ viewport: { width: 440, height: 640 } });
  const page = await context.newPage();
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Let me sync myself' }).click();
  await expect(page.getByTestId('auto-sync-question')).toHaveCount(0);
  // Kept in the settings: the question does not come back.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Watch your first project' })).toBeVisible();
  await expect(page.getByTestId('auto-sync-question')).toHaveCount(0);
  const field = page.getByLabel(/^Path to a ragnatramp\.yaml, or its folder/);
  await expect(field).toHaveAttribute('placeholder', process.platform === 'win32' ? 'C:\\Users\\you\\project\\ragnatramp.yaml' : '/home/you/project/ragnatramp.yaml');
  await field.fill('demo/ragnatramp.yaml');
  await page.getByRole('button', { name: 'Add project' }).click();
  await expect(page.getByRole('alert')).toContainText('is relative, and the tray has no working folder it could be relative to');
  // What "Copy as path" gives: the project's folder, in quotes.
  await field.fill(`"${path.dirname(demo.config)}"`);
  await page.getByRole('button', { name: 'Add project' }).click();
  await expect(page.getByTestId('vm-web').getByTestId('ipv4')).toHaveText('172.18.185.163', { timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Pause watching' })).toBeEnabled();
  await page.getByRole('tab', { name: 'Diagnostics' }).click();
  await expect(page.getByTestId('this-pc')).toContainText('All 8 checks pass.', { timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Collect diagnostics' })).toBeVisible();
  await expect(page.getByTestId('diag-summary')).toBeVisible({ timeout: 20_000 });
  expect(await violations(page, 'Diagnostics with This PC')).toEqual([]);
  await context.close();
});

test('"This PC" says a stopped vmms with its fix, on the first run too', async ({ page }) => {
  const demo = demoCopy();
  const { readFileSync, writeFileSync } = await import('node:fs');
  writeFileSync(demo.scenario, `${readFileSync(demo.scenario, 'utf8').replace(/^vmms: .*$/m, '')}\nvmms: Stopped\n`);
  host = await startHost(['--simulate', demo.scenario]);
  await page.goto(host.url);
  await page.getByRole('tab', { name: 'Diagnostics' }).click();
  const vmms = page.getByTestId('this-pc').getByRole('listitem').filter({ hasText: 'Virtual Machine Management service (vmms)' });
  await expect(vmms).toContainText('failed:', { timeout: 20_000 });
  await expect(vmms).toContainText("Fix: Start it from Services (or 'Start-Service vmms' in an administrator PowerShell), or restart the PC.");
  await expect(page.getByRole('button', { name: 'Collect diagnostics' })).toBeVisible();
  expect(await violations(page, 'This PC failing')).toEqual([]);
});

for (const scale of [1, 1.5]) {
  test(`a fix that can be followed at ${scale * 100} %: its commands whole in the confirmation, its outcome in sight and focused`, async ({ browser }) => {
    const demo = demoCopy();
    host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
    const context = await browser.newContext({ viewport: { width: Math.round(440 / scale), height: Math.round(640 / scale) }, deviceScaleFactor: scale });
    const page = await context.newPage();
    await page.goto(host.url);
    await page.getByRole('tab', { name: 'Diagnostics' }).click();
    const db = page.getByTestId('diag-db');
    await db.getByRole('button', { name: 'Fix over SSH…' }).click();
    const commands = page.getByRole('dialog', { name: 'Fix db over SSH' }).locator('pre.commands');
    await expect(commands).toContainText('sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y linux-cloud-tools-6.8.0-45-generic');
    // Nothing cut: no part of a command is scrolled or clipped out of sight.
    const box = await commands.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth, right: e.getBoundingClientRect().right, width: document.documentElement.clientWidth }));
    expect(box.scroll).toBeLessThanOrEqual(box.client);
    expect(box.right).toBeLessThanOrEqual(box.width);
    await screenshot(page, `fix-confirm-${scale * 100}`);
    await page.getByRole('button', { name: 'Run them' }).click();
    const outcome = db.getByRole('status');
    await expect(outcome).toHaveText('Fixed: the KVP daemon runs on db.', { timeout: 20_000 });
    await expect(outcome).toBeFocused();
    await expect(db).toContainText('KVPOK', { timeout: 20_000 });
    await expect(outcome).toBeFocused();
    await expect(outcome).toBeInViewport();
    await screenshot(page, `fix-done-${scale * 100}`);
    expect(await violations(page, 'after the fix')).toEqual([]);
    await context.close();
  });
}
