// Proves, over the real engine worker and the simulator, that the app records each VM's
// addresses with when they were seen in the tray's own folder (never in state.json), shows them
// on the row, keeps them across a restart (a new worker), that status --json carries the same
// history, and that vmLog gives the log lines about one VM of a watched project only (never
// another project's VM of the same project and machine name).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEFAULT_SETTINGS, type Settings } from '../../contract/api.js';
import { makeFixture } from '../../dev/test-support/project-fixture.js';
import { AppController } from '../app/app-controller.js';
import { dispatchCall } from '../app/dispatch-call.js';
import type { SettingsStore } from '../app/settings.js';
import { runCli } from '../cli/cli.js';
import { HISTORY_FILE } from '../engine/history/history-file.js';
import type { Scenario } from '../engine/simulator/scenario.js';
import { WorkerClient } from './worker-client.js';

const scenario = (webIp: string, webState: 'Running' | 'Off' = 'Running'): Scenario => ({
  vms: [
    { name: 'myproject-web-a1b2c3d4', id: '6f1c2d9e-0000-4000-8000-000000000001', state: webState, adapters: [{ mac: '00155DDE3309', ipAddresses: [webIp] }] },
    { name: 'myproject-db-a1b2c3d4', id: '6f1c2d9e-0000-4000-8000-000000000002', adapters: [{ mac: '00155DDE330A', ipAddresses: ['172.18.185.164'] }] },
  ],
});

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

function app(f: ReturnType<typeof makeFixture>, home: string, others: string[] = []) {
  const worker = new WorkerClient({ simulate: f.scenarioPath, knownHostsFile: f.knownHostsPath, logDir: home });
  let value: Settings = { ...DEFAULT_SETTINGS, projects: [f.configPath, ...others] };
  const store: SettingsStore = { get: () => value, set: (v) => (value = v), warning: null };
  const controller = new AppController(store, worker, { kind: 'browser' }, { simulated: true, home });
  cleanups.push(async () => {
    controller.stop();
    await worker.dispose();
  });
  const web = () => controller.snapshot().projects[0]!.vms.find((v) => v.machineName === 'web')!;
  return { controller, worker, web };
}

describe('address history in the app', () => {
  it('each change is a stretch on the row, kept in the tray folder across a restart, and the same in status --json', async () => {
    const f = makeFixture({ machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }], scenario: scenario('172.18.185.163') });
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
    const stateBefore = readFileSync(f.statePath, 'utf8');
    const first = app(f, home);
    await first.controller.api.reconcileNow(null);
    expect(first.web().history).toEqual([{ ipv4: '172.18.185.163', seenAt: expect.any(String), endedAt: null }]);
    writeFileSync(f.scenarioPath, stringify(scenario('172.18.185.170')));
    await first.controller.api.reconcileNow(null);
    writeFileSync(f.scenarioPath, stringify(scenario('172.18.185.170', 'Off')));
    await first.controller.api.reconcileNow(null);
    const recorded = first.web().history;
    expect(recorded.map((h) => [h.ipv4, h.endedAt === null])).toEqual([
      ['172.18.185.170', false],
      ['172.18.185.163', false],
    ]);
    expect(recorded[0]!.seenAt <= recorded[0]!.endedAt!).toBe(true);
    expect(recorded[1]!.endedAt).toBe(recorded[0]!.seenAt);
    expect(existsSync(path.join(home, HISTORY_FILE))).toBe(true);
    // state.json holds seed 000's network only: the history is the tray's own.
    expect(readFileSync(f.statePath, 'utf8')).not.toContain('seenAt');
    expect(JSON.parse(readFileSync(f.statePath, 'utf8')).vms.web).toEqual({ ...JSON.parse(stateBefore).vms.web, network: expect.any(Object) });
    await cleanups.shift()!();

    // A new worker (the app restarted) reads it back; the VM runs again at its last address: a new stretch.
    writeFileSync(f.scenarioPath, stringify(scenario('172.18.185.170')));
    const second = app(f, home);
    await second.controller.api.reconcileNow(null);
    expect(second.web().history.map((h) => [h.ipv4, h.endedAt === null])).toEqual([
      ['172.18.185.170', true],
      ['172.18.185.170', false],
      ['172.18.185.163', false],
    ]);
    expect(second.web().history.slice(1)).toEqual(recorded);

    let stdout = '';
    await runCli(['status', '--json', '--config', f.configPath, '--simulate', f.scenarioPath, '--known-hosts', f.knownHostsPath], { stdout: (t) => (stdout += t), stderr: () => undefined, env: { ...process.env, RAGNATRAMP_TRAY_HOME: home }, logDir: home });
    const vms = JSON.parse(stdout).projects[0].vms as Array<{ machineName: string; history: unknown }>;
    expect(vms.find((v) => v.machineName === 'web')!.history).toEqual(second.web().history);
  }, 60_000);

  it('vmLog: the log lines about that VM (its passes and their addresses), for a watched project and a valid name only', async () => {
    const f = makeFixture({ machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }], scenario: scenario('172.18.185.163') });
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
    const { controller } = app(f, home);
    await controller.api.reconcileNow(null);
    writeFileSync(f.scenarioPath, stringify(scenario('172.18.185.170')));
    await controller.api.reconcileNow(null);
    // pino writes asynchronously: the lines are there a moment later.
    let lines: Awaited<ReturnType<typeof controller.api.vmLog>> = [];
    for (const end = Date.now() + 5000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
      lines = await controller.api.vmLog(f.configPath, 'web');
      if (lines.some((l) => l.text.includes('172.18.185.170'))) break;
    }
    expect(lines.map((l) => l.text)).toEqual([expect.stringContaining('ipv4=172.18.185.163'), expect.stringContaining('ipv4=172.18.185.170')]);
    expect(lines.every((l) => l.event === 'pass' && !l.text.includes('172.18.185.164'))).toBe(true);
    await expect(controller.api.vmLog('/not/watched.yaml', 'web')).rejects.toThrow(/is not one of your projects/);
    await expect(dispatchCall(controller.api, 'vmLog', [f.configPath, '../web'])).rejects.toThrow(/Invalid arguments for vmLog/);
    await expect(dispatchCall(controller.api, 'vmLog', [f.configPath])).rejects.toThrow(/Invalid arguments for vmLog/);
  }, 60_000);

  it("vmLog: a start of one project's web is not in the log of another project of the same name's web", async () => {
    const f = makeFixture({ machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }], scenario: scenario('172.18.185.163', 'Off') });
    const twin = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }] });
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
    const { controller } = app(f, home, [twin.configPath]);
    expect((await controller.api.powerVm(f.configPath, 'web', 'start')).changed).toBe(true);
    let own: Awaited<ReturnType<typeof controller.api.vmLog>> = [];
    for (const end = Date.now() + 5000; Date.now() < end && !own.some((l) => l.event === 'power done'); await new Promise((r) => setTimeout(r, 50))) own = await controller.api.vmLog(f.configPath, 'web');
    expect(own.map((l) => l.event)).toEqual(expect.arrayContaining(['power requested', 'power done']));
    // (Its own passes are its own: the twin's state names the same simulated VM.)
    expect((await controller.api.vmLog(twin.configPath, 'web')).filter((l) => l.event.startsWith('power'))).toEqual([]);
  }, 60_000);
});
