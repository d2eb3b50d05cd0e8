// The window in real Chromium, against the browser host and the Hyper-V simulator.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { parse, stringify } from 'yaml';
import { demoCopy, screenshot, startHost, watchEvery, type RunningHost } from './web-host-fixture.ts';

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

test('first run: the empty state tells a new user what to do; adding a project shows its VMs', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--simulate', demo.scenario]);
  await page.goto(host.url);
  await expect(page.getByRole('heading', { name: 'Watch your first project' })).toBeVisible();
  await screenshot(page, 'first-run');
  await page.getByLabel('Path to a ragnatramp.yaml').fill(demo.config);
  await page.getByRole('button', { name: 'Add project' }).click();
  await expect(page.getByTestId('vm-web').getByTestId('ipv4')).toHaveText('172.18.185.163');
  await expect(page.getByTestId('vm-db').getByTestId('tier')).toHaveText('via ARP');
  await screenshot(page, 'project-added');
});

test('Sync now shows IPs, tiers and per-VM results', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await expect(page.getByTestId('vm-web').getByTestId('ipv4')).toHaveText('172.18.185.163');
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByTestId('last-reconcile')).toContainText('synced');
  for (const [machine, ip, tier] of [['web', '172.18.185.163', 'via KVP'], ['db', '172.18.185.164', 'via ARP']]) {
    const row = page.getByTestId(`vm-${machine}`);
    await expect(row.getByTestId('ipv4')).toHaveText(ip!);
    await expect(row.getByTestId('tier')).toHaveText(tier!);
    await expect(row.getByTestId('sync')).toContainText('updated');
  }
  await expect(page.getByTestId('vm-worker').getByTestId('sync')).toHaveText('skipped: VM is Off');
  await screenshot(page, 'reconciled');
});

test("a guest's IP change produces the change event and the updated row", async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await expect(page.getByTestId('vm-web').getByTestId('ipv4')).toHaveText('172.18.185.163');
  await watchEvery(page, 2);
  const scenario = parse(readFileSync(demo.scenario, 'utf8'));
  scenario.vms[0].adapters[0].ipAddresses = ['172.18.185.200'];
  writeFileSync(demo.scenario, stringify(scenario));
  await expect(page.getByTestId('toast')).toContainText('web: 172.18.185.163 → 172.18.185.200', { timeout: 20_000 });
  await expect(page.getByTestId('vm-web').getByTestId('ipv4')).toHaveText('172.18.185.200');
  await expect(page.getByTestId('vm-web').getByTestId('previous-ip')).toHaveText('172.18.185.163');
  await screenshot(page, 'ip-changed');
});

test('a duplicate IP shows the banner and the skipped sync', async ({ page }) => {
  const demo = demoCopy();
  const scenario = parse(readFileSync(demo.scenario, 'utf8'));
  scenario.vms[0].adapters[0].ipAddresses = ['172.18.185.164'];
  scenario.vms[2].adapters[0].ipAfterPolls = 0; // cache has its lease from the start here
  writeFileSync(demo.scenario, stringify(scenario));
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await expect(page.getByTestId('duplicate-banner')).toContainText('Duplicate IP 172.18.185.164: db and web');
  await expect(page.getByTestId('duplicate-banner')).toContainText('clones of one image sharing /etc/machine-id');
  await expect(page.getByTestId('duplicate-banner').locator('pre')).toHaveText('sudo rm /etc/machine-id && sudo systemd-machine-id-setup');
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByTestId('vm-web').getByTestId('sync')).toHaveText('skipped: duplicate IPv4 172.18.185.164 (shared with db)');
  await expect(page.getByTestId('vm-db').getByTestId('sync')).toHaveText('skipped: duplicate IPv4 172.18.185.164 (shared with web)');
  await expect(page.getByTestId('vm-cache').getByTestId('sync')).toContainText('updated');
  await screenshot(page, 'duplicate');
});

test('the diagnostics panel shows "No Contact" with its fix, and fixes it over SSH', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await page.getByRole('tab', { name: 'Diagnostics' }).click();
  await page.getByRole('button', { name: 'Run checks' }).click();
  const db = page.getByTestId('diag-db');
  await expect(db).toContainText('KVPNo Contact');
  await expect(db).toContainText('not installed (linux-cloud-tools-6.8.0-45-generic)');
  await expect(db.locator('pre.commands').first()).toContainText('sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y linux-cloud-tools-6.8.0-45-generic');
  await db.getByRole('button', { name: 'Fix over SSH…' }).click();
  await expect(page.getByRole('dialog', { name: 'Fix db over SSH' })).toContainText('sudo -n modprobe hv_utils');
  await screenshot(page, 'diagnostics-confirm');
  await page.getByRole('button', { name: 'Run them' }).click();
  await expect(db).toContainText('KVPOK', { timeout: 20_000 });
  await screenshot(page, 'diagnostics-fixed');
});

