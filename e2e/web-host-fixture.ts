// Starts the browser host as a user would (`tsx dev/web/web-host.ts …`), reads the URL from
// its first line of output, and stops it after the test. Each host gets its own settings folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Page } from '@playwright/test';
import { parse, stringify } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface RunningHost {
  url: string;
  stop(): Promise<void>;
}

/** `netns`: run the host inside that network namespace (a libvirt lab's, where its guests are). */
export async function startHost(args: string[], netns?: string): Promise<RunningHost> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'rt-e2e-home-'));
  const command = [path.join(ROOT, 'node_modules', '.bin', 'tsx'), path.join(ROOT, 'dev', 'web', 'web-host.ts'), ...args];
  const child: ChildProcess = spawn(netns ? 'ip' : command[0]!, netns ? ['netns', 'exec', netns, ...command] : command.slice(1), {
    cwd: ROOT,
    env: { ...process.env, RAGNATRAMP_TRAY_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the browser host printed no URL: ${stderr}`)), 30_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`the browser host exited (${code}): ${stderr}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Sets the poll interval through the Settings tab, as a user would, and returns to the VMs. */
export async function watchEvery(page: Page, seconds: number): Promise<void> {
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByRole('spinbutton').fill(String(seconds));
  await page.getByRole('spinbutton').blur();
  await page.getByRole('tab', { name: 'VMs' }).click();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'screenshots', `${name}.png`), fullPage: true });
}

const DEMO = path.join(ROOT, 'examples', 'demo');

/** A fresh copy of the demo project and its scenario, for a test to change at will. */
export function demoCopy(): { config: string; scenario: string } {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'rt-e2e-')), 'demo');
  cpSync(DEMO, dir, { recursive: true });
  return { config: path.join(dir, 'ragnatramp.yaml'), scenario: path.join(dir, 'scenario.yaml') };
}

/**
 * The demo with eight VMs, the glance's test case (issue 23, point 8): its four, plus api (KVP),
 * queue (no KVP daemon, found through ARP), search (SSH closed: booting) and mail (switched off),
 * in its ragnatramp.yaml, its state.json and the scenario alike.
 */
export function demoCopyOfEight(): { config: string; scenario: string } {
  const demo = demoCopy();
  const dir = path.dirname(demo.config);
  const more = [
    { machine: 'api', n: 5, state: 'Running', kvp: 'OK', ip: '172.18.185.165' },
    { machine: 'queue', n: 6, state: 'Running', kvp: 'No Contact', ip: '172.18.185.166' },
    { machine: 'search', n: 7, state: 'Running', kvp: 'OK', ip: '172.18.185.167', sshPort: 'closed' },
    { machine: 'mail', n: 8, state: 'Off', kvp: 'OK', ip: null },
  ];
  const config = parse(readFileSync(demo.config, 'utf8'));
  config.machines.push(...more.map((m) => ({ name: m.machine })));
  writeFileSync(demo.config, stringify(config));
  const stateFile = path.join(dir, '.ragnatramp', 'state.json');
  const state = JSON.parse(readFileSync(stateFile, 'utf8'));
  for (const m of more) state.vms[m.machine] = { id: `6f1c2d9e-0000-4000-8000-00000000000${m.n}`, name: `demo-${m.machine}-1f3a9c2e`, machineName: m.machine, diskPath: `C:\\Users\\dev\\demo\\.ragnatramp\\disks\\${m.machine}.vhdx`, createdAt: '2026-11-20T08:05:00.000Z', checkpoints: [] };
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
  const scenario = parse(readFileSync(demo.scenario, 'utf8'));
  for (const m of more) {
    const mac = `00155DDE331${m.n}`;
    const viaKvp = m.kvp === 'OK' && m.ip;
    scenario.vms.push({ name: `demo-${m.machine}-1f3a9c2e`, id: `6f1c2d9e-0000-4000-8000-00000000000${m.n}`, state: m.state, kvp: m.kvp, ...(m.sshPort ? { sshPort: m.sshPort } : {}), adapters: [{ mac, ...(viaKvp ? { ipAddresses: [m.ip] } : {}) }] });
    if (m.ip && !viaKvp) scenario.neighbors.push({ ip: m.ip, mac: mac.match(/../g)!.join('-'), state: 'Permanent' });
  }
  writeFileSync(demo.scenario, stringify(scenario));
  return demo;
}
