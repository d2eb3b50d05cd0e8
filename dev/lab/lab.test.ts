// The lab itself: real namespaces, DHCP, sshd and per-guest /etc/hosts; and a `down` that
// leaves nothing behind.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { isRoot, traversableTempDir, useLab } from '../test-support/lab-fixture.js';
import { loadProject } from '../../main/engine/config/load-project.js';
import { Ssh2Connector } from '../../main/engine/ssh/ssh2-connector.js';
import { FileHostKeyStore } from '../../main/engine/ssh/known-hosts.js';
import { LabError, labDown, labUp, paths, readRecord } from './lab.js';
import { run } from './run-command.js';

describe('lab without root', () => {
  it('refuses with a clear message', async () => {
    const spy = vi.spyOn(process, 'getuid').mockReturnValue(1000);
    await expect(labUp({ guests: 1, dir: '/tmp/never' })).rejects.toThrow(LabError);
    await expect(labUp({ guests: 1, dir: '/tmp/never' })).rejects.toThrow(/needs root/);
    spy.mockRestore();
  });
});

describe.skipIf(!isRoot)('lab', () => {
  const lab = useLab(3);

  it('gives every guest a real DHCP lease, its own Ubuntu-like /etc/hosts, and writes the project files', async () => {
    const { record, paths: p } = lab();
    const leases = readFileSync(p.leases, 'utf8');
    for (const g of record.guests) {
      expect(leases).toContain(`${g.mac} ${g.ip} ${g.machine}`);
      expect(await lab().exec(g.machine, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'])).toContain(` ${g.ip}/24 `);
      expect(await lab().exec(g.machine, ['cat', '/etc/hosts'])).toBe(await lab().readHosts(g.machine));
      expect(await lab().readHosts(g.machine)).toMatch(/^127\.0\.0\.1 localhost\n127\.0\.1\.1 .+\n\n# The following lines are desirable for IPv6 capable hosts\n/);
    }
    const project = await loadProject(p.config);
    expect(project.machines.map((m) => m.ssh?.user)).toEqual(record.guests.map(() => record.user));
    expect(Object.values(project.state!.vms).map((v) => v.id)).toEqual(record.guests.map((g) => g.vmId));
    const scenario = parse(readFileSync(p.scenario, 'utf8'));
    expect(scenario.network).toBe('real');
    expect(scenario.vms[0].adapters[0]).toEqual({ mac: record.guests[0]!.mac.replace(/:/g, '').toUpperCase(), ipAddresses: [record.guests[0]!.ip] });
    const manifest = JSON.parse(readFileSync(p.manifest, 'utf8'));
    expect(manifest.vms[1]).toEqual({ name: record.guests[1]!.vmName, id: record.guests[1]!.vmId, mac: record.guests[1]!.mac, bridge: record.bridge, netns: record.guests[1]!.netns, hostname: 'guest2' });
    expect(manifest.dnsServer).toBe(`${record.gateway}:${record.dnsPort}`);
  });

  it('logs a non-root user into a plain shell over real SSH, with passwordless sudo', async () => {
    const { record, paths: p } = lab();
    const g = record.guests[0]!;
    const pins = path.join(mkdtempSync(path.join(os.tmpdir(), 'rt-pin-')), 'kh.json');
    const session = await new Ssh2Connector({ hostKeys: new FileHostKeyStore(pins) }).connect(
      { machineName: g.machine, host: g.ip, port: 22, user: record.user, privateKeyPath: p.key, hostKeyAlias: g.vmId },
      new AbortController().signal,
    );
    const r = await session.exec('id -u; echo "$0"; sudo -n id -u');
    session.close();
    const [uid, shell, sudoUid] = r.stdout.toString().trim().split('\n');
    expect(Number(uid)).toBeGreaterThan(0);
    expect(shell).toBe('sh');
    expect(sudoUid).toBe('0');
  });

  it('down leaves no process, link, namespace, user or file', async () => {
    const dir = path.join(traversableTempDir(), 'lab');
    const summary = await labUp({ guests: 2, dir, owner: process.env.RAGNATRAMP_LAB_OWNER });
    const record = await readRecord(dir);
    await labDown(dir);
    const links = await run('ip', ['-br', 'link']);
    expect(links).not.toContain(`rtl${record.id}`);
    expect(await run('ip', ['netns', 'list'])).not.toContain(`rtl${record.id}`);
    expect(readdirSync('/etc/netns').filter((n) => n.startsWith(`rtl${record.id}`))).toEqual([]);
    await expect(run('id', [record.user])).rejects.toThrow();
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(`/run/ragnatramp-lab/${record.id}.json`)).toBe(false);
    const procs = await run('ps', ['-eo', 'args']);
    expect(procs).not.toContain(dir);
    expect(summary.guests).toHaveLength(2);
  });

  it('refuses a folder the guest user could not reach', async () => {
    const hidden = mkdtempSync(path.join(os.tmpdir(), 'rt-hidden-'));
    await expect(labUp({ guests: 1, dir: path.join(hidden, 'lab') })).rejects.toThrow(new RegExp(`${hidden} is not traversable by others`));
  });

  it('refuses a folder that is in use', async () => {
    await expect(labUp({ guests: 1, dir: lab().record.dir })).rejects.toThrow(/a lab is up there; run `lab down` first/);
    expect(paths(lab().record.dir).record).toMatch(/lab\.json$/);
  });
});