for (const scale of [1, 1.5]) {
  test(`readable at ${scale * 100}% scaling, light and dark, without horizontal scrolling`, async ({ browser }) => {
    const demo = demoCopy();
    host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
    for (const colorScheme of ['light', 'dark'] as const) {
      // The window is 440 × 640 device-independent pixels; at 150% the page lays out in 293 CSS px.
      const context = await browser.newContext({ viewport: { width: Math.round(440 / scale), height: Math.round(640 / scale) }, deviceScaleFactor: scale, colorScheme });
      const page = await context.newPage();
      await page.goto(host.url);
      await expect(page.getByTestId('vm-web').getByTestId('ipv4')).toHaveText('172.18.185.163');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, 'the window must not scroll sideways').toBeLessThanOrEqual(0);
      await screenshot(page, `scale-${scale * 100}-${colorScheme}`);
      await context.close();
    }
  });
}

// Issue 11, "the glance must never be wrong".
function editScenario(file: string, edit: (s: { vmms?: string; vms: Array<Record<string, unknown> & { adapters?: Array<Record<string, unknown>> }>; neighbors: Array<Record<string, unknown>> }) => void): void {
  const scenario = parse(readFileSync(file, 'utf8'));
  edit(scenario);
  writeFileSync(file, stringify(scenario));
}

test('after an IP change with auto-sync off, one banner says which hosts are out of date and offers the one Sync now', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByTestId('vm-db').getByTestId('sync')).toContainText('updated');
  await watchEvery(page, 2);
  editScenario(demo.scenario, (s) => (s.vms[0]!.adapters![0]!.ipAddresses = ['172.18.185.200']));
  const toast = page.getByTestId('toast').filter({ hasText: 'web: 172.18.185.163 → 172.18.185.200' });
  await expect(toast).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('vm-db').getByTestId('sync')).toContainText('out of date');
  // One cause, one message, one action (issue 23, point 9): the banner, not each row or the header.
  const banner = page.getByTestId('hosts-stale-banner');
  await expect(banner).toContainText(/Hosts out of date on .*\bdb\b.*: an address changed since their last sync/);
  await expect(banner).not.toContainText('worker'); // off: nothing to bring up to date
  await expect(page.getByTestId('problems')).not.toContainText('hosts out of date');
  await expect(page.getByTestId('vm-web').getByTestId('problem')).toHaveCount(0);
  await expect(page.getByTestId('vm-db').getByTestId('problem')).toHaveText('KVP No Contact'); // its own, not the hosts'
  await expect(page.locator('.summary')).toContainText('hosts out of date');
  await expect(toast.getByRole('button', { name: 'Sync now' })).toHaveCount(0);
  await screenshot(page, 'hosts-out-of-date');
  await banner.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByTestId('vm-db').getByTestId('sync')).toContainText('updated', { timeout: 20_000 });
  await expect(banner).toHaveCount(0);
});

test('KVP No Contact with no ARP entry: still running, IP unknown with why, the last known IP greyed, and a notice of the loss', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await expect(page.getByTestId('vm-db').getByTestId('ipv4')).toHaveText('172.18.185.164');
  await watchEvery(page, 2);
  editScenario(demo.scenario, (s) => (s.neighbors = s.neighbors.filter((n) => n.ip !== '172.18.185.164')));
  const row = page.getByTestId('vm-db');
  await expect(row.getByTestId('ip-unknown')).toHaveText('IP unknown', { timeout: 20_000 });
  // Issue 23, point 6: a running VM that lost its address is running, not initializing.
  await expect(row.getByTestId('status')).toHaveAttribute('aria-label', 'running');
  await expect(row.getByTestId('problem')).toHaveText('KVP No Contact');
  await row.getByTestId('toggle').click();
  await expect(row.getByTestId('last-known')).toHaveText('172.18.185.164');
  await expect(row.getByTestId('previous-ip')).toHaveCount(0);
  await expect(page.getByTestId('toast')).toContainText('db: IP unknown (KVP No Contact), last known 172.18.185.164');
  await expect(page.getByTestId('problems')).toContainText('db: IP unknown: KVP No Contact');
  await expect(row.getByTestId('fact-KVP')).toContainText("No Contact: the guest's KVP daemon (hv_kvp_daemon) is not installed or not running");
  await row.getByRole('button', { name: 'How to fix' }).click();
  await expect(page.getByRole('heading', { name: 'Diagnostics' })).toBeVisible();
});

