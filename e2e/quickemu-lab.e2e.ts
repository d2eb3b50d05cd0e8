// The window in real Chromium against real QEMU VMs started with quickemu's arguments: two
// bridged guests found through their guest agents, one on QEMU's user-mode network reached
// through its SSH forward (its own address shown as a fact), and Sync now writing the bridged guests' real /etc/hosts. Then the same VMs as
// a Proxmox VE cluster's guests, through a local HTTPS server speaking the API whose agent
// answers come from the VMs' real guest agents.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { useE2eLab } from './e2e-lab.ts';
import { qemuLabGuests, startFakeProxmox } from '../dev/test-support/fake-proxmox.ts';
import { screenshot } from './web-host-fixture.ts';

test.describe('against real QEMU VMs (quickemu)', () => {
  const { lab, startHost } = useE2eLab({ guests: 3, kind: 'qemu', userNet: 1 });

  test("each VM's row shows how it is reached, and Sync now writes the bridged guests' hosts", async ({ page }) => {
    const host = await startHost(['--config', lab().paths.config, '--quickemu', lab().paths.quickemu]);
    await page.goto(host.url);
    for (const machine of ['guest1', 'guest2']) {
      const row = page.getByTestId(`vm-${machine}`);
      await expect(row.getByTestId('ipv4')).toHaveText(lab().guest(machine).ip);
      await expect(row.getByTestId('tier')).toHaveText('via agent');
      await expect(row.getByTestId('fact-Network')).toContainText(`bridged (${lab().record.bridge})`);
      await expect(row.getByTestId('fact-Agent')).toContainText('answers');
    }
    const nat = page.getByTestId('vm-guest3');
    await expect(nat.getByTestId('ssh-at')).toHaveText(`SSH via 127.0.0.1:${lab().guest('guest3').sshPort}`);
    await expect(nat.getByTestId('fact-Network')).toContainText(`user-mode, SSH forward ${lab().guest('guest3').sshPort}`);
    await expect(nat.getByTestId('ip-unknown')).toHaveCount(0);
    await expect(nat.getByTestId('fact-Guest address')).toContainText('10.0.2.15');

    await page.locator('header').getByRole('button', { name: 'Sync now' }).click();
    for (const machine of ['guest1', 'guest2']) await expect(page.getByTestId(`vm-${machine}`).getByTestId('sync')).toContainText('updated', { timeout: 30_000 });
    await expect(nat.getByTestId('sync')).toContainText("skipped: 'lab-guest3-");
    await expect(nat.getByTestId('sync')).toContainText("is on QEMU's user-mode network, where VMs cannot reach each other");
    await screenshot(page, 'quickemu-lab');
  });

  test("a Proxmox VE project: rows with the agent tier, the node and vmid, and the VM the cluster lacks", async ({ page }) => {
    const token = 'tray@pve!ragnatramp=0b3c7a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21';
    const bridged = lab().record.guests.filter((g) => g.network === 'bridge');
    const pve = await startFakeProxmox({ token, guests: qemuLabGuests(lab().record, bridged) });
    try {
      const tokenFile = path.join(lab().record.dir, 'pve.token');
      writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
      const host = await startHost(['--config', lab().paths.config, '--proxmox', pve.url, '--proxmox-token', tokenFile]);
      await page.goto(host.url);
      for (const [i, g] of bridged.entries()) {
        const row = page.getByTestId(`vm-${g.machine}`);
        await expect(row.getByTestId('ipv4')).toHaveText(g.ip);
        await expect(row.getByTestId('tier')).toHaveText('via agent');
        await expect(row.getByTestId('fact-Node/ID')).toContainText(`pve${i + 1}/${101 + i}`);
        await expect(row.getByTestId('fact-Agent')).toContainText('answers');
      }
      await expect(page.getByTestId('vm-guest3').getByTestId('looked-in')).toContainText('not found in the Proxmox VE cluster at https://127.0.0.1:');
      await screenshot(page, 'proxmox-lab');
    } finally {
      await pve.close();
    }
  });
});
