// WorkerClient with real worker threads: a call past its deadline replaces the worker (which
// first disposes of its environments if it still can) and tells the user; a worker that keeps
// dying is restarted with a growing delay; quitting and a project's provider changing dispose of
// the real engine's provider environments, whose `ip monitor` child then goes away.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeFixture } from '../../dev/test-support/project-fixture.js';
import { unpackedEntry, WorkerClient } from './worker-client.js';

const STAND_IN = new URL('../../dev/test-support/stand-in-worker.mjs', import.meta.url);
const clients: WorkerClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

function standIn(mode: 'hang' | 'block' | 'crash' | 'answer', options: ConstructorParameters<typeof WorkerClient>[1] = {}) {
  const log = path.join(mkdtempSync(path.join(os.tmpdir(), 'rt-worker-')), 'log');
  writeFileSync(log, '');
  const client = new WorkerClient({ mode, log } as never, { entry: STAND_IN, ...options });
  clients.push(client);
  const restarts: string[] = [];
  client.on('restarted', (r) => restarts.push(r));
  return { client, restarts, lines: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** This process's `ip monitor` children (the worker threads share its pid). */
function ipMonitors(): number {
  const out = execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.startsWith('ip -4 monitor neigh')).length;
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !check() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 25));
}

describe('WorkerClient', () => {
  it('a call past its deadline fails with why, the user is told, and the hung worker disposes of its environments and is replaced', async () => {
    const { client, restarts, lines } = standIn('hang', { deadlinesMs: { checkProject: 300 } });
    await expect(client.call('checkProject', '/p/ragnatramp.yaml')).rejects.toThrow(/The engine stopped unexpectedly \(it did not answer checkProject within 0.3 s\); it was restarted/);
    expect(restarts).toEqual(['it did not answer checkProject within 0.3 s']);
    await until(() => lines().includes('disposed'));
    expect(lines()).toEqual(['started', 'disposed']);
    await expect(client.call('checkProject', '/p/ragnatramp.yaml')).rejects.toThrow(/did not answer/);
    // A new worker: on a busy machine it may write its first line after that call's 0.3 s ran out.
    await until(() => lines().filter((l) => l === 'started').length >= 2);
    expect(lines().filter((l) => l === 'started')).toHaveLength(2);
  });

  it('a worker whose event loop is blocked is stopped all the same', async () => {
    const { client, restarts } = standIn('block', { deadlinesMs: { checkProject: 200, dispose: 200 } });
    await expect(client.call('checkProject', '/p')).rejects.toThrow(/did not answer checkProject/);
    expect(restarts).toHaveLength(1);
  });

  it('a worker that stops answering is found by the heartbeat within seconds, long before the call\'s own deadline', async () => {
    const { client, restarts } = standIn('block', { deadlinesMs: { checkProject: 600_000, ping: 300, dispose: 200 }, heartbeatMs: 100 });
    await expect(client.call('checkProject', '/p')).rejects.toThrow(/The engine stopped unexpectedly \(it stopped answering \(no reply within 0.3 s\)\)/);
    expect(restarts).toEqual(['it stopped answering (no reply within 0.3 s)']);
  });

  it('a busy worker whose event loop runs answers the heartbeat and is left to its work; a lost one is said at once, and its successor\'s first answer says it is back', async () => {
    const { client, restarts } = standIn('hang', { deadlinesMs: { checkProject: 1500, ping: 300 }, heartbeatMs: 100 });
    await expect(client.call('checkProject', '/p')).rejects.toThrow(/did not answer checkProject within 1.5 s/);
    expect(restarts).toEqual(['it did not answer checkProject within 1.5 s']);
    const alive = standIn('answer');
    let recovered = 0;
    alive.client.on('recovered', () => recovered++);
    expect(await alive.client.call('checkProject', '/p')).toBe('checkProject');
    await (alive.client as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await until(() => alive.restarts.length > 0);
    expect(alive.restarts).toEqual(['exit code 1']);
    expect(recovered).toBe(0);
    expect(await alive.client.call('checkProject', '/p')).toBe('checkProject');
    expect(recovered).toBe(1);
  });

  it('restarts back off: each death in a row waits longer before the next worker starts', async () => {
    const { client, lines } = standIn('crash', { backoffMs: { base: 300, max: 10_000 } });
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = lines().length;
      const t = Date.now();
      await expect(client.call('checkProject', '/p')).rejects.toThrow(/exit code 3/);
      expect(lines().length).toBe(before + 1);
      starts.push(Date.now() - t);
    }
    // The first start is at once; then 300 ms, then 600 ms at least.
    expect(starts[1]).toBeGreaterThanOrEqual(290);
    expect(starts[2]).toBeGreaterThanOrEqual(590);
  });

  it('quitting disposes of the stand-in worker before stopping it', async () => {
    const { client, lines } = standIn('answer');
    await client.call('checkProject', '/p');
    await client.dispose();
    expect(lines()).toEqual(['started', 'disposed']);
    await expect(client.call('checkProject', '/p')).rejects.toThrow(/quitting/);
  });

  it('quitting while a call waits out the back-off starts no new worker: the call fails as the app quits', async () => {
    const { client, lines } = standIn('crash', { backoffMs: { base: 400, max: 400 } });
    await expect(client.call('checkProject', '/p')).rejects.toThrow(/exit code 3/);
    const waiting = client.call('checkProject', '/p'); // waits 400 ms for the next worker
    await client.dispose();
    await expect(waiting).rejects.toThrow(/quitting/);
    expect(lines()).toEqual(['started']);
  });

  it("the real engine: a project's provider changing, and quitting, dispose of its environment and its `ip monitor` child", async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web', id: 'vm-web', name: 'myproject-web-a1b2c3d4' }] });
    const manifest = path.join(f.dir, 'vms.json');
    writeFileSync(manifest, JSON.stringify({ version: 1, vms: [{ name: 'myproject-web-a1b2c3d4', mac: '52:54:00:aa:00:01' }] }));
    const other = path.join(f.dir, 'other-vms.json');
    copyFileSync(manifest, other);
    const client = new WorkerClient({ simulate: f.scenarioPath, knownHostsFile: f.knownHostsPath });
    clients.push(client);
    const before = ipMonitors();
    const pass = (option: string) => client.call('pass', { configPaths: [f.configPath], syncHosts: false, providers: { [f.configPath]: { provider: 'linux', option } } });
    await pass(manifest);
    await until(() => ipMonitors() === before + 1);
    expect(ipMonitors()).toBe(before + 1);
    await pass(other); // the user chose another manifest in Settings
    await until(() => ipMonitors() === before + 1);
    expect(ipMonitors()).toBe(before + 1); // the old environment's child is gone, the new one's runs
    await client.dispose();
    await until(() => ipMonitors() === before);
    expect(ipMonitors()).toBe(before);
  });

  it('a packaged app starts the worker from app.asar.unpacked, where its modules are plain files', () => {
    expect(unpackedEntry(new URL('file:///C:/Program%20Files/Ragnatramp%20Tray/resources/app.asar/dist/main/worker/engine-worker.js')).href).toBe('file:///C:/Program%20Files/Ragnatramp%20Tray/resources/app.asar.unpacked/dist/main/worker/engine-worker.js');
    expect(unpackedEntry(new URL('file:///work/dist/main/worker/engine-worker.js')).href).toBe('file:///work/dist/main/worker/engine-worker.js');
  });
});
