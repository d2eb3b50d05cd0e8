// Proves `status --watch`: with --json one status --json document per change, each on one line,
// the same shape as status --json, nothing printed while nothing changes, a hypervisor outage as
// one { error } line with watching going on; without --json the tables again on change; and in
// a real process SIGINT and SIGTERM end it with exit 0, and a reader that went away ends it quietly; a long watch holds nothing per pass.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { makeFixture } from '../../dev/test-support/project-fixture.js';
import type { Scenario } from '../engine/simulator/scenario.js';
import { noteProject } from '../engine/history/address-history.js';
import { HISTORY_FILE, writeHistory } from '../engine/history/history-file.js';
import { runCli } from './cli.js';

const scenario = (webIp: string, extra: Partial<Scenario> = {}): Scenario => ({
  vms: [
    { name: 'myproject-web-a1b2c3d4', id: '6f1c2d9e-0000-4000-8000-000000000001', adapters: [{ mac: '00155DDE3309', ipAddresses: [webIp] }] },
    { name: 'myproject-db-a1b2c3d4', id: '6f1c2d9e-0000-4000-8000-000000000002', state: 'Off', adapters: [{ mac: '00155DDE330A' }] },
  ],
  ...extra,
});

function fixture() {
  const f = makeFixture({ machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }], scenario: scenario('172.18.185.163') });
  const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
  return { f, home, args: ['--config', f.configPath, '--simulate', f.scenarioPath, '--known-hosts', f.knownHostsPath], rewrite: (s: Scenario) => writeFileSync(f.scenarioPath, stringify(s)) };
}

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !check(); ) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The keys of a status document all the way down to the VMs (values aside). */
const shape = (doc: { projects: Array<{ vms: object[] }> }) => ({ top: Object.keys(doc), project: Object.keys(doc.projects[0]!), vm: Object.keys(doc.projects[0]!.vms[0]!) });

function watch(args: string[], home: string) {
  let out = '';
  let err = '';
  const stop = new AbortController();
  let released = false;
  const done = runCli(['status', '--watch', ...args], {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: { ...process.env, RAGNATRAMP_TRAY_HOME: home },
    logDir: home,
    watchStop: () => ({ signal: stop.signal, release: () => (released = true) }),
  });
  return { done, stop: () => stop.abort(), lines: () => out.split('\n').filter(Boolean), out: () => out, err: () => err, released: () => released };
}

describe('status --watch --json', () => {
  it('prints one one-line document per change, shaped as status --json, and nothing while nothing changes; stopping exits 0', async () => {
    const { home, args, rewrite } = fixture();
    let single = '';
    await runCli(['status', '--json', ...args], { stdout: (t) => (single += t), stderr: () => undefined, env: { ...process.env, RAGNATRAMP_TRAY_HOME: home }, logDir: home });
    const w = watch(['--json', '--interval', '0.5', ...args], home);
    await until(() => w.lines().length === 1);
    // Three more passes of the same VMs: no line.
    await sleep(1800);
    expect(w.lines()).toHaveLength(1);
    const first = JSON.parse(w.lines()[0]!);
    expect(shape(first)).toEqual(shape(JSON.parse(single)));
    expect(first.projects[0].vms.find((v: { machineName: string }) => v.machineName === 'web').ipv4).toBe('172.18.185.163');
    rewrite(scenario('172.18.185.170'));
    await until(() => w.lines().length === 2);
    const second = JSON.parse(w.lines()[1]!);
    expect(second.projects[0].vms.find((v: { machineName: string }) => v.machineName === 'web').ipv4).toBe('172.18.185.170');
    expect(shape(second)).toEqual(shape(first));
    // Newline-delimited: every document is exactly one line.
    expect(w.out().split('\n')).toHaveLength(3);
    w.stop();
    expect(await w.done).toBe(0);
    expect(w.released()).toBe(true);
    expect(w.err()).toBe('');
  });

  it('a pass the hypervisor cannot answer is one { error } line; watching goes on and the VMs come back', async () => {
    const { home, args, rewrite } = fixture();
    const w = watch(['--json', '--interval', '0.5', ...args], home);
    await until(() => w.lines().length === 1);
    rewrite(scenario('172.18.185.163', { vmms: 'Stopped' }));
    await until(() => w.lines().length === 2);
    expect(JSON.parse(w.lines()[1]!)).toEqual({ error: { message: expect.stringMatching(/vmms/i), exitCode: 1 } });
    rewrite(scenario('172.18.185.163'));
    await until(() => w.lines().length === 3);
    // The same as before the outage, but for when each discovery looked.
    const withoutClock = (line: string) => line.replace(/"discoveredAt":"[^"]+"/g, '');
    expect(withoutClock(w.lines()[2]!)).toBe(withoutClock(w.lines()[0]!));
    expect(JSON.parse(w.lines()[2]!).projects[0].vms.map((v: { machineName: string; status: string }) => `${v.machineName}:${v.status}`)).toEqual(['db:stopped', 'web:running']);
    w.stop();
    expect(await w.done).toBe(0);
  });
});

