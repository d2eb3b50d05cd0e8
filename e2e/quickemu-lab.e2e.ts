// The window in real Chromium against real QEMU VMs in quickemu's layout: two bridged guests
// found through their console logs, one on QEMU's user-mode network reached through its SSH
// forward, and Reconcile now writing the bridged guests' real /etc/hosts. Then the same VMs as
// a Proxmox VE cluster's guests, through a local HTTPS server speaking the API whose agent
// answers come from the VMs' real guest agents.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { LabControl, labDown, labUp, quickemuPaths } from '../dev/lab/lab.ts';
import { startFakeProxmox } from '../dev/test-support/fake-proxmox.ts';
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
  test.afterEach(async () => {
    await host?.stop();
    host = null;
  });
  test.afterAll(async () => {
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

  test("a Proxmox VE project: rows with the agent tier, the node and vmid, and the VM the cluster lacks", async ({ page }) => {
    const token = 'tray@pve!ragnatramp=0b3c7a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21';
    const bridged = lab.record.guests.filter((g) => g.network === 'bridge');
    const pve = await startFakeProxmox({ token, guests: bridged.map((g, i) => ({ type: 'qemu', vmid: 101 + i, name: g.vmName, node: `pve${i + 1}`, status: 'running', agentSocket: quickemuPaths(lab.record, g).agent })) });
    try {
      const tokenFile = path.join(lab.record.dir, 'pve.token');
      writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
      host = await startHost(['--config', lab.paths.config, '--proxmox', pve.url, '--proxmox-token', tokenFile]);
      await page.goto(host.url);
      for (const [i, g] of bridged.entries()) {
        const row = page.getByTestId(`vm-${g.machine}`);
        await expect(row.getByTestId('ipv4')).toHaveText(g.ip);
        await expect(row.getByTestId('tier')).toHaveText('agent');
        await expect(row.getByTestId('fact-Node/ID')).toContainText(`pve${i + 1}/${101 + i}`);
        await expect(row.getByTestId('fact-Agent')).toContainText('answers');
      }
      await expect(page.getByTestId('vm-guest3').getByTestId('ip-unknown')).toContainText('not found in the Proxmox VE cluster at https://127.0.0.1:');
      await screenshot(page, 'proxmox-lab');
    } finally {
      await pve.close();
    }
  });
});
