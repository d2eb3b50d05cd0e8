// The window in real Chromium against a lab of real guests: real DHCP, real SSH, real
// /etc/hosts, through the Linux provider (and the Hyper-V code path for a duplicate IP).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { parse, stringify } from 'yaml';
import { useE2eLab } from './e2e-lab.ts';
import { screenshot, watchEvery } from './web-host-fixture.ts';

test.describe('against a lab of real guests', () => {
  const { lab, startHost } = useE2eLab({ guests: 3 });

  test('Sync now writes every guest, and a DHCP renumbering shows up as a change', async ({ page }) => {
    const host = await startHost(['--config', lab().paths.config, '--manifest', lab().paths.manifest]);
    await page.goto(host.url);
    await expect(page.getByTestId('vm-guest1').getByTestId('ipv4')).toHaveText(lab().guest('guest1').ip);
    await page.getByRole('button', { name: 'Sync now' }).click();
    for (const g of lab().record.guests) {
      const row = page.getByTestId(`vm-${g.machine}`);
      await expect(row.getByTestId('tier')).toHaveText('via lease');
      await expect(row.getByTestId('sync')).toContainText('updated');
      expect(await lab().readHosts(g.machine)).toContain(`${g.ip} ${g.machine}\n`);
    }
    await watchEvery(page, 2);
    const old = lab().guest('guest2').ip;
    const fresh = await lab().changeIp('guest2');
    await expect(page.getByTestId('toast')).toContainText(`guest2: ${old} → ${fresh}`, { timeout: 20_000 });
    await expect(page.getByTestId('vm-guest2').getByTestId('ipv4')).toHaveText(fresh);
    await expect(page.getByTestId('vm-guest2').getByTestId('previous-ip')).toHaveText(old);
    // The banner of the hosts out of date offers Sync now too: use the header's.
    await expect(page.getByTestId('vm-guest1').getByTestId('sync')).toContainText('out of date');
    const reconcile = page.locator('header').getByRole('button', { name: 'Sync now' });
    await reconcile.click();
    await expect.poll(() => lab().readHosts('guest1'), { timeout: 20_000 }).toContain(`${fresh} guest2\n`);
    expect((await lab().exec('guest1', ['getent', 'hosts', 'guest2'])).trim().split(/\s+/)).toEqual([fresh, 'guest2']);
    await expect(reconcile).toBeEnabled();
    await expect(page.getByTestId('vm-guest1').getByTestId('sync')).toContainText('updated');
    await screenshot(page, 'lab-renumbered');
  });

  test('a duplicate IP (Hyper-V view of the lab) shows the banner and skips both syncs', async ({ page }) => {
    const scenario = parse(readFileSync(lab().paths.scenario, 'utf8'));
    scenario.vms[1].adapters[0].ipAddresses = [lab().guest('guest1').ip];
    const dupScenario = path.join(lab().record.dir, 'scenario-duplicate.yaml');
    writeFileSync(dupScenario, stringify(scenario));
    const host = await startHost(['--config', lab().paths.config, '--simulate', dupScenario]);
    await page.goto(host.url);
    await expect(page.getByTestId('duplicate-banner')).toContainText(`Duplicate IP ${lab().guest('guest1').ip}: guest1 and guest2`);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(page.getByTestId('vm-guest1').getByTestId('sync')).toContainText('skipped: duplicate IPv4');
    await expect(page.getByTestId('vm-guest2').getByTestId('sync')).toContainText('skipped: duplicate IPv4');
    await expect(page.getByTestId('vm-guest3').getByTestId('sync')).toContainText(/updated|in sync/);
    await screenshot(page, 'lab-duplicate');
  });

  test("diagnostics look inside the real guests", async ({ page }) => {
    await lab().setSudo('guest3', 'password');
    try {
      // The guest's KVP daemon matters to Hyper-V: its code path, against the real guests.
      const host = await startHost(['--config', lab().paths.config, '--simulate', lab().paths.scenario]);
      await page.goto(host.url);
      await page.getByRole('tab', { name: 'Diagnostics' }).click();
      await page.getByRole('button', { name: 'Run checks' }).click();
      await expect(page.getByTestId('diag-guest1')).toContainText('Guest KVP daemonnot installed (hyperv-daemons)');
      await expect(page.getByTestId('diag-guest1')).toContainText('sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y hyperv-daemons');
      await expect(page.getByTestId('diag-guest3')).toContainText('Passwordless sudosudo asks for a password');
      await screenshot(page, 'lab-diagnostics');
    } finally {
      await lab().setSudo('guest3', 'nopasswd');
    }
  });
});