test('a project whose VMs are all missing needs attention and says which provider looked', async ({ page }) => {
  const demo = demoCopy();
  editScenario(demo.scenario, (s) => (s.vms = []));
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await expect(page.getByTestId('all-missing')).toContainText("Hyper-V has none of this project's VMs");
  await expect(page.getByRole('img', { name: 'Needs attention' })).toBeVisible();
  await expect(page.getByTestId('problems')).toContainText('web: VM missing');
});

// Issue 23, "never false, never stale".
test('outside Hyper-V Administrators: one red message with the cause and its fix; the VMs read unknown, never missing', async ({ page }) => {
  const demo = demoCopy();
  editScenario(demo.scenario, (s) => Object.assign(s, { member: false }));
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  const alert = page.getByRole('alert').filter({ hasText: 'Hyper-V Administrators' });
  await expect(alert).toContainText("you are not in the 'Hyper-V Administrators' group");
  await expect(alert).toContainText('Ask an administrator to add you, then sign out and back in');
  await expect(alert).toHaveCount(1);
  for (const machine of ['web', 'db', 'worker', 'cache']) await expect(page.getByTestId(`vm-${machine}`).getByTestId('ip-unknown')).toHaveText('unknown');
  await expect(page.getByRole('img', { name: 'Hypervisor unreachable' })).toBeVisible();
  await expect(page.getByTestId('all-missing')).toHaveCount(0);
  await expect(page.getByTestId('stale-banner')).toHaveCount(0);
  const body = page.locator('body');
  for (const wrong of ['missing', 'ragnatramp up', 'doctor']) await expect(body).not.toContainText(wrong);
  await screenshot(page, 'not-member');
});

test('a row never contradicts itself: a VM running again loses "skipped: VM is Off", a cleared duplicate loses "skipped: duplicate"', async ({ page }) => {
  const demo = demoCopy();
  editScenario(demo.scenario, (s) => {
    s.vms[0]!.adapters![0]!.ipAddresses = ['172.18.185.164'];
    s.vms[2]!.adapters![0]!.ipAfterPolls = 0;
  });
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await expect(page.getByTestId('duplicate-banner')).toBeVisible();
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByTestId('vm-web').getByTestId('sync')).toHaveText('skipped: duplicate IPv4 172.18.185.164 (shared with db)');
  await expect(page.getByTestId('vm-worker').getByTestId('sync')).toHaveText('skipped: VM is Off');
  await watchEvery(page, 2);
  editScenario(demo.scenario, (s) => {
    s.vms[0]!.adapters![0]!.ipAddresses = ['172.18.185.163'];
    Object.assign(s.vms[3]!, { state: 'Running' });
    s.vms[3]!.adapters![0]!.ipAddresses = ['172.18.185.171'];
  });
  await expect(page.getByTestId('vm-worker').getByTestId('ipv4')).toHaveText('172.18.185.171', { timeout: 20_000 });
  await expect(page.getByTestId('duplicate-banner')).toHaveCount(0);
  for (const machine of ['web', 'worker']) await expect(page.getByTestId(`vm-${machine}`).getByTestId('sync')).toHaveText('not synced yet');
  await screenshot(page, 'skips-cleared');
});

test('a hypervisor error keeps the project name and its last known VMs, marked stale', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await expect(page.getByTestId('vm-web').getByTestId('ipv4')).toHaveText('172.18.185.163');
  await watchEvery(page, 2);
  editScenario(demo.scenario, (s) => (s.vmms = 'Stopped'));
  await expect(page.getByTestId('stale-banner')).toContainText('Showing what was last seen', { timeout: 20_000 });
  await expect(page.getByRole('heading', { name: /^demo/ })).toBeVisible();
  await expect(page.getByTestId('vm-web').getByTestId('ipv4')).toHaveText('172.18.185.163');
  await expect(page.getByText('No VMs in this project yet.')).toHaveCount(0);
});

