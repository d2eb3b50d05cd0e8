// Break 5: a Ragnatramp CLI writing state.json at the same time lost entries (the gap between
// the tray's re-read and its rename). Break 6: an unwritable state.json crashed the CLI with a
// stack trace and no guest synced. Break 7: symlinked state.json and `hosts --apply-to` files
// were replaced by regular files, leaving their targets stale.
import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/cli.js';
import { writeNetworkStates, type NetworkUpdate } from '../../main/engine/state/state-file.js';
import type { NetworkState } from '../../main/engine/seed-types.js';
import { makeFixture, vmId } from '../../dev/test-support/project-fixture.js';

const isRoot = process.getuid?.() === 0;
const network = (ipv4: string): NetworkState => ({ ipv4, mac: '00155DDE3309', adapterName: 'Network Adapter', discoveredAt: '2026-11-22T10:00:00.000Z', source: 'hyperv' });
const update = (ipv4: string): NetworkUpdate[] => [{ machineName: 'web', vmId: vmId(1), network: network(ipv4) }];

// What Ragnatramp's CLI does on every state change (shared/reference/ragnatramp-formats.md):
// read, change, write state.json.tmp, rename it over state.json. No lock.
const CLI_WRITER = `
const fs = require('node:fs/promises');
const [file, count, everyMs] = process.argv.slice(1);
(async () => {
  for (let i = 0; i < Number(count); i++) {
    const state = JSON.parse(await fs.readFile(file, 'utf8'));
    state.vms['m' + i] = { id: 'id-' + i, name: 'p-m' + i + '-a1b2c3d4', machineName: 'm' + i, diskPath: 'C:/x.vhdx', createdAt: '2026-01-01T00:00:00.000Z', checkpoints: [] };
    await fs.writeFile(file + '.tmp', JSON.stringify(state, null, 2));
    await fs.rename(file + '.tmp', file);
    await new Promise((r) => setTimeout(r, Number(everyMs)));
  }
})();
`;

describe('state.json shared with a running Ragnatramp CLI', () => {
  it('loses none of 200 CLI writes made every 50 ms while the tray writes as fast as it can', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }] });
    const writer = spawn(process.execPath, ['-e', CLI_WRITER, f.statePath, '200', '50'], { stdio: 'inherit' });
    const done = new Promise<number | null>((resolve) => writer.once('exit', resolve));
    let running = true;
    void done.then(() => (running = false));
    let writes = 0;
    for (let i = 0; running; i++) {
      await writeNetworkStates(f.statePath, update(`172.18.0.${(i % 200) + 10}`));
      writes++;
    }
    expect(await done).toBe(0);
    expect(writes).toBeGreaterThan(50);
    const state = JSON.parse(readFileSync(f.statePath, 'utf8'));
    const missing = Array.from({ length: 200 }, (_, i) => `m${i}`).filter((m) => !state.vms[m]);
    expect(missing).toEqual([]);
    // And the tray's own update is there once the CLI is done.
    await writeNetworkStates(f.statePath, update('172.18.9.9'));
    expect(JSON.parse(readFileSync(f.statePath, 'utf8')).vms.web.network.ipv4).toBe('172.18.9.9');
  }, 60_000);

  it('waits for a CLI write under way, and takes a temp file left by a crashed CLI for what it is', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }] });
    writeFileSync(`${f.statePath}.tmp`, '{"half": ');
    const started = Date.now();
    const out = await writeNetworkStates(f.statePath, update('172.18.0.5'));
    expect(out.written).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(JSON.parse(readFileSync(f.statePath, 'utf8')).vms.web.network.ipv4).toBe('172.18.0.5');
  });
});

describe('a symlinked state.json or hosts file', () => {
  it('state.json: the link stays, its target is written', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }] });
    const real = path.join(f.dir, 'real-state.json');
    renameSync(f.statePath, real);
    symlinkSync('../real-state.json', f.statePath);
    expect((await writeNetworkStates(f.statePath, update('172.18.0.7'))).written).toBe(true);
    expect(lstatSync(f.statePath).isSymbolicLink()).toBe(true);
    expect(readlinkSync(f.statePath)).toBe('../real-state.json');
    expect(JSON.parse(readFileSync(real, 'utf8')).vms.web.network.ipv4).toBe('172.18.0.7');
  });

  it('hosts --apply-to <link>: the link stays, its target gets the block', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario: { vms: [{ name: 'myproject-web-a1b2c3d4', id: vmId(1), adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.0.10'] }] }] } });
    mkdirSync(path.join(f.dir, 'etc'));
    const real = path.join(f.dir, 'etc', 'hosts');
    writeFileSync(real, '127.0.0.1 localhost\n');
    const link = path.join(f.dir, 'hosts-link');
    symlinkSync('etc/hosts', link);
    const io = { out: '', err: '' };
    const code = await runCli(['hosts', '--config', f.configPath, '--simulate', f.scenarioPath, '--known-hosts', f.knownHostsPath, '--apply-to', link], { stdout: (t) => (io.out += t), stderr: (t) => (io.err += t), env: process.env });
    expect({ code, err: io.err }).toMatchObject({ code: 0 });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('127.0.0.1 localhost\n# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n172.18.0.10 web\n# END RAGNATRAMP\n');
  });
});

describe.skipIf(!isRoot)('an unwritable state.json', () => {
  it('the CLI says which file and what to do, exits 1 without a stack trace, and still syncs the guests', () => {
    const f = makeFixture({
      machines: ['web', 'db'],
      vms: [{ machine: 'web' }, { machine: 'db' }],
      scenario: {
        vms: [
          { name: 'myproject-web-a1b2c3d4', id: vmId(1), adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.0.10'] }] },
          { name: 'myproject-db-a1b2c3d4', id: vmId(2), adapters: [{ mac: '00155DDE330A', ipAddresses: ['172.18.0.11'] }] },
        ],
      },
    });
    const before = readFileSync(f.statePath, 'utf8');
    const folder = path.dirname(f.statePath);
    // A read-only folder, made real in a private mount namespace (root ignores file modes).
    const script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"';
    const r = spawnSync('unshare', ['--mount', 'sh', '-c', script, 'ro', folder, process.execPath, '--import', 'tsx', 'main/cli/ragnatramp-tray.ts', 'reconcile', '--config', f.configPath, '--simulate', f.scenarioPath, '--known-hosts', f.knownHostsPath, '--wait', '0'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    const all = r.stdout + r.stderr;
    expect(all).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
    expect(all).toContain(`${f.statePath}: cannot be written (EROFS): it is on a read-only file system`);
    expect(all).toMatch(/the guests were still synced\. Make the file and its \.ragnatramp folder writable/);
    expect(r.stdout).toContain('hosts synced on 2 of 2');
    expect(readFileSync(f.statePath, 'utf8')).toBe(before);
  });
});
