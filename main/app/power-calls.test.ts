// powerVm through the app core over a real engine worker and the simulated Hyper-V host: the
// call's arguments are checked in main before anything runs, the row's progress is published
// while it runs, a change is followed by a pass that shows it, and a manifest project's rows say
// their provider cannot power VMs.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type AppEvent, type Settings } from '../../contract/api.js';
import { makeFixture, vmId } from '../../dev/test-support/project-fixture.js';
import type { Scenario } from '../engine/simulator/scenario.js';
import { WorkerClient } from '../worker/worker-client.js';
import { AppController } from './app-controller.js';
import { dispatchCall } from './dispatch-call.js';
import type { SettingsStore } from './settings.js';

const scenario: Scenario = { vms: [{ name: 'myproject-web-a1b2c3d4', id: vmId(1), state: 'Off', adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.185.163'] }] }] };

function memorySettings(initial: Partial<Settings>): SettingsStore {
  let value: Settings = { ...DEFAULT_SETTINGS, ...initial };
  return { get: () => value, set: (v) => (value = v), warning: null };
}

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

function setup(settings: (f: ReturnType<typeof makeFixture>) => Partial<Settings> = () => ({})) {
  const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario });
  const worker = new WorkerClient({ simulate: f.scenarioPath, knownHostsFile: f.knownHostsPath });
  const controller = new AppController(memorySettings({ projects: [f.configPath], ...settings(f) }), worker, { kind: 'browser' }, { simulated: true });
  const events: AppEvent[] = [];
  controller.on('event', (e) => events.push(e));
  cleanups.push(async () => {
    controller.stop();
    await worker.dispose();
  });
  return { f, controller, events };
}

const waitFor = async (check: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('powerVm in the app core', () => {
  it('refuses an action the contract does not name, or a project the user did not add, before the worker is asked', async () => {
    const { f, controller } = setup();
    await expect(dispatchCall(controller.api, 'powerVm', [f.configPath, 'web', 'destroy'])).rejects.toThrow(/Invalid arguments for powerVm: \/2 must be equal to one of the allowed values/);
    await expect(dispatchCall(controller.api, 'powerVm', [f.configPath, 'web; rm -rf /', 'start'])).rejects.toThrow(/Invalid arguments for powerVm: \/1/);
    await expect(dispatchCall(controller.api, 'powerVm', ['/etc/other/ragnatramp.yaml', 'web', 'start'])).rejects.toThrow('is not one of your projects');
  });

  it("starts a stopped VM: the row says 'starting' meanwhile, and the pass that follows shows it up with its address", async () => {
    const { f, controller, events } = setup();
    controller.start();
    await waitFor(() => controller.snapshot().projects[0]?.vms[0]?.status === 'stopped');
    const result = await dispatchCall(controller.api, 'powerVm', [f.configPath, 'web', 'start']);
    expect(result).toMatchObject({ changed: true, message: "'web' started (Hyper-V says Running)." });
    const published = events.flatMap((e) => (e.type === 'state' ? [e.state.powering?.[`${f.configPath}#web`]] : []));
    expect(published).toContain('start');
    expect(controller.snapshot().powering).toEqual({});
    await waitFor(() => controller.snapshot().projects[0]?.vms[0]?.ipv4 === '172.18.185.163');
    expect(['booting', 'running']).toContain(controller.snapshot().projects[0]!.vms[0]!.status);
  });

  it("a manifest project's rows say their provider cannot start or stop VMs", async () => {
    const { controller } = setup((f) => {
      const manifest = path.join(f.dir, 'manifest.json');
      writeFileSync(manifest, JSON.stringify({ version: 1, vms: [{ name: 'myproject-web-a1b2c3d4', mac: '52:54:00:12:34:01' }] }));
      return { providers: { [f.configPath]: { provider: 'linux', option: manifest } } };
    });
    controller.start();
    await waitFor(() => controller.snapshot().projects[0]?.vms.length === 1);
    expect(controller.snapshot().projects[0]!.vms[0]!.powerUnavailable).toContain('Linux (manifest) cannot start or stop VMs');
  });
});