test('during a hypervisor outage the rows are marked stale with when they were last seen, and the stale banner does not repeat the Windows error text', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await expect(page.getByTestId('vm-web').getByTestId('ipv4')).toHaveText('172.18.185.163');
  await expect(page.getByTestId('vm-web').getByTestId('last-seen')).toHaveCount(0);
  await watchEvery(page, 2);
  editScenario(demo.scenario, (s) => (s.vmms = 'Stopped'));
  const web = page.getByTestId('vm-web');
  await expect(web.getByTestId('last-seen')).toHaveText(/^last seen \d{1,2}:\d{2}/, { timeout: 20_000 });
  await expect(web).toHaveClass(/\bstale\b/);
  await expect(web.getByTestId('status')).not.toHaveClass(/dot-running/);
  await expect(web).toHaveAttribute('aria-label', /^web: running when last seen at \d{1,2}:\d{2}/);
  await expect(page.getByTestId('stale-banner')).toHaveText('Showing what was last seen: Hyper-V could not be asked (the cause is above).');
  // The cause leads the red banner, its fix right after it; Get-VM's own words (the simulator's
  // vmms-stopped text) appear once in the window, last (not in the summary, nor in the stale banner).
  const alert = (await page.getByTestId('hypervisor-error').innerText()).split('\n').filter(Boolean);
  expect(alert.slice(0, 2)).toEqual(['The Hyper-V Virtual Machine Management service (vmms) is Stopped.', "Start it from Services (or 'Start-Service vmms' in an administrator PowerShell), or restart the PC."]);
  const windowsText = alert.find((line) => line.startsWith('Hyper-V said: '))!.slice('Hyper-V said: '.length);
  const page_ = await page.locator('main, #root').first().innerText();
  expect(page_.split(windowsText).length - 1).toBe(1);
  expect(page_.split('is Stopped.').length - 1).toBe(1);
  await screenshot(page, 'outage-stale-rows');
});

test('relative times tick while the window is open, also while watching is paused', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.clock.install();
  await page.goto(host.url);
  await expect(page.getByTestId('vm-web').getByTestId('ip-since')).toContainText('just now');
  await page.getByRole('button', { name: 'Pause watching' }).click();
  await page.clock.fastForward('03:00');
  await expect(page.getByTestId('vm-web').getByTestId('ip-since')).toHaveText('3 min ago · checked 3 min ago');
});

test('a lost connection to the browser host says so within seconds', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await expect(page.getByTestId('vm-web').getByTestId('ipv4')).toHaveText('172.18.185.163');
  await host.stop();
  host = null;
  await expect(page.getByTestId('link-lost')).toHaveText('The connection to Ragnatramp Tray was lost; reconnecting. What the window shows may be out of date.', { timeout: 5000 });
});

test('diagnostics carry the time they were taken and run again every time the panel opens', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await page.getByRole('tab', { name: 'Diagnostics' }).click();
  const at = page.getByTestId('diag-at');
  await expect(at).toHaveText(/^ ?Checked at \d{1,2}:\d{2}:\d{2}/, { timeout: 20_000 });
  const first = await at.innerText();
  await page.waitForTimeout(1100); // the next run is stamped a second later
  await page.getByRole('tab', { name: 'VMs' }).click();
  await page.getByRole('tab', { name: 'Diagnostics' }).click();
  await expect(at).not.toHaveText(first, { timeout: 20_000 });
  await expect(at).toHaveText(/^ ?Checked at \d{1,2}:\d{2}:\d{2}/);
});

test('diagnostics run again when the hypervisor answers after an outage', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await watchEvery(page, 2);
  await page.getByRole('tab', { name: 'Diagnostics' }).click();
  const at = page.getByTestId('diag-at');
  await expect(at).toBeVisible({ timeout: 20_000 });
  const first = await at.innerText();
  editScenario(demo.scenario, (s) => (s.vmms = 'Stopped'));
  await expect(page.getByRole('img', { name: 'Hypervisor unreachable' })).toBeVisible({ timeout: 20_000 });
  editScenario(demo.scenario, (s) => (s.vmms = 'Running'));
  await expect(page.getByRole('img', { name: 'Hypervisor unreachable' })).toHaveCount(0, { timeout: 20_000 });
  await expect(at).not.toHaveText(first, { timeout: 20_000 });
});

