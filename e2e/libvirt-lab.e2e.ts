// The window in real Chromium against a real libvirtd and its real QEMU VMs: leased guests and
// one found only by its guest agent, each row with its tier and libvirt's facts, and Reconcile
// now writing every guest's /etc/hosts. The lab's guests live in its network namespace, so the
// browser host and Chromium run there too (Chromium through a wrapper that enters it).
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { inLabNetns } from '../dev/lab/lab-libvirt.ts';
import { useE2eLab } from './e2e-lab.ts';
import { screenshot } from './web-host-fixture.ts';

// Fixed paths: this file is loaded both to list its tests and to run them, and the launch
// options must read the same both times.
const netnsFile = path.join(os.tmpdir(), 'rt-e2e-libvirt-netns');
const chromium = path.join(os.tmpdir(), 'rt-e2e-chromium-in-libvirt-lab');
writeFileSync(chromium, `#!/bin/sh\nexec ip netns exec "$(cat '${netnsFile}')" ${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'} "$@"\n`, { mode: 0o755 });
test.use({ launchOptions: { executablePath: chromium, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] } });

test.describe('against a real libvirtd', () => {
  const { lab, startHost } = useE2eLab({ guests: 3, kind: 'libvirt', staticIp: 1 });
  test.beforeAll(() => writeFileSync(netnsFile, lab().record.hostNetns!));

  test("each row shows its tier and libvirt's facts, and Sync now writes every guest", async ({ page }) => {
    const host = await startHost(['--config', lab().paths.config, '--libvirt', 'qemu:///system'], lab().record.hostNetns);
    await page.goto(host.url);
    // The first pass (virsh, the guest agent, SSH banners) takes what the machine gives it.
    await expect(page.getByTestId('vm-guest1').getByTestId('ipv4')).toBeVisible({ timeout: 60_000 });
    for (const [machine, tier] of [['guest1', 'lease'], ['guest2', 'lease'], ['guest3', 'agent']] as const) {
      const row = page.getByTestId(`vm-${machine}`);
      await expect(row.getByTestId('ipv4')).toHaveText(lab().guest(machine).ip);
      await expect(row.getByTestId('tier')).toHaveText(`via ${tier}`);
      await expect(row.getByTestId('fact-Network')).toContainText(lab().record.bridge);
    }
    await expect(page.getByTestId('vm-guest3').getByTestId('fact-Agent')).toContainText('answers');
    await page.locator('header').getByRole('button', { name: 'Sync now' }).click();
    for (const g of lab().record.guests) await expect(page.getByTestId(`vm-${g.machine}`).getByTestId('sync')).toContainText('updated', { timeout: 30_000 });
    const hosts = await inLabNetns(lab().record, 'ssh', ['-i', lab().paths.key, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `root@${lab().guest('guest1').ip}`, 'cat /etc/hosts']);
    expect(hosts).toContain(`${lab().guest('guest3').ip} guest3\n`);
    await screenshot(page, 'libvirt-lab');
  });
});
