// Start, stop and restart from the window in real Chromium, against the browser host and the
// Hyper-V simulator (whose power script changes a VM's state as Start-VM and Stop-VM do): the
// stopped demo VM starts and comes up with its address; Stop asks first, and Cancel leaves it be.
import { expect, test } from '@playwright/test';
import { demoCopy, screenshot, startHost, type RunningHost } from './web-host-fixture.ts';

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

test('a stopped VM is started from its row; Stop asks first, Cancel leaves it running, Stop stops it', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  const row = page.getByTestId('vm-worker');
  await expect(row.getByTestId('status')).toHaveAttribute('aria-label', 'stopped', { timeout: 30_000 });
  await row.getByRole('button', { name: 'worker details' }).click(); // the actions are in the row's details
  await expect(row.getByRole('button', { name: 'Stop worker…' })).toHaveCount(0);
  await row.getByRole('button', { name: 'Start worker' }).click();
  await expect(row.getByTestId('power-said')).toHaveText(/^'worker' started \(Hyper-V says Running\)\.$/);
  // The pass that follows the start shows it up, with the address the host reports.
  await expect(row.getByTestId('status')).not.toHaveAttribute('aria-label', 'stopped', { timeout: 20_000 });
  await screenshot(page, 'power-started');
  await row.getByRole('button', { name: 'Stop worker…' }).click();
  const question = page.getByRole('dialog', { name: 'Stop worker' });
  await expect(question).toContainText('asked to shut down');
  await question.getByRole('button', { name: 'Cancel' }).click();
  await expect(question).toHaveCount(0);
  await expect(row.getByTestId('status')).not.toHaveAttribute('aria-label', 'stopped');
  await row.getByRole('button', { name: 'Stop worker…' }).click();
  await page.getByRole('dialog', { name: 'Stop worker' }).getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(row.getByTestId('power-said')).toHaveText("'worker' shut down (Hyper-V says Off).");
  await expect(row.getByTestId('status')).toHaveAttribute('aria-label', 'stopped', { timeout: 20_000 });
  await expect(row.getByRole('button', { name: 'Start worker' })).toBeVisible();
});