test('a newer notice for the same VM replaces the older, and notices never cover a row', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await expect(page.getByTestId('vm-web').getByTestId('ipv4')).toHaveText('172.18.185.163');
  await watchEvery(page, 2);
  editScenario(demo.scenario, (s) => (s.vms[0]!.adapters![0]!.ipAddresses = ['172.18.185.200']));
  const web = page.getByTestId('toast').filter({ hasText: 'web:' });
  await expect(web).toContainText('web: 172.18.185.163 → 172.18.185.200', { timeout: 20_000 });
  editScenario(demo.scenario, (s) => (s.vms[0]!.adapters![0]!.ipAddresses = ['172.18.185.201']));
  await expect(web).toContainText('web: 172.18.185.200 → 172.18.185.201', { timeout: 20_000 });
  await expect(web).toHaveCount(1);
  // In the page's flow: the last row is not under a notice.
  const toastBox = (await web.boundingBox())!;
  const lastRow = (await page.getByTestId('vm-worker').boundingBox())!;
  expect(toastBox.y + toastBox.height <= lastRow.y || lastRow.y + lastRow.height <= toastBox.y).toBe(true);
});

test('settings: the poll interval is checked as typed and saved on Enter; Remove offers Undo; a bad path is explained under the field', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await page.getByRole('tab', { name: 'Settings' }).click();
  const poll = page.getByLabel('Look for changes every');
  await poll.fill('1');
  await expect(page.getByRole('alert').filter({ hasText: 'Enter between 2 and 3600 seconds.' })).toBeVisible();
  await expect(poll).toHaveAttribute('aria-invalid', 'true');
  await poll.fill('15');
  await poll.press('Enter');
  await expect(page.locator('#poll-help')).toHaveText('Saved: a pass every 15 seconds.');
  await page.getByRole('button', { name: `Stop watching ${demo.config}` }).click();
  await expect(page.getByTestId('undo-remove')).toContainText('Stopped watching');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('button', { name: `Stop watching ${demo.config}` })).toBeVisible();
  const field = page.getByLabel('Path to a ragnatramp.yaml');
  // The example path is in the spelling of the machine the browser host runs on (Linux here).
  await expect(field).toHaveAttribute('placeholder', '/home/you/project/ragnatramp.yaml');
  await field.fill('/nonexistent/ragnatramp.yaml');
  await page.getByRole('button', { name: 'Add project' }).click();
  await expect(page.locator('#add-project-error')).toHaveText('/nonexistent/ragnatramp.yaml: does not exist\nCheck the path of the ragnatramp.yaml.');
  await expect(page.locator('#add-project-error')).not.toContainText('--config');
});

test('a diagnostic can be muted per check and VM: kept in settings, shown greyed, and no longer a problem', async ({ page }) => {
  const demo = demoCopy();
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await expect(page.getByTestId('problems')).toContainText('db: KVP No Contact');
  await page.getByRole('tab', { name: 'Diagnostics' }).click();
  await expect(page.getByTestId('diag-summary')).toBeVisible({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Mute KVP for db' }).click();
  await expect(page.getByTestId('diag-summary')).toContainText('1 muted.');
  await expect(page.getByTestId('diag-db').locator('li.check-muted')).toContainText('No Contact (muted)');
  await page.getByRole('tab', { name: 'VMs' }).click();
  await expect(page.getByTestId('problems')).not.toContainText('db: KVP No Contact');
  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(page.getByTestId('muted-count')).toContainText('1 muted');
  await page.getByRole('button', { name: 'Unmute all' }).click();
  await page.getByRole('tab', { name: 'VMs' }).click();
  await expect(page.getByTestId('problems')).toContainText('db: KVP No Contact');
});

test('guests that share /etc/machine-id are called clones in Diagnostics, with the fix', async ({ page }) => {
  const demo = demoCopy();
  editScenario(demo.scenario, (s) => {
    for (const vm of s.vms.slice(0, 2)) vm.guest = { machineId: '0123456789abcdef0123456789abcdef' };
  });
  host = await startHost(['--config', demo.config, '--simulate', demo.scenario]);
  await page.goto(host.url);
  await page.getByRole('tab', { name: 'Diagnostics' }).click();
  await expect(page.getByTestId('diag-web')).toContainText('Machine idsame as db: a cloned image', { timeout: 20_000 });
  await expect(page.getByTestId('diag-db')).toContainText('Machine idsame as web: a cloned image');
  await expect(page.getByTestId('diag-db').getByLabel('The fix for Machine id on db')).toHaveText('sudo rm /etc/machine-id && sudo systemd-machine-id-setup');
});
