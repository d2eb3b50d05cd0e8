// Break 9: with the token (or from a compromised renderer) reconcileNow, fixKvp, diagnose and
// acceptHostKey ran on any path, and addProject echoed the content of any file in its error.
// Calls now act only on the projects in the settings, and errors quote a file only as a short,
// escaped excerpt.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatchCall } from '../../main/app/dispatch-call.js';
import { AppController } from '../../main/app/app-controller.js';
import type { SettingsStore } from '../../main/app/settings.js';
import { DEFAULT_SETTINGS, type Settings } from '../../contract/api.js';
import type { Scenario } from '../../main/engine/simulator/scenario.js';
import { makeFixture, vmId } from '../../dev/test-support/project-fixture.js';
import { WorkerClient } from '../../main/worker/worker-client.js';

const scenario: Scenario = { vms: [{ name: 'myproject-web-a1b2c3d4', id: vmId(1), adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.0.10'] }] }] };

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

function setup() {
  const mine = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario });
  const theirs = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario });
  let value: Settings = { ...DEFAULT_SETTINGS, projects: [mine.configPath] };
  const store: SettingsStore = { get: () => value, set: (v) => (value = v), warning: null };
  const worker = new WorkerClient({ simulate: mine.scenarioPath, knownHostsFile: mine.knownHostsPath });
  const controller = new AppController(store, worker, { kind: 'browser' }, { simulated: true });
  cleanup = async () => {
    controller.stop();
    await worker.dispose();
  };
  const call = (method: string, ...args: unknown[]) => dispatchCall(controller.api, method, args);
  return { mine, theirs, call };
}

describe('the API acts only on projects the user added', () => {
  it('refuses reconcileNow, diagnose, fixKvp and acceptHostKey on any other path, and touches nothing there', async () => {
    const { mine, theirs, call } = setup();
    const before = readFileSync(theirs.statePath, 'utf8');
    for (const [method, args] of [
      ['reconcileNow', [theirs.configPath]],
      ['diagnose', [theirs.configPath]],
      ['diagnose', ['/etc/shadow']],
      ['fixKvp', [theirs.configPath, 'web', false]],
      ['acceptHostKey', [theirs.configPath, 'web']],
      ['vmLog', [theirs.configPath, 'web']],
      ['vmLog', ['/etc/shadow', 'web']],
    ] as const) {
      await expect(call(method, ...args), `${method}(${args[0]})`).rejects.toThrow(/is not one of your projects; add it in Settings first\.$/);
    }
    expect(readFileSync(theirs.statePath, 'utf8')).toBe(before);
    // The user's own project still works.
    await expect(call('reconcileNow', mine.configPath)).resolves.toMatchObject({ projects: 1, failed: 0 });
    await expect(call('reconcileNow', null)).resolves.toMatchObject({ projects: 1 });
  });

  it("addProject on a file that is not a project says so in one line and never quotes the file's content", async () => {
    const { mine, call } = setup();
    const secret = path.join(mine.dir, 'shadow');
    writeFileSync(secret, 'root:$6$SECRETHASHroot:19000:0:99999:7:::\ndaemon:*:SECRETdaemon:0:99999:7:::\nuser:$6$SECRETHASHuser:19000:0:99999:7:::\n');
    const err = await call('addProject', secret).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).not.toMatch(/SECRET/);
    expect((err as Error).message).toContain("is not a Ragnatramp project file: it has no 'project:' or 'machines:' at the top level");
  });

  it('a long or hostile value in a real config is quoted short and escaped', async () => {
    const { mine, call } = setup();
    const bad = path.join(mine.dir, 'bad.yaml');
    writeFileSync(bad, `project:\n  name: "${'A'.repeat(500)}\\u0007SECRETTAIL"\nmachines:\n  - name: web\n`);
    const message = await call('addProject', bad).catch((e: Error) => e.message);
    expect(message).toMatch(/project\.name: "A{40}…" does not match/);
    expect(message).not.toMatch(/SECRETTAIL|\u0007/);
  });

  it('a device or a huge file is not read', async () => {
    const { call } = setup();
    await expect(call('addProject', '/dev/zero')).rejects.toThrow(/\/dev\/zero: is not a regular file/);
  });
});
