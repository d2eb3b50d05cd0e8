// The window in real Chromium against real QEMU VMs in quickemu's layout: two bridged guests
// found through their console logs, one on QEMU's user-mode network reached through its SSH
// forward, and Reconcile now writing the bridged guests' real /etc/hosts.
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { LabControl, labDown, labUp } from '../dev/lab/lab.ts';
import { screenshot, startHost, type RunningHost } from './web-host-fixture.ts';

const isRoot = process.getuid?.() === 0;
if (!isRoot && process.env.CI) throw new Error('The lab e2e tests need root, and CI runs them for real.');

test.describe('against real QEMU VMs (quickemu)', () => {
  test.skip(!isRoot, 'the lab needs root');
  let lab: LabControl;
  let host: RunningHost | null = null;

  test.beforeAll(async () => {
    test.setTimeout(240_000); // three VMs boot under software emulation
    const parent = mkdtempSync(path.join(os.tmpdir(), 'rt-e2e-qemu-'));
    chmodSync(parent, 0o755);
    await labUp({ guests: 3, dir: path.join(parent, 'lab'), kind: 'qemu', userNet: 1 });
    lab = await LabControl.open(path.join(parent, 'lab'));
  });
  test.afterAll(async () => {
    await host?.stop();
    await labDown(lab.record.dir);
  });

  test("each VM's row shows how it is reached, and Reconcile now writes the bridged guests' hosts", async ({ page }) => {
    host = await startHost(['--config', lab.paths.config, '--quickemu', lab.paths.quickemu]);
    await page.goto(host.url);
    for (const machine of ['guest1', 'guest2']) {
      const row = page.getByTestId(`vm-${machine}`);
      await expect(row.getByTestId('ipv4')).toHaveText(lab.guest(machine).ip);
      await expect(row.getByTestId('tier')).toHaveText('console');
      await expect(row.getByTestId('fact-Network')).toContainText(`bridged (${lab.record.bridge})`);
    }
    const nat = page.getByTestId('vm-guest3');
    await expect(nat.getByTestId('ssh-at')).toHaveText(`SSH via 127.0.0.1:${lab.guest('guest3').sshPort}`);
    await expect(nat.getByTestId('fact-Network')).toContainText(`user-mode, SSH forward ${lab.guest('guest3').sshPort}`);
    await expect(nat.getByTestId('ip-unknown')).toHaveCount(0);

    await page.locator('header').getByRole('button', { name: 'Reconcile now' }).click();
    for (const machine of ['guest1', 'guest2']) await expect(page.getByTestId(`vm-${machine}`).getByTestId('sync')).toContainText('updated', { timeout: 30_000 });
    await expect(nat.getByTestId('sync')).toContainText("skipped: 'lab-guest3-");
    await expect(nat.getByTestId('sync')).toContainText("is on QEMU's user-mode network, where VMs cannot reach each other");
    await screenshot(page, 'quickemu-lab');
  });
});
