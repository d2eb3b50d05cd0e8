// In the real window over the browser host and the simulator: a VM whose address changed shows
// both addresses in its row's address history, its Diagnostics card shows the log's lines about
// it (the passes that saw each address), and axe-core finds no violation with both open.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { violations } from './axe-violations.ts';
import { demoCopy, startHost, watchEvery, type RunningHost } from './web-host-fixture.ts';

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

test("a renumbered VM's address history and its log lines", async ({ page }) => {
  test.setTimeout(180_000);
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  const web = page.getByTestId('vm-web');
  // Generous: the first pass waits for the engine to start on a busy machine.
  await expect(web.getByTestId('ipv4')).toHaveText('172.18.185.163', { timeout: 60_000 });
  await watchEvery(page, 2);
  writeFileSync(demo.scenario, readFileSync(demo.scenario, 'utf8').replace('ipAddresses: [172.18.185.163,', 'ipAddresses: [172.18.185.170,'));
  await expect(web.getByTestId('ipv4')).toHaveText('172.18.185.170', { timeout: 60_000 });
  // The history is in the row's details, folded until the row is opened.
  await web.getByRole('button', { name: 'web details' }).click();
  const history = web.getByTestId('vm-history');
  await history.locator('summary').click();
  await expect(history.getByRole('listitem')).toHaveText([/^172\.18\.185\.170 since .*\(now\)$/, /^172\.18\.185\.163 .+ – .+$/]);
  expect(await violations(page, 'address history')).toEqual([]);

  await page.getByRole('tab', { name: 'Diagnostics' }).click();
  const log = page.getByTestId('diag-web').getByTestId('vm-log-web');
  await log.locator('summary').click();
  const lines = log.getByRole('list', { name: "The log's last lines about web, oldest first" }).getByRole('listitem');
  await expect(lines.filter({ hasText: 'ipv4=172.18.185.163' }).first()).toBeVisible();
  await expect(lines.filter({ hasText: 'ipv4=172.18.185.170' }).first()).toBeVisible();
  await expect(lines.filter({ hasText: 'ipv4=172.18.185.164' })).toHaveCount(0);
  expect(await violations(page, 'Diagnostics with the log')).toEqual([]);
});