describe('status --watch --json and the address history', () => {
  it("a new stretch the app recorded is a change; an unreadable history file is said once, not at every pass", async () => {
    const { f, home, args } = fixture();
    writeFileSync(path.join(home, HISTORY_FILE), 'not json');
    const w = watch(['--json', '--interval', '0.5', ...args], home);
    await until(() => w.lines().length === 1);
    await sleep(1500);
    expect(w.err().match(/is not JSON/g)).toHaveLength(1);
    expect(JSON.parse(w.lines()[0]!).projects[0].vms[1].history).toEqual([]);
    await writeHistory(home, noteProject({}, f.configPath, [{ machineName: 'web', ipv4: '172.18.185.163', active: true }], '2026-12-05T08:00:00.000Z'));
    await until(() => w.lines().length === 2);
    expect(JSON.parse(w.lines()[1]!).projects[0].vms[1].history).toEqual([{ ipv4: '172.18.185.163', seenAt: '2026-12-05T08:00:00.000Z', endedAt: null }]);
    w.stop();
    expect(await w.done).toBe(0);
  });
});

describe('status --watch (tables)', () => {
  it('prints the tables under the time, and again only when they change', async () => {
    const { home, args, rewrite } = fixture();
    const w = watch(['--interval', '0.5', ...args], home);
    await until(() => w.out().includes('web'));
    await sleep(1500);
    expect(w.out().match(/^\[\d{4}-\d\d-\d\dT[^\]]+\]$/gm)).toHaveLength(1);
    expect(w.out()).toMatch(/web +running +172\.18\.185\.163/);
    rewrite(scenario('172.18.185.170'));
    await until(() => /web +running +172\.18\.185\.170/.test(w.out()));
    expect(w.out().match(/^\[\d{4}-\d\d-\d\dT[^\]]+\]$/gm)).toHaveLength(2);
    w.stop();
    expect(await w.done).toBe(0);
  });

  it('--interval needs --watch, --watch is status\'s only, and a bad interval is refused', async () => {
    const run = async (argv: string[]) => {
      let err = '';
      const code = await runCli(argv, { stdout: () => undefined, stderr: (t) => (err += t), env: process.env });
      return { code, err };
    };
    expect(await run(['status', '--interval', '5', '--config', 'x.yaml'])).toEqual({ code: 2, err: expect.stringContaining('--interval applies to status --watch only') });
    expect(await run(['diagnose', '--watch', '--config', 'x.yaml'])).toEqual({ code: 2, err: expect.stringContaining('--watch applies to status only') });
    expect(await run(['status', '--watch', '--interval', '0', '--config', 'x.yaml'])).toEqual({ code: 2, err: expect.stringContaining('--interval must be a number of seconds ≥ 0.5') });
  });
});

describe('status --watch in a real process', () => {
  const entry = path.join(path.dirname(new URL(import.meta.url).pathname), 'ragnatramp-tray.ts');
  /** The real entry point watching, once its first document is out. */
  async function started(args: string[], home: string) {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, 'status', '--watch', '--json', '--interval', '0.5', ...args], { env: { ...process.env, RAGNATRAMP_TRAY_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const end = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    await until(() => out.includes('\n'), 60_000);
    return { child, end, out: () => out, err: () => err };
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} ends it with exit code 0 and nothing on stderr`, async () => {
      const { home, args } = fixture();
      const w = await started(args, home);
      w.child.kill(signal);
      expect(await w.end).toEqual({ code: 0, signal: null });
      expect(JSON.parse(w.out().split('\n')[0]!).projects).toHaveLength(1);
      expect(w.err()).toBe('');
    }, 90_000);
  }

  it('a reader that goes away ends it quietly at its next document (EPIPE), exit code 0', async () => {
    const { home, args, rewrite } = fixture();
    const w = await started(args, home);
    w.child.stdout.destroy();
    rewrite(scenario('172.18.185.170'));
    expect(await w.end).toEqual({ code: 0, signal: null });
    expect(w.err()).toBe('');
  }, 90_000);
});

describe('status --watch over a long run', () => {
  it('holds nothing per pass: no promise gains a continuation at every pass (one raced at each pass keeps every pass result until the watch ends)', async () => {
    const { home, args } = fixture();
    // V8's promise hooks give each continuation (.then) its parent promise: count them per parent.
    const { promiseHooks } = await import('node:v8');
    const children = new Map<Promise<unknown>, number>();
    const stopHook = promiseHooks.onInit((_promise, parent) => {
      if (parent) children.set(parent, (children.get(parent) ?? 0) + 1);
    });
    try {
      const w = watch(['--json', '--interval', '0.5', ...args], home);
      await until(() => w.lines().length === 1);
      const after = new Map(children);
      await sleep(3000);
      w.stop();
      expect(await w.done).toBe(0);
      // Five passes or so later: no promise made before them has gained a continuation per pass.
      const grown = [...after].map(([p, n]) => (children.get(p) ?? 0) - n);
      expect(Math.max(0, ...grown)).toBeLessThan(3);
    } finally {
      stopHook();
    }
  }, 60_000);
});
